// Requests and results of the Secrets Manager operations, as core sees them: every front end
// (AWS JSON "secretsmanager.<Operation>", rpc coffer.v1.Secrets, the CLI) maps onto these.
// Member names follow botocore's secretsmanager/2017-10-17 model.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/secret_bytes.h"
#include "core/model/secret_records.h"

namespace coffer::core {

// A value as the caller gave it or receives it: exactly one of the two is set.
struct SecretValue {
  std::optional<SecretBytes> string;  // SecretString (UTF-8)
  std::optional<SecretBytes> binary;  // SecretBinary
  bool empty() const { return !string && !binary; }
};

struct CreateSecretRequest {
  std::string name;
  std::optional<std::string> client_request_token;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  SecretValue value;
  std::vector<Tag> tags;
  std::string type;
};
struct SecretVersionRef {  // ARN, Name, VersionId: what most mutations answer
  std::string arn;
  std::string name;
  std::optional<std::string> version_id;
};

struct GetSecretValueRequest {
  std::string secret_id;
  std::optional<std::string> version_id;
  std::optional<std::string> version_stage;
};
struct GetSecretValueResult {
  std::string arn;
  std::string name;
  std::string version_id;
  SecretValue value;
  std::vector<std::string> version_stages;
  Timestamp created_at{};
};

struct PutSecretValueRequest {
  std::string secret_id;
  std::optional<std::string> client_request_token;
  SecretValue value;
  std::optional<std::vector<std::string>> version_stages;  // default {AWSCURRENT}
};
struct PutSecretValueResult {
  std::string arn;
  std::string name;
  std::string version_id;
  std::vector<std::string> version_stages;
};

struct UpdateSecretRequest {
  std::string secret_id;
  std::optional<std::string> client_request_token;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;
  SecretValue value;
};

struct UpdateSecretVersionStageRequest {
  std::string secret_id;
  std::string version_stage;
  std::optional<std::string> remove_from_version_id;
  std::optional<std::string> move_to_version_id;
};

struct SecretDescription {
  SecretRecord secret;
  std::vector<Tag> tags;
  std::map<std::string, std::vector<std::string>> version_ids_to_stages;
  std::string primary_region;
};

struct SecretsFilter {
  std::string
      key;  // description | name | tag-key | tag-value | primary-region | owning-service | all
  std::vector<std::string> values;
};
struct ListSecretsRequest {
  bool include_planned_deletion = false;
  std::optional<int> max_results;
  std::optional<std::string> next_token;
  std::vector<SecretsFilter> filters;
  std::string sort_order = "asc";  // asc | desc
  std::string sort_by =
      "created-date";  // created-date | last-accessed-date | last-changed-date | name
};
struct ListSecretsResult {
  std::vector<SecretDescription> secrets;
  std::optional<std::string> next_token;
};

struct SecretVersionEntry {
  std::string version_id;
  std::vector<std::string> version_stages;
  std::optional<Timestamp> last_accessed_at;
  Timestamp created_at{};
  std::string kms_key_arn;
};
struct ListSecretVersionIdsRequest {
  std::string secret_id;
  std::optional<int> max_results;
  std::optional<std::string> next_token;
  bool include_deprecated = false;
};
struct ListSecretVersionIdsResult {
  std::string arn;
  std::string name;
  std::vector<SecretVersionEntry> versions;
  std::optional<std::string> next_token;
};

struct DeleteSecretRequest {
  std::string secret_id;
  std::optional<int> recovery_window_in_days;
  std::optional<bool> force_delete_without_recovery;
};
struct DeleteSecretResult {
  std::string arn;
  std::string name;
  Timestamp deletion_date{};
};

struct RandomPasswordRequest {
  std::optional<std::int64_t> password_length;  // 1..4096, default 32
  std::string exclude_characters;
  bool exclude_numbers = false;
  bool exclude_punctuation = false;
  bool exclude_uppercase = false;
  bool exclude_lowercase = false;
  bool include_space = false;
  bool require_each_included_type = true;
};

struct RotateSecretRequest {
  std::string secret_id;
  std::optional<std::string> client_request_token;
  std::optional<std::string> rotation_lambda_arn;
  std::optional<RotationRules> rotation_rules;
  bool rotate_immediately = true;
};

struct BatchGetSecretValueRequest {
  std::vector<std::string> secret_ids;
  std::vector<SecretsFilter> filters;
  std::optional<int> max_results;
  std::optional<std::string> next_token;
};
struct BatchGetError {
  std::string secret_id;
  std::string error_code;
  std::string message;
};
struct BatchGetSecretValueResult {
  std::vector<GetSecretValueResult> values;
  std::vector<BatchGetError> errors;
  std::optional<std::string> next_token;
};

struct ResourcePolicyResult {
  std::string arn;
  std::string name;
  std::optional<std::string> resource_policy;
};
struct PolicyValidationResult {
  bool passed = true;
  std::vector<std::pair<std::string, std::string>> errors;  // CheckName, ErrorMessage
};

}  // namespace coffer::core
