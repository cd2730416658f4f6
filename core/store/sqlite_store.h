// MetadataStore on SQLite: WAL journal, synchronous=FULL, one transaction per change,
// a schema version with forward migrations.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/store/metadata_store.h"
#include "core/store/secret_store.h"

struct sqlite3;

namespace coffer::core {

class SqliteStatement;

class SqliteStore final : public MetadataStore, public SecretStore {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  static constexpr int kSchemaVersion = 6;
  int schema_version();

  void create_key(const KeyRecord& key, const KeyVersionRecord& first_version,
                  const std::vector<Tag>& tags) override;
  std::optional<KeyRecord> get_key(const std::string& key_id) override;
  void update_key(const KeyRecord& key) override;
  void put_key_policy(const std::string& key_id, const std::string& policy) override;
  std::vector<KeyRecord> list_keys(const std::string& region, const std::string& after_key_id,
                                   std::size_t limit) override;
  std::vector<KeyRecord> keys_due(Timestamp now) override;
  void add_version(const KeyRecord& key, const KeyVersionRecord& version) override;
  std::optional<KeyVersionRecord> get_version(const std::string& key_id,
                                              std::uint32_t version) override;
  std::vector<KeyVersionRecord> list_versions(const std::string& key_id) override;
  void reserve_encryptions(const std::string& key_id, std::uint32_t version,
                           std::uint64_t reserved) override;
  void delete_key(const std::string& key_id) override;
  std::vector<std::string> all_token_object_ids() override;

  std::vector<DomainKeyRecord> list_domain_keys(const std::string& region) override;
  void add_domain_key(const DomainKeyRecord& key) override;
  void delete_domain_key(const std::string& region, std::uint32_t version) override;
  std::vector<KeyVersionRecord> versions_to_rewrap(const std::string& region, std::uint32_t current,
                                                   std::size_t limit) override;
  std::size_t count_wrapped_under(const std::string& region, std::uint32_t version) override;
  bool rewrap_version(const std::string& key_id, std::uint32_t version,
                      std::uint32_t from_domain_version, const Bytes& wrapped,
                      std::uint32_t to_domain_version) override;
  // SQLite's online backup: readers and writers go on while the copy is made.
  void backup_to(const std::string& path) override;

  void create_alias(const AliasRecord& alias) override;
  void update_alias(const AliasRecord& alias) override;
  void delete_alias(const std::string& region, const std::string& alias_name) override;
  std::optional<AliasRecord> get_alias(const std::string& region,
                                       const std::string& alias_name) override;
  std::vector<AliasRecord> list_aliases(const std::string& region,
                                        const std::optional<std::string>& key_id,
                                        const std::string& after_name, std::size_t limit) override;
  std::size_t count_aliases(const std::string& key_id) override;

  void put_tags(const std::string& key_id, const std::vector<Tag>& tags) override;
  void remove_tags(const std::string& key_id, const std::vector<std::string>& tag_keys) override;
  std::vector<Tag> list_tags(const std::string& key_id) override;

  void put_access_key(const AccessKeyRecord& key) override;
  std::optional<AccessKeyRecord> get_access_key(const std::string& access_key_id) override;
  std::vector<AccessKeyRecord> list_access_keys() override;

  // Identity policies and grants (sqlite_authorization_store.cc).
  void put_principal_policy(const PrincipalPolicyRecord& policy) override;
  bool delete_principal_policy(const std::string& principal_arn, const std::string& name) override;
  std::vector<PrincipalPolicyRecord> list_principal_policies(
      const std::string& principal_arn) override;
  void create_grant(const GrantRecord& grant) override;
  bool delete_grant(const std::string& grant_id) override;
  std::optional<GrantRecord> get_grant(const std::string& grant_id) override;
  std::vector<GrantRecord> list_grants(const std::string& key_id, const std::string& after_grant_id,
                                       std::size_t limit) override;
  std::vector<GrantRecord> list_retirable_grants(const std::string& principal_arn,
                                                 const std::string& region,
                                                 const std::string& after_grant_id,
                                                 std::size_t limit) override;

  std::vector<std::string> integrity_problems() override;

  // SecretStore (sqlite_secret_store.cc).
  void apply_secret_change(const SecretChange& change) override;
  std::optional<SecretRecord> get_secret(const std::string& arn) override;
  std::optional<SecretRecord> find_secret_by_name(const std::string& region,
                                                  const std::string& name) override;
  std::vector<SecretRecord> list_secrets(const std::string& region) override;
  std::vector<SecretVersionRecord> list_secret_versions(const std::string& arn) override;
  std::optional<SecretVersionRecord> get_secret_version(const std::string& arn,
                                                        const std::string& version_id) override;
  std::optional<SecretVersionRecord> get_secret_version_by_stage(const std::string& arn,
                                                                 const std::string& stage) override;
  std::vector<Tag> list_secret_tags(const std::string& arn) override;
  void purge_secret(const std::string& arn) override;
  std::vector<SecretRecord> secrets_due(Timestamp now) override;

 private:
  // Inside a transaction.
  void write_key_policy(const std::string& key_id, const std::string& policy);
  void exec(const char* sql);
  void migrate();
  // Runs f inside BEGIN IMMEDIATE … COMMIT, rolling back if it throws.
  template <class F>
  void transaction(F&& f);
  // The same for code in other files of this class.
  void in_transaction(const std::function<void()>& f);
  void write_key(SqliteStatement& statement, const KeyRecord& key);

  std::mutex mutex_;  // one connection, one writer at a time
  sqlite3* db_ = nullptr;
};

}  // namespace coffer::core
