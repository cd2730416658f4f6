// Secret ARNs and names as AWS makes them:
// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX, where XXXXXX is six random
// alphanumerics, so a secret deleted and made again under the same name gets a new ARN and old
// grants to the old ARN do not carry over.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coffer::core {

std::string make_secret_arn(const std::string& region, const std::string& account,
                            const std::string& name);

struct SecretArnParts {
  std::string region;
  std::string account;
  std::string resource;  // NAME-XXXXXX, or NAME alone (a partial ARN)
};
// nullopt when `id` is not a Secrets Manager secret ARN.
std::optional<SecretArnParts> parse_secret_arn(std::string_view id);

// AWS's rule: 1..512 of [A-Za-z0-9/_+=.@-]. Throws InvalidParameterException otherwise.
void validate_secret_name(std::string_view name);

}  // namespace coffer::core
