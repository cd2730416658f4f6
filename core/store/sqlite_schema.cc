// SqliteStore's schema: the SQL of every version, and the migration that brings a store made
// by any earlier release up to this one (docs/FORMAT.md "Metadata store").
#include <sqlite3.h>

#include <iterator>
#include <string>

#include "common/error.h"
#include "core/store/sqlite_statement.h"
#include "core/store/sqlite_store.h"

namespace coffer::core {
namespace {

// Schema version 1. A later version appends a migration; it never edits this one.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE keys (
  key_id TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  description TEXT NOT NULL,
  key_usage TEXT NOT NULL,
  key_spec TEXT NOT NULL,
  origin TEXT NOT NULL,
  multi_region INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deletion_date INTEGER,
  pending_window_days INTEGER,
  rotation_enabled INTEGER NOT NULL,
  rotation_period_days INTEGER,
  next_rotation_at INTEGER,
  on_demand_rotation_started_at INTEGER,
  on_demand_rotations INTEGER NOT NULL,
  current_version INTEGER NOT NULL
);
CREATE INDEX keys_by_region ON keys(region, key_id);
CREATE TABLE key_versions (
  key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  token_object_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  rotation_type TEXT,
  encryptions_reserved INTEGER NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE aliases (
  region TEXT NOT NULL,
  alias_name TEXT NOT NULL,
  target_key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (region, alias_name)
);
CREATE INDEX aliases_by_key ON aliases(target_key_id);
CREATE TABLE tags (
  key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (key_id, tag_key)
);
)sql";

// Schema version 2: access keys (credentials of principals).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  secret_ciphertext BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  active INTEGER NOT NULL
);
)sql";

// Schema version 3: the key hierarchy. Versions made from now on are wrapped under a domain
// key and stored here; versions made before keep naming their token objects.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE key_versions ADD COLUMN wrapped_material BLOB;
ALTER TABLE key_versions ADD COLUMN domain_key_version INTEGER;
ALTER TABLE key_versions ADD COLUMN public_key BLOB;
CREATE INDEX key_versions_by_domain_key ON key_versions(domain_key_version)
  WHERE wrapped_material IS NOT NULL;
CREATE TABLE domain_keys (
  region TEXT NOT NULL,
  version INTEGER NOT NULL,
  token_object_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY (region, version)
);
)sql";

// Schema version 5: key policies. A key without a row has AWS's default key policy.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE key_policies (
  key_id TEXT PRIMARY KEY REFERENCES keys(key_id) ON DELETE CASCADE,
  policy TEXT NOT NULL
);
)sql";

// Schema version 6: identity policies attached to principals, and grants. Operations and
// constraints are JSON text (an array of AWS operation names; {"EncryptionContextEquals":{..}}
// or {"EncryptionContextSubset":{..}}).
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE principal_policies (
  principal_arn TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  document TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (principal_arn, policy_name)
);
CREATE TABLE grants (
  grant_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  grantee_principal TEXT NOT NULL,
  retiring_principal TEXT NOT NULL,
  issuing_account TEXT NOT NULL,
  operations TEXT NOT NULL,
  constraints TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX grants_by_key ON grants(key_id, grant_id);
CREATE INDEX grants_by_retiring_principal ON grants(retiring_principal, grant_id);
)sql";

// Schema version 4: Secrets Manager. A stage is keyed by (secret, stage), so it names one
// version at most: two AWSCURRENT versions cannot be stored.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE secrets (
  arn TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  kms_key_id TEXT,
  created_at INTEGER NOT NULL,
  last_changed_at INTEGER NOT NULL,
  last_accessed_at INTEGER,
  deleted_at INTEGER,
  deletion_date INTEGER,
  rotation_enabled INTEGER NOT NULL,
  rotation_lambda_arn TEXT NOT NULL,
  rotation_days INTEGER,
  rotation_duration TEXT NOT NULL,
  rotation_schedule TEXT NOT NULL,
  last_rotated_at INTEGER,
  next_rotation_at INTEGER,
  resource_policy TEXT,
  type TEXT NOT NULL,
  revision INTEGER NOT NULL,
  UNIQUE (region, name)
);
CREATE INDEX secrets_by_deletion ON secrets(deletion_date) WHERE deletion_date IS NOT NULL;
CREATE INDEX secrets_by_rotation ON secrets(next_rotation_at) WHERE rotation_enabled = 1;
CREATE TABLE secret_versions (
  secret_arn TEXT NOT NULL REFERENCES secrets(arn) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_accessed_at INTEGER,
  kms_key_arn TEXT NOT NULL,
  sealed_value BLOB NOT NULL,
  PRIMARY KEY (secret_arn, version_id)
);
CREATE TABLE secret_stages (
  secret_arn TEXT NOT NULL,
  stage TEXT NOT NULL,
  version_id TEXT NOT NULL,
  PRIMARY KEY (secret_arn, stage),
  FOREIGN KEY (secret_arn, version_id) REFERENCES secret_versions(secret_arn, version_id)
    ON DELETE CASCADE
);
CREATE INDEX secret_stages_by_version ON secret_stages(secret_arn, version_id);
CREATE TABLE secret_tags (
  secret_arn TEXT NOT NULL REFERENCES secrets(arn) ON DELETE CASCADE,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (secret_arn, tag_key)
);
)sql";

// The versions in order: a store at version N runs every step after N, each in its own
// transaction that also sets user_version.
struct SchemaStep {
  int version;
  const char* sql;
};
constexpr SchemaStep kSchemaSteps[] = {{1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3},
                                       {4, kSchemaV4}, {5, kSchemaV5}, {6, kSchemaV6}};

}  // namespace

int SqliteStore::schema_version() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

void SqliteStore::migrate() {
  const int version = schema_version();
  if (version > kSchemaVersion) {
    throw Error(ErrorCode::kInternal, "metadata store schema version " + std::to_string(version) +
                                          " is newer than this Coffer understands (" +
                                          std::to_string(kSchemaVersion) + ")");
  }
  static_assert(std::size(kSchemaSteps) == kSchemaVersion, "a schema step per version");
  for (const SchemaStep& step : kSchemaSteps) {
    if (version >= step.version) continue;
    const std::string set_version = "PRAGMA user_version = " + std::to_string(step.version);
    in_transaction([&] {
      exec(step.sql);
      exec(set_version.c_str());
    });
  }
}

}  // namespace coffer::core
