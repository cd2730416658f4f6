// Requests and results of the core API. Names follow the AWS KMS API so that every front
// end maps field for field.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/secret_bytes.h"
#include "core/model/authorization_records.h"
#include "core/model/clock.h"
#include "core/model/encryption_context.h"
#include "core/model/key_enums.h"
#include "core/model/records.h"

namespace coffer::core {

struct MultiRegionConfiguration {
  std::string multi_region_key_type = "PRIMARY";
  std::string primary_arn;
  std::string primary_region;
};

struct KeyMetadata {
  std::string aws_account_id;
  std::string key_id;
  std::string arn;
  Timestamp creation_date{};
  bool enabled = false;
  std::string description;
  KeyUsage key_usage = KeyUsage::kEncryptDecrypt;
  KeyState key_state = KeyState::kEnabled;
  std::optional<Timestamp> deletion_date;
  Origin origin = Origin::kAwsKms;
  std::string key_manager = "CUSTOMER";
  KeySpec key_spec = KeySpec::kSymmetricDefault;
  std::vector<std::string> encryption_algorithms;
  std::vector<std::string> signing_algorithms;
  std::vector<std::string> mac_algorithms;
  bool multi_region = false;
  std::optional<MultiRegionConfiguration> multi_region_configuration;
  std::optional<int> pending_deletion_window_in_days;
  std::string current_key_material_id;
};

struct CreateKeyRequest {
  std::optional<std::string> description;
  std::optional<std::string> key_usage;  // wire strings: validated by the service
  std::optional<std::string> key_spec;
  std::optional<std::string> origin;
  std::vector<Tag> tags;
  bool multi_region = false;
  std::optional<std::string> policy;
  bool bypass_policy_lockout_safety_check = false;
};

struct Page {
  std::optional<int> limit;
  std::optional<std::string> marker;
};

struct KeyListEntry {
  std::string key_id;
  std::string key_arn;
};
struct ListKeysResult {
  std::vector<KeyListEntry> keys;
  std::optional<std::string> next_marker;
  bool truncated = false;
};

struct ScheduleKeyDeletionResult {
  std::string key_id;  // ARN
  Timestamp deletion_date{};
  KeyState key_state = KeyState::kPendingDeletion;
  int pending_window_in_days = 30;
};

struct KeyRotationStatus {
  bool key_rotation_enabled = false;
  std::string key_id;  // ARN
  std::optional<int> rotation_period_in_days;
  std::optional<Timestamp> next_rotation_date;
  std::optional<Timestamp> on_demand_rotation_start_date;
};

struct RotationEntry {
  std::string key_id;  // ARN
  std::string key_material_id;
  Timestamp rotation_date{};
  RotationType rotation_type = RotationType::kAutomatic;
};
struct ListKeyRotationsResult {
  std::vector<RotationEntry> rotations;
  std::optional<std::string> next_marker;
  bool truncated = false;
};

struct AliasEntry {
  std::string alias_name;
  std::string alias_arn;
  std::string target_key_id;
  Timestamp creation_date{};
  Timestamp last_updated_date{};
};
struct ListAliasesResult {
  std::vector<AliasEntry> aliases;
  std::optional<std::string> next_marker;
  bool truncated = false;
};

// ListPrincipalPolicies: one principal's identity policy names, in name order (IAM's
// PolicyNames, IsTruncated, Marker).
struct PrincipalPolicyNames {
  std::vector<std::string> policy_names;
  std::optional<std::string> next_marker;  // while truncated
  bool truncated = false;
};

// STS GetCallerIdentity: who the credential of a request is.
struct CallerIdentity {
  std::string arn;            // arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root
  std::string account;        // ACCOUNT
  std::string user_id;        // the access key id, else the principal's name (as the audit)
  std::string access_key_id;  // empty for a client certificate
};

struct ListTagsResult {
  std::vector<Tag> tags;
  std::optional<std::string> next_marker;
  bool truncated = false;
};

struct EncryptRequest {
  std::string key_id;
  std::span<const std::uint8_t> plaintext;
  EncryptionContext encryption_context;
  std::optional<std::string> encryption_algorithm;
};
struct EncryptResult {
  Bytes ciphertext_blob;
  std::string key_id;  // ARN
  std::string encryption_algorithm = "SYMMETRIC_DEFAULT";
};

struct DecryptRequest {
  std::span<const std::uint8_t> ciphertext_blob;
  EncryptionContext encryption_context;
  std::optional<std::string> key_id;
  std::optional<std::string> encryption_algorithm;
};
struct DecryptResult {
  std::string key_id;  // ARN
  SecretBytes plaintext;
  std::string encryption_algorithm = "SYMMETRIC_DEFAULT";
  std::string key_material_id;
};

struct ReEncryptRequest {
  std::span<const std::uint8_t> ciphertext_blob;
  EncryptionContext source_encryption_context;
  std::optional<std::string> source_key_id;
  std::string destination_key_id;
  EncryptionContext destination_encryption_context;
  std::optional<std::string> source_encryption_algorithm;
  std::optional<std::string> destination_encryption_algorithm;
};
struct ReEncryptResult {
  Bytes ciphertext_blob;
  std::string source_key_id;  // ARN
  std::string key_id;         // ARN
  std::string source_encryption_algorithm = "SYMMETRIC_DEFAULT";
  std::string destination_encryption_algorithm = "SYMMETRIC_DEFAULT";
};

struct GenerateDataKeyRequest {
  std::string key_id;
  EncryptionContext encryption_context;
  std::optional<int> number_of_bytes;
  std::optional<std::string> key_spec;  // AES_128 | AES_256
};
struct GenerateDataKeyResult {
  Bytes ciphertext_blob;
  SecretBytes plaintext;  // empty for GenerateDataKeyWithoutPlaintext
  std::string key_id;     // ARN
  std::string key_material_id;
};

// --- asymmetric and HMAC keys ---

struct SignRequest {
  std::string key_id;
  std::span<const std::uint8_t> message;
  std::optional<std::string> message_type;  // RAW (default) | DIGEST
  std::string signing_algorithm;
};
struct SignResult {
  std::string key_id;  // ARN
  Bytes signature;
  std::string signing_algorithm;
};

struct VerifyRequest {
  std::string key_id;
  std::span<const std::uint8_t> message;
  std::optional<std::string> message_type;
  std::span<const std::uint8_t> signature;
  std::string signing_algorithm;
};
struct VerifyResult {  // a signature that does not verify is KMSInvalidSignatureException
  std::string key_id;  // ARN
  bool signature_valid = true;
  std::string signing_algorithm;
};

struct GetPublicKeyResult {
  std::string key_id;  // ARN
  Bytes public_key;    // DER SubjectPublicKeyInfo
  KeySpec key_spec = KeySpec::kRsa2048;
  KeyUsage key_usage = KeyUsage::kSignVerify;
  std::vector<std::string> encryption_algorithms;
  std::vector<std::string> signing_algorithms;
};

struct GenerateMacRequest {
  std::string key_id;
  std::span<const std::uint8_t> message;
  std::string mac_algorithm;
};
struct GenerateMacResult {
  std::string key_id;  // ARN
  Bytes mac;
  std::string mac_algorithm;
};

struct VerifyMacRequest {
  std::string key_id;
  std::span<const std::uint8_t> message;
  std::string mac_algorithm;
  std::span<const std::uint8_t> mac;
};
struct VerifyMacResult {  // a MAC that does not verify is KMSInvalidMacException
  std::string key_id;     // ARN
  bool mac_valid = true;
  std::string mac_algorithm;
};

struct GenerateDataKeyPairRequest {
  std::string key_id;  // the symmetric key that encrypts the private key
  EncryptionContext encryption_context;
  std::string key_pair_spec;
};
struct GenerateDataKeyPairResult {
  Bytes private_key_ciphertext_blob;  // PKCS#8 DER, sealed as by Encrypt
  SecretBytes private_key_plaintext;  // PKCS#8 DER; empty for ...WithoutPlaintext
  Bytes public_key;                   // DER SubjectPublicKeyInfo
  std::string key_id;                 // ARN
  std::string key_pair_spec;
};

// Coffer extension (not an AWS operation): a key whose material comes from outside.
// Asymmetric specs take a DER SubjectPublicKeyInfo and make a verify-only key; HMAC specs
// take the raw key bytes. The key's Origin is EXTERNAL; it cannot be rotated.
struct ImportKeyRequest {
  std::string key_spec;
  std::optional<std::string> key_usage;
  std::optional<std::string> description;
  std::span<const std::uint8_t> material;
};

// --- grants ---
struct CreateGrantRequest {
  std::string key_id;
  std::string grantee_principal;
  std::optional<std::string> retiring_principal;
  std::vector<std::string> operations;  // AWS names
  std::optional<EncryptionContext> context_equals;
  std::optional<EncryptionContext> context_subset;
  std::optional<std::string> name;
  std::vector<std::string> grant_tokens;
};
struct CreateGrantResult {
  std::string grant_token;
  std::string grant_id;
};
struct ListGrantsRequest {
  std::string key_id;
  std::optional<std::string> grant_id;
  std::optional<std::string> grantee_principal;
  Page page;
};
struct ListGrantsResult {
  std::vector<GrantRecord> grants;
  std::optional<std::string> next_marker;
  bool truncated = false;
};
// RetireGrant names the grant by its token, or by key ARN and grant id.
struct RetireGrantRequest {
  std::optional<std::string> grant_token;
  std::optional<std::string> key_id;
  std::optional<std::string> grant_id;
};

}  // namespace coffer::core
