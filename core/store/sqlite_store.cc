#include "core/store/sqlite_store.h"

#include <sqlite3.h>

#include "common/error.h"
#include "core/store/sqlite_statement.h"

namespace coffer::core {
namespace {

constexpr const char* kVersionColumns =
    "key_id, version, token_object_id, created_at, rotation_type, encryptions_reserved, "
    "wrapped_material, domain_key_version, public_key";

constexpr const char* kKeyColumns =
    "key_id, region, description, key_usage, key_spec, origin, multi_region, state, created_at, "
    "deletion_date, "
    "pending_window_days, rotation_enabled, rotation_period_days, next_rotation_at, "
    "on_demand_rotation_started_at, "
    "on_demand_rotations, current_version";

constexpr const char* kUpdateKey =
    "UPDATE keys SET region = ?2, description = ?3, key_usage = ?4, key_spec = ?5, origin = ?6, "
    "multi_region = ?7, state = ?8, created_at = ?9, deletion_date = ?10, pending_window_days = "
    "?11, "
    "rotation_enabled = ?12, rotation_period_days = ?13, next_rotation_at = ?14, "
    "on_demand_rotation_started_at = ?15, on_demand_rotations = ?16, current_version = ?17 WHERE "
    "key_id = ?1";

template <class T>
std::optional<std::int64_t> millis_or_null(const std::optional<T>& t) {
  if (!t) return std::nullopt;
  return to_millis(*t);
}

std::optional<Timestamp> optional_time(const SqliteStatement& s, int column) {
  auto v = s.optional_integer(column);
  if (!v) return std::nullopt;
  return from_millis(*v);
}

KeyRecord read_key(const SqliteStatement& s) {
  KeyRecord k;
  k.key_id = s.text(0);
  k.region = s.text(1);
  k.description = s.text(2);
  k.key_usage = parse_key_usage(s.text(3));
  k.key_spec = parse_key_spec(s.text(4));
  k.origin = parse_origin(s.text(5));
  k.multi_region = s.integer(6) != 0;
  k.state = parse_key_state(s.text(7));
  k.created_at = from_millis(s.integer(8));
  k.deletion_date = optional_time(s, 9);
  if (auto v = s.optional_integer(10)) k.pending_window_days = static_cast<int>(*v);
  k.rotation_enabled = s.integer(11) != 0;
  if (auto v = s.optional_integer(12)) k.rotation_period_days = static_cast<int>(*v);
  k.next_rotation_at = optional_time(s, 13);
  k.on_demand_rotation_started_at = optional_time(s, 14);
  k.on_demand_rotations = static_cast<int>(s.integer(15));
  k.current_version = static_cast<std::uint32_t>(s.integer(16));
  return k;
}

KeyVersionRecord read_version(const SqliteStatement& s) {
  KeyVersionRecord v;
  v.key_id = s.text(0);
  v.version = static_cast<std::uint32_t>(s.integer(1));
  v.token_object_id = s.text(2);
  v.created_at = from_millis(s.integer(3));
  if (!s.is_null(4)) v.rotation_type = parse_rotation_type(s.text(4));
  v.encryptions_reserved = static_cast<std::uint64_t>(s.integer(5));
  if (!s.is_null(6)) v.wrapped_material = s.blob(6);
  if (auto d = s.optional_integer(7)) v.domain_key_version = static_cast<std::uint32_t>(*d);
  if (!s.is_null(8)) v.public_key = s.blob(8);
  return v;
}

DomainKeyRecord read_domain_key(const SqliteStatement& s) {
  return {s.text(0), static_cast<std::uint32_t>(s.integer(1)), s.text(2), from_millis(s.integer(3)),
          s.integer(4) != 0};
}

AliasRecord read_alias(const SqliteStatement& s) {
  return {s.text(0), s.text(1), s.text(2), from_millis(s.integer(3)), from_millis(s.integer(4))};
}

void insert_version(sqlite3* db, const KeyVersionRecord& v) {
  SqliteStatement s(db, std::string("INSERT INTO key_versions (") + kVersionColumns +
                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind(1, v.key_id)
      .bind(2, std::int64_t{v.version})
      .bind(3, v.token_object_id)
      .bind(4, to_millis(v.created_at));
  if (v.rotation_type)
    s.bind(5, to_string(*v.rotation_type));
  else
    s.bind_null(5);
  s.bind(6, static_cast<std::int64_t>(v.encryptions_reserved));
  if (v.form() == MaterialForm::kWrapped) {
    s.bind_blob(7, v.wrapped_material).bind(8, std::int64_t{v.domain_key_version});
  } else {
    s.bind_null(7).bind_null(8);
  }
  if (v.public_key.empty())
    s.bind_null(9);
  else
    s.bind_blob(9, v.public_key);
  s.run();
}

void upsert_tags(sqlite3* db, const std::string& key_id, const std::vector<Tag>& tags) {
  for (const Tag& tag : tags) {
    SqliteStatement s(db,
                      "INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value");
    s.bind(1, key_id).bind(2, tag.key).bind(3, tag.value).run();
  }
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(ErrorCode::kInternal, "cannot open metadata store " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    // WAL + FULL: a committed transaction survives a crash of the process or the machine.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    migrate();
  } catch (...) {
    sqlite3_close(db_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

void SqliteStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorCode::kInternal, std::string("metadata store: ") + text);
  }
}

template <class F>
void SqliteStore::transaction(F&& f) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    f();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteStore::in_transaction(const std::function<void()>& f) { transaction(f); }

void SqliteStore::write_key(SqliteStatement& s, const KeyRecord& k) {
  s.bind(1, k.key_id)
      .bind(2, k.region)
      .bind(3, k.description)
      .bind(4, to_string(k.key_usage))
      .bind(5, to_string(k.key_spec))
      .bind(6, to_string(k.origin))
      .bind(7, std::int64_t{k.multi_region})
      .bind(8, to_string(k.state))
      .bind(9, to_millis(k.created_at))
      .bind_optional(10, millis_or_null(k.deletion_date))
      .bind_optional(11, k.pending_window_days)
      .bind(12, std::int64_t{k.rotation_enabled})
      .bind_optional(13, k.rotation_period_days)
      .bind_optional(14, millis_or_null(k.next_rotation_at))
      .bind_optional(15, millis_or_null(k.on_demand_rotation_started_at))
      .bind(16, std::int64_t{k.on_demand_rotations})
      .bind(17, std::int64_t{k.current_version});
}

void SqliteStore::create_key(const KeyRecord& key, const KeyVersionRecord& first_version,
                             const std::vector<Tag>& tags) {
  transaction([&] {
    SqliteStatement s(db_, std::string("INSERT INTO keys (") + kKeyColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                               "?14, ?15, ?16, ?17)");
    write_key(s, key);
    s.run();
    insert_version(db_, first_version);
    upsert_tags(db_, key.key_id, tags);
    if (key.policy) write_key_policy(key.key_id, *key.policy);
  });
}

void SqliteStore::write_key_policy(const std::string& key_id, const std::string& policy) {
  SqliteStatement s(db_, "INSERT OR REPLACE INTO key_policies (key_id, policy) VALUES (?1, ?2)");
  s.bind(1, key_id).bind(2, policy).run();
}

void SqliteStore::put_key_policy(const std::string& key_id, const std::string& policy) {
  transaction([&] {
    SqliteStatement exists(db_, "SELECT 1 FROM keys WHERE key_id = ?1");
    exists.bind(1, key_id);
    if (!exists.step()) throw Error(ErrorCode::kNotFound, "key '" + key_id + "' does not exist");
    write_key_policy(key_id, policy);
  });
}

std::optional<KeyRecord> SqliteStore::get_key(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kKeyColumns + " FROM keys WHERE key_id = ?1");
  s.bind(1, key_id);
  if (!s.step()) return std::nullopt;
  KeyRecord key = read_key(s);
  SqliteStatement policy(db_, "SELECT policy FROM key_policies WHERE key_id = ?1");
  policy.bind(1, key_id);
  if (policy.step()) key.policy = policy.text(0);
  return key;
}

void SqliteStore::update_key(const KeyRecord& key) {
  transaction([&] {
    SqliteStatement s(db_, kUpdateKey);
    write_key(s, key);
    if (s.run() != 1) throw Error(ErrorCode::kNotFound, "key '" + key.key_id + "' does not exist");
  });
}

std::vector<KeyRecord> SqliteStore::list_keys(const std::string& region,
                                              const std::string& after_key_id, std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    std::string("SELECT ") + kKeyColumns +
                        " FROM keys WHERE region = ?1 AND key_id > ?2 ORDER BY key_id LIMIT ?3");
  s.bind(1, region).bind(2, after_key_id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<KeyRecord> out;
  while (s.step()) out.push_back(read_key(s));
  return out;
}

std::vector<KeyRecord> SqliteStore::keys_due(Timestamp now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    std::string("SELECT ") + kKeyColumns +
                        " FROM keys WHERE (state = 'PendingDeletion' AND deletion_date <= ?1) OR "
                        "(rotation_enabled = 1 AND state = 'Enabled' AND next_rotation_at <= ?1) "
                        "ORDER BY key_id");
  s.bind(1, to_millis(now));
  std::vector<KeyRecord> out;
  while (s.step()) out.push_back(read_key(s));
  return out;
}

void SqliteStore::add_version(const KeyRecord& key, const KeyVersionRecord& version) {
  transaction([&] {
    insert_version(db_, version);
    SqliteStatement s(db_, kUpdateKey);
    write_key(s, key);
    if (s.run() != 1) throw Error(ErrorCode::kNotFound, "key '" + key.key_id + "' does not exist");
  });
}

std::optional<KeyVersionRecord> SqliteStore::get_version(const std::string& key_id,
                                                         std::uint32_t version) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kVersionColumns + " " +
                             "FROM key_versions WHERE key_id = ?1 AND version = ?2");
  s.bind(1, key_id).bind(2, std::int64_t{version});
  if (!s.step()) return std::nullopt;
  return read_version(s);
}

