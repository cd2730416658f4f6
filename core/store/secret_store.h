// The durable half of Secrets Manager. Every change is one SecretChange applied in one
// transaction; a stage names at most one version of a secret by construction (its primary
// key is (secret, stage)), so a crash can never leave two AWSCURRENT versions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model/secret_records.h"

namespace coffer::core {

class SecretStore {
 public:
  virtual ~SecretStore() = default;

  // Applies the whole change or nothing. AlreadyExists when `create` and the region already
  // has a secret of that name; Conflict when the secret's revision is not expected_revision.
  // On success the stored revision is change.secret.revision.
  virtual void apply_secret_change(const SecretChange& change) = 0;
  virtual std::optional<SecretRecord> get_secret(const std::string& arn) = 0;
  virtual std::optional<SecretRecord> find_secret_by_name(const std::string& region,
                                                          const std::string& name) = 0;
  // Every secret of a region, ordered by name (ListSecrets filters and sorts them).
  virtual std::vector<SecretRecord> list_secrets(const std::string& region) = 0;
  // Versions of a secret with their stages, oldest first; values are included.
  virtual std::vector<SecretVersionRecord> list_secret_versions(const std::string& arn) = 0;
  virtual std::optional<SecretVersionRecord> get_secret_version(const std::string& arn,
                                                                const std::string& version_id) = 0;
  // The version a stage names, with its stages.
  virtual std::optional<SecretVersionRecord> get_secret_version_by_stage(
      const std::string& arn, const std::string& stage) = 0;
  virtual std::vector<Tag> list_secret_tags(const std::string& arn) = 0;
  // Removes the secret with its versions, stages and tags.
  virtual void purge_secret(const std::string& arn) = 0;
  // Secrets of every region whose deletion or rotation date is at or before `now`.
  virtual std::vector<SecretRecord> secrets_due(Timestamp now) = 0;
};

}  // namespace coffer::core
