// coffer::core::SecretsService: AWS Secrets Manager for one region, on top of that region's
// KmsService (which seals every value) and the metadata store (one transaction per change).
// Every front end (AWS JSON, rpc, CLI through rpc) and the built-in rotators call this API.
// Errors are coffer::Error with Secrets Manager's exception names (ResourceNotFoundException,
// InvalidRequestException, InvalidParameterException, ResourceExistsException,
// DecryptionFailure, EncryptionFailure, ...).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/api/operations.h"
#include "core/model/clock.h"
#include "core/secrets/secret_read_cache.h"
#include "core/secrets/secrets_types.h"
#include "core/service/kms_service.h"
#include "core/store/secret_store.h"

namespace coffer::core {

struct SecretsConfig {
  std::string region = "us-east-1";
  std::string account_id = "111122223333";
  int max_tags_per_secret = 50;
  // AWS keeps at most 100 versions; beyond that, unlabelled versions older than a day go.
  std::size_t max_versions = 100;
  std::chrono::milliseconds deprecated_version_min_age = std::chrono::hours(24);
  // Whether ListSecrets and BatchGetSecretValue may page with NextToken (always true; kept
  // for the fuzzers to bound a page).
  int default_page_size = 100;
};

// Starts a rotation in the background (the rotation engine). Set by cofferd; without one,
// RotateSecret is refused with InvalidRequestException.
using RotationLauncher =
    std::function<void(const std::string& secret_arn, const std::string& token)>;

class SecretsService {
 public:
  SecretsService(KmsService& kms, SecretStore& store, const Clock& clock, SecretsConfig config);
  SecretsService(const SecretsService&) = delete;
  SecretsService& operator=(const SecretsService&) = delete;

  const SecretsConfig& config() const { return config_; }
  KmsService& kms() { return kms_; }
  void set_rotation_launcher(RotationLauncher launcher);

  SecretVersionRef create_secret(const CreateSecretRequest& request);
  GetSecretValueResult get_secret_value(const GetSecretValueRequest& request);
  BatchGetSecretValueResult batch_get_secret_value(const BatchGetSecretValueRequest& request);
  PutSecretValueResult put_secret_value(const PutSecretValueRequest& request);
  SecretVersionRef update_secret(const UpdateSecretRequest& request);
  SecretVersionRef update_secret_version_stage(const UpdateSecretVersionStageRequest& request);
  SecretDescription describe_secret(const std::string& secret_id);
  ListSecretsResult list_secrets(const ListSecretsRequest& request);
  ListSecretVersionIdsResult list_secret_version_ids(const ListSecretVersionIdsRequest& request);
  DeleteSecretResult delete_secret(const DeleteSecretRequest& request);
  SecretVersionRef restore_secret(const std::string& secret_id);
  void tag_resource(const std::string& secret_id, const std::vector<Tag>& tags);
  void untag_resource(const std::string& secret_id, const std::vector<std::string>& tag_keys);
  SecretBytes get_random_password(const RandomPasswordRequest& request);

  SecretVersionRef rotate_secret(const RotateSecretRequest& request);
  SecretVersionRef cancel_rotate_secret(const std::string& secret_id);

  ResourcePolicyResult put_resource_policy(const std::string& secret_id, const std::string& policy,
                                           bool block_public_policy);
  ResourcePolicyResult get_resource_policy(const std::string& secret_id);
  SecretVersionRef delete_resource_policy(const std::string& secret_id);
  PolicyValidationResult validate_resource_policy(const std::optional<std::string>& secret_id,
                                                  const std::string& policy);

  // --- for the rotation engine ---
  struct RotationTarget {
    std::string arn;
    std::string name;
    std::string lambda_arn;
    RotationRules rules;
  };
  RotationTarget rotation_target(const std::string& secret_arn);
  // Records the end of a rotation: on success LastRotatedDate and the next date.
  void rotation_finished(const std::string& secret_arn, const std::string& token, bool succeeded);
  // Purges secrets whose recovery window ended and launches rotations that are due.
  // Returns how many things it did.
  int run_due_work();

 private:
  struct Loaded;
  Loaded load(const std::string& secret_id);       // any state
  Loaded load_live(const std::string& secret_id);  // refuses a secret marked for deletion
  // The same, then authorizes the thread's caller for `operation` on the secret.
  Loaded load(const std::string& secret_id, api::Operation operation);
  Loaded load_live(const std::string& secret_id, api::Operation operation);
  // Authorization (secret_authorization.cc): the secret's resource policy for `secret`, the
  // caller's identity (the account's root holds every permission) for operations on no secret.
  void authorize(api::Operation operation, const SecretRecord* secret) const;
  SecretChange change_of(const SecretRecord& secret) const;
  void apply(SecretChange& change);    // also clears the read cache
  void purge(const std::string& arn);  // removes the secret now; clears the read cache
  std::string new_arn(const std::string& name) const;
  std::string key_for_new_versions(const SecretRecord& secret);
  SecretVersionRecord seal_version(const SecretRecord& secret, const std::string& version_id,
                                   const SecretValue& value);
  SecretValue open_version(const SecretRecord& secret, const SecretVersionRecord& version);
  bool same_value(const SecretRecord& secret, const SecretVersionRecord& version,
                  const SecretValue& value);
  // Labels `version_id` with `stages`, taking them from other versions (AWSCURRENT's old
  // holder gets AWSPREVIOUS), and prunes unlabelled versions beyond max_versions.
  void assign_stages(const Loaded& loaded, SecretChange& change, const std::string& version_id,
                     const std::vector<std::string>& stages);
  // As AWS before it calls createSecret: a version `token` without a value, labelled
  // AWSPENDING (rotation templates check that the token names such a version).
  void stage_pending_version(SecretChange& change, const std::string& token);
  SecretDescription describe(const Loaded& loaded) const;
  std::optional<Timestamp> next_rotation(const SecretRecord& secret, Timestamp from) const;
  std::string default_kms_key();

  KmsService& kms_;
  SecretStore& store_;
  const Clock& clock_;
  SecretsConfig config_;
  std::mutex mutations_;        // one change at a time: read, decide, apply
  SecretReadCache read_cache_;  // cleared by every change (apply, purge)
  std::mutex launcher_mutex_;
  RotationLauncher launcher_;
};

}  // namespace coffer::core
