// coffer::core::KmsService: the KMS of one region. Every front end (rpc, AWS JSON, CLI,
// OpenSSL provider) calls this API; no business rule lives anywhere else.
//
// Thread-safe. Cryptographic calls read from an in-memory cache of keys and aliases and
// go to the token; mutations are serialised, written to the metadata store in one
// transaction each, then published to the cache.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/api/operations.h"
#include "core/hierarchy/key_material.h"
#include "core/model/caller.h"
#include "core/model/clock.h"
#include "core/model/kms_types.h"
#include "core/policy/policy_document.h"
#include "core/service/identity_policies.h"
#include "core/store/encryption_counter.h"
#include "core/store/metadata_store.h"
#include "pkcs11/token.h"

namespace coffer::core {

struct KmsConfig {
  std::string region = "us-east-1";
  std::string account_id = "111122223333";
  // NIST SP 800-38D allows 2^32 encryptions with random 96-bit IVs per key; a version
  // rotates itself long before (2^30 by default).
  std::uint64_t max_encryptions_per_version = std::uint64_t{1} << 30;
  // Encryptions reserved durably per store write (a crash forgets at most this many).
  std::uint64_t encryption_reservation_block = 65536;
  int on_demand_rotation_limit = 25;
  int max_tags_per_key = 50;
  int max_aliases_per_key = 50;
  // AWS allows 50,000 grants per key; each is held in memory with its key once used.
  std::size_t max_grants_per_key = 10000;
  // Versions moved to a new domain key per scheduler tick (the re-wrap job's rate).
  std::size_t rewrap_batch = 200;
  // Days between automatic domain key rotations; 0: only `cofferd domain-key rotate`.
  int domain_key_rotation_days = 0;
  // Whether the scheduler destroys a domain key once nothing refers to it (a token write;
  // off: `cofferd domain-key rewrap` does it).
  bool retire_domain_keys = true;
  // Versions kept unwrapped in the token, when the service makes its own KeyMaterial.
  std::size_t version_cache_capacity = 10000;
};

class KmsService {
 public:
  // `material` is shared by the services of one process (one per region it serves); without
  // one, the service makes its own.
  KmsService(pkcs11::Token& token, MetadataStore& store, const Clock& clock, KmsConfig config,
             KeyMaterial* material = nullptr);
  ~KmsService();
  KmsService(const KmsService&) = delete;
  KmsService& operator=(const KmsService&) = delete;

  const KmsConfig& config() const { return config_; }

  // --- keys ---
  KeyMetadata create_key(const CreateKeyRequest& request);
  KeyMetadata describe_key(const std::string& key_id);
  ListKeysResult list_keys(const Page& page);
  void enable_key(const std::string& key_id);
  void disable_key(const std::string& key_id);
  ScheduleKeyDeletionResult schedule_key_deletion(const std::string& key_id,
                                                  std::optional<int> pending_window_in_days);
  std::string cancel_key_deletion(const std::string& key_id);  // returns the key ARN
  void update_key_description(const std::string& key_id, const std::string& description);

  // --- key policies (core/policy; enforced for the thread's caller, core/model/caller.h) ---
  std::string get_key_policy(const std::string& key_id);  // AWS's default when none was put
  std::vector<std::string> list_key_policies(const std::string& key_id);  // {"default"}
  void put_key_policy(const std::string& key_id, const std::string& policy,
                      bool bypass_policy_lockout_safety_check = false);

  // --- grants (grants.cc) ---
  CreateGrantResult create_grant(const CreateGrantRequest& request);
  ListGrantsResult list_grants(const ListGrantsRequest& request);
  ListGrantsResult list_retirable_grants(const std::string& retiring_principal, const Page& page);
  void retire_grant(const RetireGrantRequest& request);
  void revoke_grant(const std::string& key_id, const std::string& grant_id);

