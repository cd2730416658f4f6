// The one interface to durable metadata. Every mutating call is one transaction: it
// happens completely or not at all, and it is durable when the call returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model/authorization_records.h"
#include "core/model/records.h"

namespace coffer::core {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- keys and versions ---
  virtual void create_key(const KeyRecord& key, const KeyVersionRecord& first_version,
                          const std::vector<Tag>& tags) = 0;
  virtual std::optional<KeyRecord> get_key(const std::string& key_id) = 0;
  // Replaces the row; NotFound if it is gone. Leaves the key policy as it is.
  virtual void update_key(const KeyRecord& key) = 0;
  // Sets the key's policy (get_key returns it); NotFound if the key is gone.
  virtual void put_key_policy(const std::string& key_id, const std::string& policy) = 0;
  // Keys of one region ordered by key id, starting after `after_key_id`.
  virtual std::vector<KeyRecord> list_keys(const std::string& region,
                                           const std::string& after_key_id, std::size_t limit) = 0;
  // Keys in every region whose rotation or deletion deadline is at or before `now`.
  virtual std::vector<KeyRecord> keys_due(Timestamp now) = 0;
  // Adds a version and updates the key (current version, rotation dates) together.
  virtual void add_version(const KeyRecord& key, const KeyVersionRecord& version) = 0;
  virtual std::optional<KeyVersionRecord> get_version(const std::string& key_id,
                                                      std::uint32_t version) = 0;
  virtual std::vector<KeyVersionRecord> list_versions(const std::string& key_id) = 0;
  // Raises a version's reservation to `reserved` (never lowers it).
  virtual void reserve_encryptions(const std::string& key_id, std::uint32_t version,
                                   std::uint64_t reserved) = 0;
  // Removes the key with its versions, tags and aliases.
  virtual void delete_key(const std::string& key_id) = 0;
  // Every token object id that a kTokenObject version names (for the reconciler).
  virtual std::vector<std::string> all_token_object_ids() = 0;

  // --- domain keys (the key hierarchy) ---
  virtual std::vector<DomainKeyRecord> list_domain_keys(const std::string& region) = 0;
  // Adds a new domain key and marks every older one of the region inactive, in one step.
  virtual void add_domain_key(const DomainKeyRecord& key) = 0;
  virtual void delete_domain_key(const std::string& region, std::uint32_t version) = 0;
  // Up to `limit` wrapped versions of keys in `region` whose domain key is not `current`.
  virtual std::vector<KeyVersionRecord> versions_to_rewrap(const std::string& region,
                                                           std::uint32_t current,
                                                           std::size_t limit) = 0;
  // How many wrapped versions of `region` still refer to domain key `version`.
  virtual std::size_t count_wrapped_under(const std::string& region, std::uint32_t version) = 0;
  // Replaces a version's wrapped material if it is still wrapped under `from_domain_version`;
  // false if someone else changed or deleted it first.
  virtual bool rewrap_version(const std::string& key_id, std::uint32_t version,
                              std::uint32_t from_domain_version, const Bytes& wrapped,
                              std::uint32_t to_domain_version) = 0;
  // A consistent copy of the whole store at `path` (a new file), taken while others write.
  virtual void backup_to(const std::string& path) = 0;

  // --- aliases ---
  virtual void create_alias(const AliasRecord& alias) = 0;  // AlreadyExists if taken
  virtual void update_alias(const AliasRecord& alias) = 0;  // NotFound if absent
  virtual void delete_alias(const std::string& region, const std::string& alias_name) = 0;
  virtual std::optional<AliasRecord> get_alias(const std::string& region,
                                               const std::string& alias_name) = 0;
  // Ordered by alias name, after `after_name`; only those naming `key_id` when given.
  virtual std::vector<AliasRecord> list_aliases(const std::string& region,
                                                const std::optional<std::string>& key_id,
                                                const std::string& after_name,
                                                std::size_t limit) = 0;
  virtual std::size_t count_aliases(const std::string& key_id) = 0;

  // --- tags ---
  virtual void put_tags(const std::string& key_id,
                        const std::vector<Tag>& tags) = 0;  // upsert by key
  virtual void remove_tags(const std::string& key_id, const std::vector<std::string>& tag_keys) = 0;
  virtual std::vector<Tag> list_tags(const std::string& key_id) = 0;  // ordered by tag key

  // --- access keys ---
  virtual void put_access_key(const AccessKeyRecord& key) = 0;  // insert or replace
  virtual std::optional<AccessKeyRecord> get_access_key(const std::string& access_key_id) = 0;
  virtual std::vector<AccessKeyRecord> list_access_keys() = 0;

  // --- identity policies (by principal ARN and policy name) ---
  virtual void put_principal_policy(const PrincipalPolicyRecord& policy) = 0;  // insert or replace
  virtual bool delete_principal_policy(const std::string& principal_arn,
                                       const std::string& name) = 0;  // false if absent
  virtual std::vector<PrincipalPolicyRecord> list_principal_policies(
      const std::string& principal_arn) = 0;  // ordered by name; all principals when ""

  // --- grants ---
  virtual void create_grant(const GrantRecord& grant) = 0;     // NotFound if the key is gone
  virtual bool delete_grant(const std::string& grant_id) = 0;  // false if absent
  virtual std::optional<GrantRecord> get_grant(const std::string& grant_id) = 0;
  // The grants of one key, ordered by grant id, starting after `after_grant_id`.
  virtual std::vector<GrantRecord> list_grants(const std::string& key_id,
                                               const std::string& after_grant_id,
                                               std::size_t limit) = 0;
  // Grants on keys of `region` whose retiring principal is `principal_arn`, by grant id.
  virtual std::vector<GrantRecord> list_retirable_grants(const std::string& principal_arn,
                                                         const std::string& region,
                                                         const std::string& after_grant_id,
                                                         std::size_t limit) = 0;

  // Empty when the store is consistent; otherwise what is wrong.
  virtual std::vector<std::string> integrity_problems() = 0;
};

}  // namespace coffer::core
