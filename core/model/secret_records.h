// What the metadata store keeps of Secrets Manager: secrets, their versions (each value
// sealed under a data key of a KMS key), staging labels and tags. Plain data; the rules that
// change them live in core/secrets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/clock.h"
#include "core/model/records.h"

namespace coffer::core {

struct RotationRules {
  std::optional<int> automatically_after_days;  // 1..1000
  std::string duration;                         // "3h": the rotation window; empty: none
  std::string schedule_expression;              // rate(...) or cron(...); empty: none
  bool operator==(const RotationRules&) const = default;
};

struct SecretRecord {
  std::string arn;  // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX (the key)
  std::string region;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> kms_key_id;  // as the caller named it; none: aws/secretsmanager
  Timestamp created_at{};
  Timestamp last_changed_at{};
  std::optional<Timestamp> last_accessed_at;  // a day, as AWS reports it
  std::optional<Timestamp> deleted_at;        // DeleteSecret was called (DeletedDate)
  std::optional<Timestamp> deletion_date;     // when the scheduler purges it
  bool rotation_enabled = false;
  std::string rotation_lambda_arn;
  RotationRules rotation_rules;
  std::optional<Timestamp> last_rotated_at;
  std::optional<Timestamp> next_rotation_at;
  std::optional<std::string> resource_policy;
  std::string type;  // CreateSecret's Type; empty for ordinary secrets
  // Bumped by every change; the store refuses a change made from an older revision.
  std::int64_t revision = 0;
};

// A version's value sealed as docs/FORMAT.md "Secret values" describes.
struct SecretVersionRecord {
  std::string secret_arn;
  std::string version_id;  // the ClientRequestToken that made it
  Timestamp created_at{};
  std::optional<Timestamp> last_accessed_at;
  std::string kms_key_arn;  // the key whose data key sealed the value
  Bytes sealed_value;       // secret_envelope.h; empty: staged by RotateSecret, no value yet
  std::vector<std::string> stages;  // filled by reads; writes go through SecretChange
};

// One atomic change to a secret: the store applies all of it in one transaction, or none.
struct SecretChange {
  SecretRecord secret;                 // written as is (inserted when create is set)
  bool create = false;                 // a new secret: ResourceExists if the name is taken
  std::int64_t expected_revision = 0;  // update: refused (Conflict) if the row moved on
  std::vector<SecretVersionRecord> new_versions;
  std::vector<std::string> deleted_versions;  // applied before new_versions
  // stage -> version id; an empty version id removes the stage.
  std::vector<std::pair<std::string, std::string>> stages;
  std::vector<Tag> put_tags;
  std::vector<std::string> removed_tags;
  std::vector<std::pair<std::string, Timestamp>> accessed_versions;  // version id -> day
};

}  // namespace coffer::core
