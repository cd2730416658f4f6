#include "core/model/caller.h"

namespace coffer::core {
namespace {

thread_local const Caller* tls_caller = nullptr;

}  // namespace

const Caller* current_caller() noexcept { return tls_caller; }

CallerScope::CallerScope(const Caller* caller) noexcept : previous_(tls_caller) {
  tls_caller = caller;
}

CallerScope::~CallerScope() { tls_caller = previous_; }

std::string account_root_arn(const std::string& account_id) {
  return "arn:aws:iam::" + account_id + ":root";
}

std::string account_of_principal(const std::string& principal_arn) {
  constexpr std::string_view prefix = "arn:aws:iam::";
  if (!principal_arn.starts_with(prefix)) return "";
  const auto end = principal_arn.find(':', prefix.size());
  if (end == std::string::npos) return "";
  return principal_arn.substr(prefix.size(), end - prefix.size());
}

std::string principal_arn_of(const std::string& principal, const std::string& account_id) {
  if (principal.starts_with("arn:aws:iam::")) return principal;
  if (principal.starts_with("user/") || principal.starts_with("role/"))
    return "arn:aws:iam::" + account_id + ":" + principal;
  return account_root_arn(account_id);
}

}  // namespace coffer::core