  // --- identity policies (the principals' side of the evaluation) ---
  IdentityPolicies& identity_policies() noexcept { return identity_policies_; }
  // IAM's inline-policy calls (principal_policies.cc) for the thread's caller: `principal` as
  // IdentityPolicies::attachable_principal_arn reads it; authorized as IAM authorizes
  // iam:PutRolePolicy (PutUserPolicy, ...) on the principal's ARN, by the caller's identity
  // policies alone. A change is seen by the next request (the cache entry is dropped).
  void put_principal_policy(const std::string& principal, const std::string& policy_name,
                            const std::string& policy_document);
  std::string get_principal_policy(const std::string& principal,
                                   const std::string& policy_name);  // NotFoundException
  void delete_principal_policy(const std::string& principal,
                               const std::string& policy_name);  // NotFoundException
  PrincipalPolicyNames list_principal_policies(const std::string& principal, const Page& page);
  // STS GetCallerIdentity for the thread's caller: needs no permission.
  CallerIdentity caller_identity() const;
  // For calls outside KMS's own (servicequotas:ListServiceQuotas): `action` on `resource`,
  // decided by the thread's caller's identity policies alone (the root may). Throws
  // AccessDeniedException.
  void authorize_action(std::string action, std::string resource = "*") const {
    authorize_by_identity(std::move(action), std::move(resource));
  }

  // --- rotation ---
  void enable_key_rotation(const std::string& key_id, std::optional<int> rotation_period_in_days);
  void disable_key_rotation(const std::string& key_id);
  KeyRotationStatus get_key_rotation_status(const std::string& key_id);
  std::string rotate_key_on_demand(const std::string& key_id);  // returns the key id
  ListKeyRotationsResult list_key_rotations(const std::string& key_id, const Page& page);

  // --- aliases ---
  void create_alias(const std::string& alias_name, const std::string& target_key_id);
  void update_alias(const std::string& alias_name, const std::string& target_key_id);
  void delete_alias(const std::string& alias_name);
  // The key an AWS-managed alias (alias/aws/secretsmanager) names, made with the alias on
  // first use; returns its ARN.
  std::string aws_managed_key(const std::string& alias_name, const std::string& description);
  ListAliasesResult list_aliases(const std::optional<std::string>& key_id, const Page& page);

  // --- tags ---
  void tag_resource(const std::string& key_id, const std::vector<Tag>& tags);
  void untag_resource(const std::string& key_id, const std::vector<std::string>& tag_keys);
  ListTagsResult list_resource_tags(const std::string& key_id, const Page& page);

  // --- cryptography ---
  EncryptResult encrypt(const EncryptRequest& request);
  DecryptResult decrypt(const DecryptRequest& request);
  ReEncryptResult re_encrypt(const ReEncryptRequest& request);
  GenerateDataKeyResult generate_data_key(const GenerateDataKeyRequest& request);
  GenerateDataKeyResult generate_data_key_without_plaintext(const GenerateDataKeyRequest& request);
  SecretBytes generate_random(std::optional<int> number_of_bytes);

  // --- asymmetric and HMAC keys ---
  SignResult sign(const SignRequest& request);
  VerifyResult verify(const VerifyRequest& request);
  GetPublicKeyResult get_public_key(const std::string& key_id);
  GenerateMacResult generate_mac(const GenerateMacRequest& request);
  VerifyMacResult verify_mac(const VerifyMacRequest& request);
  GenerateDataKeyPairResult generate_data_key_pair(const GenerateDataKeyPairRequest& request);
  GenerateDataKeyPairResult generate_data_key_pair_without_plaintext(
      const GenerateDataKeyPairRequest& request);
  KeyMetadata import_key(const ImportKeyRequest& request);

  // --- the key hierarchy ---
  KeyMaterial& key_material() noexcept { return material_; }
  // Makes the region's next domain key; the scheduler then re-wraps every version under it.
  DomainKeyRecord rotate_domain_key();

  // --- background work ---
  // Rotates keys whose period has passed or whose version is worn out, and deletes keys
  // whose waiting period is over. Returns how many keys it changed. The scheduler thread
  // calls it; tests call it directly after moving a ManualClock.
  int run_due_work();
  // Starts/stops a thread that calls run_due_work() every `interval` and when woken.
  void start_scheduler(std::chrono::milliseconds interval);
  void stop_scheduler();

  // What the in-memory cache alone knows of the key `reference` names (a key id, key ARN,
  // alias name or alias ARN): its key id (the alias name when the alias is not cached) and
  // its spec (nullopt when the key is not cached). Never the store or the token, never
  // throws: request quotas ask it on every request, before any work.
  struct KnownKey {
    std::string key_id;
    std::optional<KeySpec> spec;
  };
  KnownKey known_key(std::string_view reference) const noexcept;