std::vector<KeyVersionRecord> SqliteStore::list_versions(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kVersionColumns + " " +
                             "FROM key_versions WHERE key_id = ?1 ORDER BY version");
  s.bind(1, key_id);
  std::vector<KeyVersionRecord> out;
  while (s.step()) out.push_back(read_version(s));
  return out;
}

void SqliteStore::reserve_encryptions(const std::string& key_id, std::uint32_t version,
                                      std::uint64_t reserved) {
  transaction([&] {
    SqliteStatement s(
        db_,
        "UPDATE key_versions SET encryptions_reserved = max(encryptions_reserved, ?3) "
        "WHERE key_id = ?1 AND version = ?2");
    s.bind(1, key_id)
        .bind(2, std::int64_t{version})
        .bind(3, static_cast<std::int64_t>(reserved))
        .run();
  });
}

void SqliteStore::delete_key(const std::string& key_id) {
  transaction([&] {
    // Foreign keys cascade to versions, aliases and tags.
    SqliteStatement s(db_, "DELETE FROM keys WHERE key_id = ?1");
    s.bind(1, key_id).run();
  });
}

std::vector<std::string> SqliteStore::all_token_object_ids() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT token_object_id FROM key_versions WHERE wrapped_material IS NULL AND "
                    "public_key IS NULL ORDER BY token_object_id");
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void SqliteStore::create_alias(const AliasRecord& a) {
  transaction([&] {
    SqliteStatement exists(db_, "SELECT 1 FROM aliases WHERE region = ?1 AND alias_name = ?2");
    exists.bind(1, a.region).bind(2, a.alias_name);
    if (exists.step())
      throw Error(ErrorCode::kAlreadyExists,
                  "An alias with the name " + a.alias_name + " already exists");
    SqliteStatement s(
        db_,
        "INSERT INTO aliases (region, alias_name, target_key_id, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, a.region)
        .bind(2, a.alias_name)
        .bind(3, a.target_key_id)
        .bind(4, to_millis(a.created_at));
    s.bind(5, to_millis(a.updated_at)).run();
  });
}

void SqliteStore::update_alias(const AliasRecord& a) {
  transaction([&] {
    SqliteStatement s(db_,
                      "UPDATE aliases SET target_key_id = ?3, updated_at = ?4 WHERE region = ?1 "
                      "AND alias_name = ?2");
    s.bind(1, a.region)
        .bind(2, a.alias_name)
        .bind(3, a.target_key_id)
        .bind(4, to_millis(a.updated_at));
    if (s.run() != 1) throw Error(ErrorCode::kNotFound, "Alias " + a.alias_name + " is not found.");
  });
}

void SqliteStore::delete_alias(const std::string& region, const std::string& alias_name) {
  transaction([&] {
    SqliteStatement s(db_, "DELETE FROM aliases WHERE region = ?1 AND alias_name = ?2");
    s.bind(1, region).bind(2, alias_name);
    if (s.run() != 1) throw Error(ErrorCode::kNotFound, "Alias " + alias_name + " is not found.");
  });
}

std::optional<AliasRecord> SqliteStore::get_alias(const std::string& region,
                                                  const std::string& alias_name) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT region, alias_name, target_key_id, created_at, updated_at FROM aliases "
                    "WHERE region = ?1 AND alias_name = ?2");
  s.bind(1, region).bind(2, alias_name);
  if (!s.step()) return std::nullopt;
  return read_alias(s);
}

