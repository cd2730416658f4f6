// The Principal (or NotPrincipal) element of a key policy statement, and how it meets the
// principal of a request.
//
//   "*", {"AWS": "*"}                   everyone
//   {"AWS": "111122223333"}             the account: the same as arn:aws:iam::111122223333:root
//   {"AWS": "arn:aws:iam::A:root"}      the account. Its root user matches directly; any other
//                                       principal of A matches only through A's identity
//                                       policies (KMS's "Enable IAM policies" delegation)
//   {"AWS": "arn:aws:iam::A:user/N"}    that user (roles alike)
//   {"Service": "logs.amazonaws.com"}   that service principal
// AWS refuses wildcards inside a principal ARN, and so does Coffer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace coffer::core::policy {

enum class PrincipalMatch {
  kNone,
  kDirect,   // the statement names this principal (or everyone, or it is the account's root)
  kAccount,  // the statement names the principal's account: identity policies decide
};

// The account id of a principal ARN ("arn:aws:iam::111122223333:user/x" -> "111122223333");
// empty when `principal_arn` is not an ARN.
std::string_view account_of(std::string_view principal_arn);
// Whether `principal_arn` is an account's root user (arn:PARTITION:iam::ACCOUNT:root).
bool is_account_root(std::string_view principal_arn);

class PrincipalSet {
 public:
  static PrincipalSet everyone();
  // The values of "AWS" and of "Service". Throws Error(kMalformedPolicyDocument) for a value
  // that is not "*", an account id or an IAM ARN without wildcards.
  PrincipalSet(const std::vector<std::string>& aws, const std::vector<std::string>& services);

  PrincipalMatch match(std::string_view principal_arn) const;
  bool includes_everyone() const { return everyone_; }

 private:
  PrincipalSet() = default;

  bool everyone_ = false;
  std::vector<std::string> accounts_;    // ids of the accounts named
  std::vector<std::string> principals_;  // exact ARNs of users and roles, service names
};

}  // namespace coffer::core::policy
