// SqliteStore's identity policies and grants (schema 6).
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "core/store/sqlite_statement.h"
#include "core/store/sqlite_store.h"

namespace coffer::core {
namespace {

using Json = nlohmann::json;

constexpr const char* kGrantColumns =
    "grant_id, key_id, name, grantee_principal, retiring_principal, issuing_account, operations, "
    "constraints, created_at";

std::string constraints_text(const GrantRecord& g) {
  Json c = Json::object();
  if (g.context_equals) c["EncryptionContextEquals"] = *g.context_equals;
  if (g.context_subset) c["EncryptionContextSubset"] = *g.context_subset;
  return c.dump();
}

GrantRecord read_grant(const SqliteStatement& s) {
  GrantRecord g;
  g.grant_id = s.text(0);
  g.key_id = s.text(1);
  g.name = s.text(2);
  g.grantee_principal = s.text(3);
  g.retiring_principal = s.text(4);
  g.issuing_account = s.text(5);
  g.operations = Json::parse(s.text(6)).get<std::vector<std::string>>();
  const Json c = Json::parse(s.text(7));
  if (c.contains("EncryptionContextEquals"))
    g.context_equals = c["EncryptionContextEquals"].get<std::map<std::string, std::string>>();
  if (c.contains("EncryptionContextSubset"))
    g.context_subset = c["EncryptionContextSubset"].get<std::map<std::string, std::string>>();
  g.created_at = from_millis(s.integer(8));
  return g;
}

PrincipalPolicyRecord read_principal_policy(const SqliteStatement& s) {
  return {s.text(0), s.text(1), s.text(2), from_millis(s.integer(3))};
}

}  // namespace

void SqliteStore::put_principal_policy(const PrincipalPolicyRecord& policy) {
  in_transaction([&] {
    SqliteStatement s(db_,
                      "INSERT OR REPLACE INTO principal_policies (principal_arn, policy_name, "
                      "document, updated_at) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, policy.principal_arn)
        .bind(2, policy.name)
        .bind(3, policy.document)
        .bind(4, to_millis(policy.updated_at))
        .run();
  });
}

bool SqliteStore::delete_principal_policy(const std::string& principal_arn,
                                          const std::string& name) {
  bool deleted = false;
  in_transaction([&] {
    SqliteStatement s(
        db_, "DELETE FROM principal_policies WHERE principal_arn = ?1 AND policy_name = ?2");
    deleted = s.bind(1, principal_arn).bind(2, name).run() == 1;
  });
  return deleted;
}

std::vector<PrincipalPolicyRecord> SqliteStore::list_principal_policies(
    const std::string& principal_arn) {
  std::lock_guard lock(mutex_);
  const bool all = principal_arn.empty();
  SqliteStatement s(db_, all ? "SELECT principal_arn, policy_name, document, updated_at FROM "
                               "principal_policies ORDER BY principal_arn, policy_name"
                             : "SELECT principal_arn, policy_name, document, updated_at FROM "
                               "principal_policies WHERE principal_arn = ?1 ORDER BY policy_name");
  if (!all) s.bind(1, principal_arn);
  std::vector<PrincipalPolicyRecord> out;
  while (s.step()) out.push_back(read_principal_policy(s));
  return out;
}

void SqliteStore::create_grant(const GrantRecord& grant) {
  in_transaction([&] {
    SqliteStatement exists(db_, "SELECT 1 FROM keys WHERE key_id = ?1");
    exists.bind(1, grant.key_id);
    if (!exists.step())
      throw Error(ErrorCode::kNotFound, "key '" + grant.key_id + "' does not exist");
    SqliteStatement s(db_, std::string("INSERT INTO grants (") + kGrantColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, grant.grant_id)
        .bind(2, grant.key_id)
        .bind(3, grant.name)
        .bind(4, grant.grantee_principal)
        .bind(5, grant.retiring_principal)
        .bind(6, grant.issuing_account)
        .bind(7, Json(grant.operations).dump())
        .bind(8, constraints_text(grant))
        .bind(9, to_millis(grant.created_at))
        .run();
  });
}

bool SqliteStore::delete_grant(const std::string& grant_id) {
  bool deleted = false;
  in_transaction([&] {
    SqliteStatement s(db_, "DELETE FROM grants WHERE grant_id = ?1");
    deleted = s.bind(1, grant_id).run() == 1;
  });
  return deleted;
}

std::optional<GrantRecord> SqliteStore::get_grant(const std::string& grant_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    std::string("SELECT ") + kGrantColumns + " FROM grants WHERE grant_id = ?1");
  s.bind(1, grant_id);
  if (!s.step()) return std::nullopt;
  return read_grant(s);
}

std::vector<GrantRecord> SqliteStore::list_grants(const std::string& key_id,
                                                  const std::string& after_grant_id,
                                                  std::size_t limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, std::string("SELECT ") + kGrantColumns +
                             " FROM grants WHERE key_id = ?1 AND grant_id > ?2 ORDER BY grant_id "
                             "LIMIT ?3");
  s.bind(1, key_id).bind(2, after_grant_id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<GrantRecord> out;
  while (s.step()) out.push_back(read_grant(s));
  return out;
}

std::vector<GrantRecord> SqliteStore::list_retirable_grants(const std::string& principal_arn,
                                                            const std::string& region,
                                                            const std::string& after_grant_id,
                                                            std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::string columns;
  for (std::string_view rest = kGrantColumns; !rest.empty();) {
    const auto comma = rest.find(", ");
    columns += (columns.empty() ? "g." : ", g.") + std::string(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 2);
  }
  SqliteStatement s(db_, "SELECT " + columns +
                             " FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE "
                             "g.retiring_principal = ?1 AND k.region = ?2 AND g.grant_id > ?3 "
                             "ORDER BY g.grant_id LIMIT ?4");
  s.bind(1, principal_arn)
      .bind(2, region)
      .bind(3, after_grant_id)
      .bind(4, static_cast<std::int64_t>(limit));
  std::vector<GrantRecord> out;
  while (s.step()) out.push_back(read_grant(s));
  return out;
}

}  // namespace coffer::core