  // Durable counters are flushed through reservations; this exposes the in-memory count.
  std::uint64_t encryptions_of(const std::string& key_id, std::uint32_t version) const;

 private:
  struct CachedKey;
  using CachedKeyPtr = std::shared_ptr<const CachedKey>;

  // Resolution and the cache.
  // The key id `reference` names, for `operation`: an alias where the operation accepts only a
  // key id or key ARN (core/api's table) is NotFoundException, as in AWS.
  std::string resolve_key_id(const std::string& reference, api::Operation operation,
                             const char* field = "KeyId");
  // The key `reference` names, loaded (fresh: from the store, for mutations), with the
  // operation's key-state rule applied: NotFoundException, DisabledException,
  // KMSInvalidStateException...
  // Then authorizes the thread's caller for it (with `context`, the request's encryption
  // context, for its condition keys): AccessDeniedException.
  // What a request says that condition keys read besides the caller, the key and the
  // encryption context: views into the request, valid during the call.
  struct RequestFacts {
    std::string_view request_alias;         // kms:RequestAlias: "alias/NAME" (key_for fills it)
    std::string_view encryption_algorithm;  // kms:EncryptionAlgorithm
    std::string_view signing_algorithm;     // kms:SigningAlgorithm
  };
  CachedKeyPtr key_for(api::Operation operation, const std::string& reference,
                       const char* field = "KeyId", bool fresh = false,
                       const EncryptionContext* context = nullptr, RequestFacts facts = {});

  // Authorization (authorization.cc). Nothing to check without a caller (Coffer's own work).
  // Returns the grant that allowed the request, if a grant rather than a policy did.
  using ExtraConditionKeys = std::vector<std::pair<std::string, std::vector<std::string>>>;
  std::optional<GrantRecord> authorize(api::Operation operation, const CachedKey& key,
                                       const char* field, const EncryptionContext* context,
                                       const ExtraConditionKeys* extra = nullptr,
                                       const RequestFacts* facts = nullptr) const;
  std::shared_ptr<const IdentityPolicies::Attached> identity_policies_of(
      const std::string& principal_arn) const;
  // The key's grants, read from the store on first use and kept with the cached key.
  const std::vector<GrantRecord>& grants_of(const CachedKey& key) const;
  // Operations on no key (CreateKey, ListKeys, ListAliases, GenerateRandom): identity policies.
  void authorize_account(api::Operation operation) const;
  // Alias operations need permission on the alias as well as on the key: an alias has no
  // policy of its own, so identity policies decide, for the alias's ARN (as AWS).
  void authorize_alias(api::Operation operation, const std::string& alias_name) const;
  // `action` on a resource without a policy of its own (none: "*"), decided by the caller's
  // identity policies alone: the root may, an explicit Deny refuses, else an Allow must.
  void authorize_by_identity(std::string action, std::string resource_arn) const;
  // The aliases naming the key ("alias/NAME"), for kms:ResourceAliases: read on first use and
  // kept with the cached key; an alias change publishes its keys again.
  const std::vector<std::string>& aliases_of(const CachedKey& key) const;
  static std::string action_of(api::Operation operation, const char* field);
  // `wanted`: the lower-cased condition keys the policy names (only those are made); null: all.
  policy::RequestContext request_context(const Caller& caller, std::string action,
                                         const CachedKey* key, const EncryptionContext* context,
                                         const std::vector<std::string>* wanted = nullptr,
                                         const RequestFacts* facts = nullptr) const;
  // Parses a key policy for PutKeyPolicy or CreateKey and runs AWS's lockout safety check
  // (the caller must be able to call PutKeyPolicy on `key_arn` under it) unless bypassed.
  std::shared_ptr<const policy::PolicyDocument> checked_key_policy(
      const std::string& document, bool bypass_lockout_check, const std::string& key_arn) const;
  CachedKeyPtr cached_key(const std::string& key_id);
  CachedKeyPtr load_key(const std::string& key_id);
  void publish(const KeyRecord& record);
  void forget(const std::string& key_id);
  KeyMetadata metadata_of(const KeyRecord& record) const;
  std::string arn_of(const std::string& key_id) const;
  std::string token_object_id(const std::string& key_id, std::uint32_t version) const;
  // Runs f(object_id) with version `version` of `key` (named `name`: token_object_id)
  // present in the token; with_current for the key's current version.
  template <class F>
  auto with_version(const KeyRecord& key, std::uint32_t version, const std::string& name, F&& f)
      -> decltype(f(std::string{}));
  template <class F>
  auto with_current(const CachedKey& key, F&& f) -> decltype(f(std::string{}));
  // Domain key work of one scheduler tick: rotation when its period is over, then re-wrap.
  int run_domain_key_work();