std::vector<AliasRecord> SqliteStore::list_aliases(const std::string& region,
                                                   const std::optional<std::string>& key_id,
                                                   const std::string& after_name,
                                                   std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT region, alias_name, target_key_id, created_at, updated_at FROM aliases "
                    "WHERE region = ?1 AND alias_name > ?2 AND (?3 IS NULL OR target_key_id = ?3) "
                    "ORDER BY alias_name LIMIT ?4");
  s.bind(1, region).bind(2, after_name);
  if (key_id)
    s.bind(3, *key_id);
  else
    s.bind_null(3);
  s.bind(4, static_cast<std::int64_t>(limit));
  std::vector<AliasRecord> out;
  while (s.step()) out.push_back(read_alias(s));
  return out;
}

std::size_t SqliteStore::count_aliases(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT count(*) FROM aliases WHERE target_key_id = ?1");
  s.bind(1, key_id);
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

void SqliteStore::put_tags(const std::string& key_id, const std::vector<Tag>& tags) {
  transaction([&] { upsert_tags(db_, key_id, tags); });
}

void SqliteStore::remove_tags(const std::string& key_id, const std::vector<std::string>& tag_keys) {
  transaction([&] {
    for (const auto& tag_key : tag_keys) {
      SqliteStatement s(db_, "DELETE FROM tags WHERE key_id = ?1 AND tag_key = ?2");
      s.bind(1, key_id).bind(2, tag_key).run();
    }
  });
}

std::vector<Tag> SqliteStore::list_tags(const std::string& key_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT tag_key, tag_value FROM tags WHERE key_id = ?1 ORDER BY tag_key");
  s.bind(1, key_id);
  std::vector<Tag> out;
  while (s.step()) out.push_back({s.text(0), s.text(1)});
  return out;
}

void SqliteStore::put_access_key(const AccessKeyRecord& key) {
  transaction([&] {
    SqliteStatement s(db_,
                      "INSERT OR REPLACE INTO access_keys (access_key_id, principal, "
                      "secret_ciphertext, created_at, "
                      "active) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, key.access_key_id).bind(2, key.principal);
    s.bind_blob(3, key.secret_ciphertext);
    s.bind(4, to_millis(key.created_at)).bind(5, std::int64_t{key.active}).run();
  });
}

namespace {
AccessKeyRecord read_access_key(const SqliteStatement& s) {
  AccessKeyRecord k;
  k.access_key_id = s.text(0);
  k.principal = s.text(1);
  k.secret_ciphertext = s.blob(2);
  k.created_at = from_millis(s.integer(3));
  k.active = s.integer(4) != 0;
  return k;
}
}  // namespace

std::optional<AccessKeyRecord> SqliteStore::get_access_key(const std::string& access_key_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_,
      "SELECT access_key_id, principal, secret_ciphertext, created_at, active FROM access_keys "
      "WHERE access_key_id = ?1");
  s.bind(1, access_key_id);
  if (!s.step()) return std::nullopt;
  return read_access_key(s);
}

std::vector<AccessKeyRecord> SqliteStore::list_access_keys() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_,
      "SELECT access_key_id, principal, secret_ciphertext, created_at, active FROM access_keys "
      "ORDER BY access_key_id");
  std::vector<AccessKeyRecord> out;
  while (s.step()) out.push_back(read_access_key(s));
  return out;
}

