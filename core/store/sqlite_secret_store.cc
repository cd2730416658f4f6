// SqliteStore's SecretStore half: secrets, versions, stages and tags (schema 4).
#include <sqlite3.h>

#include "common/error.h"
#include "core/store/sqlite_statement.h"
#include "core/store/sqlite_store.h"

namespace coffer::core {
namespace {

constexpr const char* kSecretColumns =
    "arn, region, name, description, kms_key_id, created_at, last_changed_at, last_accessed_at, "
    "deleted_at, deletion_date, rotation_enabled, rotation_lambda_arn, rotation_days, "
    "rotation_duration, rotation_schedule, last_rotated_at, next_rotation_at, resource_policy, "
    "type, revision";

constexpr const char* kSecretVersionColumns =
    "secret_arn, version_id, created_at, last_accessed_at, kms_key_arn, sealed_value";

std::optional<std::int64_t> millis_of(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return to_millis(*t);
}
std::optional<Timestamp> time_at(const SqliteStatement& s, int column) {
  auto v = s.optional_integer(column);
  if (!v) return std::nullopt;
  return from_millis(*v);
}
std::optional<std::string> text_at(const SqliteStatement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.text(column);
}
void bind_text(SqliteStatement& s, int index, const std::optional<std::string>& value) {
  if (value)
    s.bind(index, *value);
  else
    s.bind_null(index);
}

SecretRecord read_secret(const SqliteStatement& s) {
  SecretRecord r;
  r.arn = s.text(0);
  r.region = s.text(1);
  r.name = s.text(2);
  r.description = text_at(s, 3);
  r.kms_key_id = text_at(s, 4);
  r.created_at = from_millis(s.integer(5));
  r.last_changed_at = from_millis(s.integer(6));
  r.last_accessed_at = time_at(s, 7);
  r.deleted_at = time_at(s, 8);
  r.deletion_date = time_at(s, 9);
  r.rotation_enabled = s.integer(10) != 0;
  r.rotation_lambda_arn = s.text(11);
  if (auto d = s.optional_integer(12))
    r.rotation_rules.automatically_after_days = static_cast<int>(*d);
  r.rotation_rules.duration = s.text(13);
  r.rotation_rules.schedule_expression = s.text(14);
  r.last_rotated_at = time_at(s, 15);
  r.next_rotation_at = time_at(s, 16);
  r.resource_policy = text_at(s, 17);
  r.type = s.text(18);
  r.revision = s.integer(19);
  return r;
}

void bind_secret(SqliteStatement& s, const SecretRecord& r) {
  s.bind(1, r.arn).bind(2, r.region).bind(3, r.name);
  bind_text(s, 4, r.description);
  bind_text(s, 5, r.kms_key_id);
  s.bind(6, to_millis(r.created_at))
      .bind(7, to_millis(r.last_changed_at))
      .bind_optional(8, millis_of(r.last_accessed_at))
      .bind_optional(9, millis_of(r.deleted_at))
      .bind_optional(10, millis_of(r.deletion_date))
      .bind(11, std::int64_t{r.rotation_enabled})
      .bind(12, r.rotation_lambda_arn)
      .bind_optional(13, r.rotation_rules.automatically_after_days)
      .bind(14, r.rotation_rules.duration)
      .bind(15, r.rotation_rules.schedule_expression)
      .bind_optional(16, millis_of(r.last_rotated_at))
      .bind_optional(17, millis_of(r.next_rotation_at));
  bind_text(s, 18, r.resource_policy);
  s.bind(19, r.type).bind(20, r.revision);
}

SecretVersionRecord read_secret_version(const SqliteStatement& s) {
  SecretVersionRecord v;
  v.secret_arn = s.text(0);
  v.version_id = s.text(1);
  v.created_at = from_millis(s.integer(2));
  v.last_accessed_at = time_at(s, 3);
  v.kms_key_arn = s.text(4);
  v.sealed_value = s.blob(5);
  return v;
}

std::vector<std::string> stages_of(sqlite3* db, const std::string& arn,
                                   const std::string& version_id) {
  SqliteStatement s(db,
                    "SELECT stage FROM secret_stages WHERE secret_arn = ?1 AND version_id = ?2 "
                    "ORDER BY stage");
  s.bind(1, arn).bind(2, version_id);
  std::vector<std::string> stages;
  while (s.step()) stages.push_back(s.text(0));
  return stages;
}

}  // namespace

void SqliteStore::apply_secret_change(const SecretChange& change) {
  const SecretRecord& secret = change.secret;
  in_transaction([&] {
    if (change.create) {
      SqliteStatement taken(db_, "SELECT 1 FROM secrets WHERE region = ?1 AND name = ?2");
      taken.bind(1, secret.region).bind(2, secret.name);
      if (taken.step())
        throw Error(ErrorCode::kAlreadyExists, "a secret named '" + secret.name + "' exists");
      SqliteStatement s(db_, std::string("INSERT INTO secrets (") + kSecretColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                 "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
      bind_secret(s, secret);
      s.run();
    } else {
      SqliteStatement s(db_,
                        "UPDATE secrets SET region = ?2, name = ?3, description = ?4, "
                        "kms_key_id = ?5, created_at = ?6, last_changed_at = ?7, "
                        "last_accessed_at = ?8, deleted_at = ?9, deletion_date = ?10, "
                        "rotation_enabled = ?11, rotation_lambda_arn = ?12, rotation_days = ?13, "
                        "rotation_duration = ?14, rotation_schedule = ?15, last_rotated_at = ?16, "
                        "next_rotation_at = ?17, resource_policy = ?18, type = ?19, "
                        "revision = ?20 WHERE arn = ?1 AND revision = ?21");
      bind_secret(s, secret);
      s.bind(21, change.expected_revision);
      if (s.run() != 1)
        throw Error(ErrorCode::kConflict, "the secret changed while this request ran; retry");
    }
    // Deletions first: a version staged empty by RotateSecret is replaced by its value.
    for (const auto& id : change.deleted_versions) {
      SqliteStatement s(db_,
                        "DELETE FROM secret_versions WHERE secret_arn = ?1 AND version_id = ?2");
      s.bind(1, secret.arn).bind(2, id).run();
    }
    for (const auto& v : change.new_versions) {
      SqliteStatement s(db_, std::string("INSERT INTO secret_versions (") + kSecretVersionColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      s.bind(1, secret.arn)
          .bind(2, v.version_id)
          .bind(3, to_millis(v.created_at))
          .bind_optional(4, millis_of(v.last_accessed_at))
          .bind(5, v.kms_key_arn)
          .bind_blob(6, v.sealed_value)
          .run();
    }
    for (const auto& [stage, version_id] : change.stages) {
      if (version_id.empty()) {
        SqliteStatement s(db_, "DELETE FROM secret_stages WHERE secret_arn = ?1 AND stage = ?2");
        s.bind(1, secret.arn).bind(2, stage).run();
      } else {
        SqliteStatement s(db_,
                          "INSERT INTO secret_stages (secret_arn, stage, version_id) "
                          "VALUES (?1, ?2, ?3) ON CONFLICT (secret_arn, stage) "
                          "DO UPDATE SET version_id = excluded.version_id");
        s.bind(1, secret.arn).bind(2, stage).bind(3, version_id).run();
      }
    }
    for (const Tag& tag : change.put_tags) {
      SqliteStatement s(db_,
                        "INSERT INTO secret_tags (secret_arn, tag_key, tag_value) "
                        "VALUES (?1, ?2, ?3) ON CONFLICT (secret_arn, tag_key) "
                        "DO UPDATE SET tag_value = excluded.tag_value");
      s.bind(1, secret.arn).bind(2, tag.key).bind(3, tag.value).run();
    }
    for (const auto& key : change.removed_tags) {
      SqliteStatement s(db_, "DELETE FROM secret_tags WHERE secret_arn = ?1 AND tag_key = ?2");
      s.bind(1, secret.arn).bind(2, key).run();
    }
    for (const auto& [version_id, day] : change.accessed_versions) {
      SqliteStatement s(db_,
                        "UPDATE secret_versions SET last_accessed_at = ?3 "
                        "WHERE secret_arn = ?1 AND version_id = ?2");
      s.bind(1, secret.arn).bind(2, version_id).bind(3, to_millis(day)).run();
    }
  });
}

std::optional<SecretRecord> SqliteStore::get_secret(const std::string& arn) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretColumns + " FROM secrets WHERE arn = ?1");
  s.bind(1, arn);
  if (!s.step()) return std::nullopt;
  return read_secret(s);
}

std::optional<SecretRecord> SqliteStore::find_secret_by_name(const std::string& region,
                                                             const std::string& name) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretColumns +
                             " FROM secrets WHERE region = ?1 AND name = ?2");
  s.bind(1, region).bind(2, name);
  if (!s.step()) return std::nullopt;
  return read_secret(s);
}