  // A new key's record from the request's spec, usage and description (validated), with
  // id, region, state and timestamps filled; version 1 is current.
  KeyRecord new_key_record(const std::optional<std::string>& key_spec,
                           const std::optional<std::string>& key_usage,
                           const std::optional<std::string>& description, bool multi_region) const;
  // Commits key and version 1 (its material already wrapped) in one transaction. Takes
  // mutation_mutex_.
  KeyMetadata commit_new_key(const KeyRecord& key, const std::vector<Tag>& tags,
                             const WrappedMaterial& material);

  // Rules shared by operations.
  // AWS's key-state table (core/api/key_state_rules.h) for `operation` on `key`.
  void require_state(api::Operation operation, const KeyRecord& key) const;
  static void require_symmetric_encrypt(const KeyRecord& key);

  // Seals plaintext under the key's current version (the Encrypt path).
  Bytes seal(const CachedKey& key, std::span<const std::uint8_t> plaintext,
             const EncryptionContext& context);
  // Opens a blob; checks the expected key (if any) and the key's state.
  struct Opened {
    CachedKeyPtr key;
    SecretBytes plaintext;
    std::uint32_t version;
  };
  Opened open(std::span<const std::uint8_t> blob, const EncryptionContext& context,
              const std::optional<std::string>& expected_key, api::Operation operation,
              RequestFacts facts = {});
  GenerateDataKeyResult make_data_key(const GenerateDataKeyRequest& request, bool with_plaintext);
  GenerateDataKeyPairResult make_data_key_pair(const GenerateDataKeyPairRequest& request,
                                               bool with_plaintext);
  // The key a Sign/Verify/GenerateMac/VerifyMac/GetPublicKey names, enabled and of `usage`.
  CachedKeyPtr usable_key(const std::string& reference, KeyUsage usage, api::Operation operation,
                          RequestFacts facts = {});
  // RSA-OAEP Encrypt and Decrypt (EncryptionAlgorithm RSAES_OAEP_SHA_1 / _256).
  EncryptResult rsa_encrypt(const CachedKey& key, const EncryptRequest& request);
  DecryptResult rsa_decrypt(const CachedKey& key, const DecryptRequest& request);

  // Rotation: makes the token object, then commits the version. Caller holds mutation_mutex_.
  void rotate_locked(const std::string& key_id, RotationType type);
  void delete_now_locked(const KeyRecord& key);
  // Rotates the key if `version` is still current: called when a version reaches its
  // encryption bound.
  void rotate_if_worn(const std::string& key_id, std::uint32_t version);

  pkcs11::Token& token_;
  MetadataStore& store_;
  std::unique_ptr<KeyMaterial> owned_material_;
  KeyMaterial& material_;
  const Clock& clock_;
  const KmsConfig config_;
  const std::string root_arn_;  // arn:aws:iam::ACCOUNT:root
  const std::shared_ptr<const policy::PolicyDocument> default_policy_;
  mutable IdentityPolicies identity_policies_;
  EncryptionCounter counter_;

  std::mutex mutation_mutex_;  // one mutation at a time

  mutable std::shared_mutex cache_mutex_;
  std::unordered_map<std::string, CachedKeyPtr> keys_;
  std::unordered_map<std::string, std::string> aliases_;  // alias name -> key id

  std::mutex scheduler_mutex_;
  std::condition_variable scheduler_wake_;
  bool scheduler_stop_ = false;
  std::thread scheduler_;
};

}  // namespace coffer::core
