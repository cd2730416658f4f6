#include "core/model/key_policy.h"

#include <nlohmann/json.hpp>

namespace coffer::core {

using Json = nlohmann::json;

std::string default_key_policy(const std::string& account_id) {
  const Json policy = {
      {"Version", "2012-10-17"},
      {"Id", "key-default-1"},
      {"Statement", Json::array({{{"Sid", "Enable IAM User Permissions"},
                                  {"Effect", "Allow"},
                                  {"Principal", {{"AWS", "arn:aws:iam::" + account_id + ":root"}}},
                                  {"Action", "kms:*"},
                                  {"Resource", "*"}}})}};
  return policy.dump(2);
}

std::string aws_managed_key_policy(const std::string& account_id, const std::string& region,
                                   const std::string& service) {
  const Json policy = {
      {"Version", "2012-10-17"},
      {"Id", "auto-" + service + "-1"},
      {"Statement",
       Json::array(
           {{{"Sid", "Allow access through " + service + " for all principals in the account"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "*"}}},
             {"Action",
              Json::array({"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                           "kms:CreateGrant", "kms:DescribeKey"})},
             {"Resource", "*"},
             {"Condition",
              {{"StringEquals",
                {{"kms:CallerAccount", account_id},
                 {"kms:ViaService", service + "." + region + ".amazonaws.com"}}}}}},
            {{"Sid", "Allow direct access to key metadata to the account"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "arn:aws:iam::" + account_id + ":root"}}},
             {"Action", Json::array({"kms:Describe*", "kms:Get*", "kms:List*"})},
             {"Resource", "*"}}})}};
  return policy.dump(2);
}

}  // namespace coffer::core
