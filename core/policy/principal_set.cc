#include "core/policy/principal_set.h"

#include <algorithm>

#include "common/error.h"
#include "core/policy/arn_pattern.h"
#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {
namespace {

bool is_account_id(std::string_view text) {
  return text.size() == 12 &&
         std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void invalid_principal(std::string_view value, std::string_view why) {
  throw Error(ErrorCode::kMalformedPolicyDocument,
              "Policy contains a statement with one or more invalid principals: \"" +
                  std::string(value) + "\" " + std::string(why) + ".");
}

}  // namespace

std::string_view account_of(std::string_view principal_arn) {
  const auto parts = split_arn(principal_arn);
  return parts ? (*parts)[4] : std::string_view();
}

bool is_account_root(std::string_view principal_arn) {
  const auto parts = split_arn(principal_arn);
  return parts && (*parts)[2] == "iam" && (*parts)[3].empty() && is_account_id((*parts)[4]) &&
         (*parts)[5] == "root";
}

PrincipalSet PrincipalSet::everyone() {
  PrincipalSet set;
  set.everyone_ = true;
  return set;
}

PrincipalSet::PrincipalSet(const std::vector<std::string>& aws,
                           const std::vector<std::string>& services) {
  for (const auto& value : aws) {
    if (value == "*") {
      everyone_ = true;
    } else if (is_account_id(value)) {
      accounts_.push_back(value);
    } else if (is_account_root(value)) {
      accounts_.emplace_back(account_of(value));
    } else {
      const auto parts = split_arn(value);
      if (!parts || ((*parts)[2] != "iam" && (*parts)[2] != "sts") || !is_account_id((*parts)[4]) ||
          (*parts)[5].empty()) {
        invalid_principal(value, "is not \"*\", an account id or an IAM principal ARN");
      }
      if (has_wildcards(value)) invalid_principal(value, "has a wildcard");
      principals_.push_back(value);
    }
  }
  for (const auto& service : services) {
    if (service.empty() || has_wildcards(service)) {
      invalid_principal(service, "is not a service principal name");
    }
    principals_.push_back(service);
  }
}

PrincipalMatch PrincipalSet::match(std::string_view principal_arn) const {
  if (everyone_) return PrincipalMatch::kDirect;
  if (std::ranges::find(principals_, principal_arn) != principals_.end()) {
    return PrincipalMatch::kDirect;
  }
  const std::string_view account = account_of(principal_arn);
  if (account.empty() || std::ranges::find(accounts_, account) == accounts_.end()) {
    return PrincipalMatch::kNone;
  }
  return is_account_root(principal_arn) ? PrincipalMatch::kDirect : PrincipalMatch::kAccount;
}

}  // namespace coffer::core::policy