std::vector<std::string> SqliteStore::integrity_problems() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> problems;
  {
    SqliteStatement s(db_, "PRAGMA integrity_check");
    while (s.step())
      if (s.text(0) != "ok") problems.push_back("integrity_check: " + s.text(0));
  }
  {
    SqliteStatement s(db_, "PRAGMA foreign_key_check");
    while (s.step()) problems.push_back("foreign key violation in " + s.text(0));
  }
  {
    // Every key's current version must exist: no half-made version is ever visible.
    SqliteStatement s(
        db_,
        "SELECT k.key_id FROM keys k LEFT JOIN key_versions v ON v.key_id = k.key_id AND "
        "v.version = k.current_version WHERE v.key_id IS NULL");
    while (s.step()) problems.push_back("key " + s.text(0) + " has no row for its current version");
  }
  return problems;
}

std::vector<DomainKeyRecord> SqliteStore::list_domain_keys(const std::string& region) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT region, version, token_object_id, created_at, active FROM domain_keys "
                    "WHERE region = ?1 ORDER BY version");
  s.bind(1, region);
  std::vector<DomainKeyRecord> out;
  while (s.step()) out.push_back(read_domain_key(s));
  return out;
}

void SqliteStore::add_domain_key(const DomainKeyRecord& key) {
  transaction([&] {
    SqliteStatement retire(db_, "UPDATE domain_keys SET active = 0 WHERE region = ?1");
    retire.bind(1, key.region).run();
    SqliteStatement s(db_,
                      "INSERT INTO domain_keys (region, version, token_object_id, created_at, "
                      "active) VALUES (?1, ?2, ?3, ?4, 1)");
    s.bind(1, key.region)
        .bind(2, std::int64_t{key.version})
        .bind(3, key.token_object_id)
        .bind(4, to_millis(key.created_at))
        .run();
  });
}