std::vector<SecretRecord> SqliteStore::list_secrets(const std::string& region) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretColumns +
                             " FROM secrets WHERE region = ?1 ORDER BY name");
  s.bind(1, region);
  std::vector<SecretRecord> out;
  while (s.step()) out.push_back(read_secret(s));
  return out;
}

std::vector<SecretVersionRecord> SqliteStore::list_secret_versions(const std::string& arn) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretVersionColumns +
                             " FROM secret_versions WHERE secret_arn = ?1 "
                             "ORDER BY created_at, version_id");
  s.bind(1, arn);
  std::vector<SecretVersionRecord> out;
  while (s.step()) out.push_back(read_secret_version(s));
  for (auto& v : out) v.stages = stages_of(db_, arn, v.version_id);
  return out;
}

std::optional<SecretVersionRecord> SqliteStore::get_secret_version(const std::string& arn,
                                                                   const std::string& version_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretVersionColumns +
                             " FROM secret_versions WHERE secret_arn = ?1 AND version_id = ?2");
  s.bind(1, arn).bind(2, version_id);
  if (!s.step()) return std::nullopt;
  auto v = read_secret_version(s);
  v.stages = stages_of(db_, arn, v.version_id);
  return v;
}

std::optional<SecretVersionRecord> SqliteStore::get_secret_version_by_stage(
    const std::string& arn, const std::string& stage) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT v.secret_arn, v.version_id, v.created_at, v.last_accessed_at, "
                    "v.kms_key_arn, v.sealed_value FROM secret_stages st JOIN secret_versions v "
                    "ON v.secret_arn = st.secret_arn AND v.version_id = st.version_id "
                    "WHERE st.secret_arn = ?1 AND st.stage = ?2");
  s.bind(1, arn).bind(2, stage);
  if (!s.step()) return std::nullopt;
  auto v = read_secret_version(s);
  v.stages = stages_of(db_, arn, v.version_id);
  return v;
}

std::vector<Tag> SqliteStore::list_secret_tags(const std::string& arn) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT tag_key, tag_value FROM secret_tags WHERE secret_arn = ?1 "
                    "ORDER BY tag_key");
  s.bind(1, arn);
  std::vector<Tag> out;
  while (s.step()) out.push_back({s.text(0), s.text(1)});
  return out;
}

void SqliteStore::purge_secret(const std::string& arn) {
  in_transaction([&] {
    // Stages first: their foreign key names versions, which cascade from the secret.
    SqliteStatement stages(db_, "DELETE FROM secret_stages WHERE secret_arn = ?1");
    stages.bind(1, arn).run();
    SqliteStatement s(db_, "DELETE FROM secrets WHERE arn = ?1");
    s.bind(1, arn).run();
  });
}

std::vector<SecretRecord> SqliteStore::secrets_due(Timestamp now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kSecretColumns +
                             " FROM secrets WHERE deletion_date <= ?1 OR "
                             "(rotation_enabled = 1 AND next_rotation_at <= ?1)");
  s.bind(1, to_millis(now));
  std::vector<SecretRecord> out;
  while (s.step()) out.push_back(read_secret(s));
  return out;
}

}  // namespace coffer::core
