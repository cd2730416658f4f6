// Who is calling: the authenticated principal of the request a thread is serving. The front
// ends (AWS JSON, rpc) set it for the length of one request with CallerScope; the service
// authorizes against it. A thread with no caller runs Coffer's own work (the scheduler, the
// rotation engine's bookkeeping, offline commands), which no policy restricts.
#pragma once

#include <string>

namespace coffer::core {

struct Caller {
  // As the credential names it: "user/NAME", "role/NAME", an IAM ARN, or an older name that
  // stands for the account's root (principal_arn_of below says which ARN it is).
  std::string principal;
  std::string access_key_id;
  std::string source_ip;    // empty when unknown
  std::string via_service;  // "secretsmanager.REGION.amazonaws.com" when a service calls KMS
};

// The caller of the request this thread serves, or nullptr.
const Caller* current_caller() noexcept;

// Sets the thread's caller until destroyed (nests: the previous one comes back).
class CallerScope {
 public:
  explicit CallerScope(const Caller* caller) noexcept;
  ~CallerScope();
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

 private:
  const Caller* previous_;
};

// The principal ARN an access key's principal name stands for in `account_id`:
//   "user/NAME", "role/NAME"        -> arn:aws:iam::ACCOUNT:user/NAME (role/NAME)
//   "root", and any name without a "user/" or "role/" prefix (every access key made before
//   policies: "admin" of the first run, "interop", ...) -> arn:aws:iam::ACCOUNT:root
//   an IAM ARN                      -> itself
std::string principal_arn_of(const std::string& principal, const std::string& account_id);

// arn:aws:iam::ACCOUNT:root
std::string account_root_arn(const std::string& account_id);

// The ACCOUNT of arn:aws:iam::ACCOUNT:..., or "" for anything else.
std::string account_of_principal(const std::string& principal_arn);

}  // namespace coffer::core