void SqliteStore::delete_domain_key(const std::string& region, std::uint32_t version) {
  transaction([&] {
    SqliteStatement s(db_, "DELETE FROM domain_keys WHERE region = ?1 AND version = ?2");
    s.bind(1, region).bind(2, std::int64_t{version}).run();
  });
}

std::vector<KeyVersionRecord> SqliteStore::versions_to_rewrap(const std::string& region,
                                                              std::uint32_t current,
                                                              std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kVersionColumns +
                             " FROM key_versions WHERE wrapped_material IS NOT NULL AND "
                             "domain_key_version <> ?2 AND key_id IN "
                             "(SELECT key_id FROM keys WHERE region = ?1) LIMIT ?3");
  s.bind(1, region).bind(2, std::int64_t{current}).bind(3, static_cast<std::int64_t>(limit));
  std::vector<KeyVersionRecord> out;
  while (s.step()) out.push_back(read_version(s));
  return out;
}

std::size_t SqliteStore::count_wrapped_under(const std::string& region, std::uint32_t version) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT count(*) FROM key_versions WHERE wrapped_material IS NOT NULL AND "
                    "domain_key_version = ?2 AND key_id IN "
                    "(SELECT key_id FROM keys WHERE region = ?1)");
  s.bind(1, region).bind(2, std::int64_t{version});
  s.step();
  return static_cast<std::size_t>(s.integer(0));
}

bool SqliteStore::rewrap_version(const std::string& key_id, std::uint32_t version,
                                 std::uint32_t from_domain_version, const Bytes& wrapped,
                                 std::uint32_t to_domain_version) {
  int changed = 0;
  transaction([&] {
    SqliteStatement s(db_,
                      "UPDATE key_versions SET wrapped_material = ?4, domain_key_version = ?5 "
                      "WHERE key_id = ?1 AND version = ?2 AND domain_key_version = ?3 AND "
                      "wrapped_material IS NOT NULL");
    s.bind(1, key_id)
        .bind(2, std::int64_t{version})
        .bind(3, std::int64_t{from_domain_version})
        .bind_blob(4, wrapped)
        .bind(5, std::int64_t{to_domain_version});
    changed = s.run();
  });
  return changed == 1;
}

void SqliteStore::backup_to(const std::string& path) {
  sqlite3* target = nullptr;
  if (sqlite3_open_v2(path.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = target ? sqlite3_errmsg(target) : "out of memory";
    sqlite3_close(target);
    throw Error(ErrorCode::kInternal, "cannot create backup " + path + ": " + message);
  }
  // One step copies every page: the copy is one consistent snapshot, and the connection's
  // mutex is held only for that step.
  int rc = SQLITE_OK;
  {
    std::lock_guard lock(mutex_);
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", db_, "main");
    if (!backup) {
      std::string message = sqlite3_errmsg(target);
      sqlite3_close(target);
      throw Error(ErrorCode::kInternal, "backup of the metadata store failed: " + message);
    }
    rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
  }
  const std::string message = sqlite3_errmsg(target);
  sqlite3_close(target);
  if (rc != SQLITE_DONE)
    throw Error(ErrorCode::kInternal, "backup of the metadata store failed: " + message);
}

}  // namespace coffer::core
