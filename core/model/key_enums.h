// The KMS enums (botocore kms/2014-11-01 names) and their wire spellings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::core {

enum class KeyState { kCreating, kEnabled, kDisabled, kPendingDeletion, kUnavailable };
enum class KeyUsage { kEncryptDecrypt, kSignVerify, kGenerateVerifyMac };
enum class KeySpec {
  kSymmetricDefault,
  kRsa2048,
  kRsa3072,
  kRsa4096,
  kEccNistP256,
  kEccNistP384,
  kEccNistP521,
  kEccSecgP256k1,
  kHmac224,
  kHmac256,
  kHmac384,
  kHmac512,
};
// EXTERNAL: material brought in with KmsService::import_key (public-only asymmetric keys
// for verification, or HMAC keys).
enum class Origin { kAwsKms, kExternal };
enum class RotationType { kAutomatic, kOnDemand };
enum class DataKeySpec { kAes256, kAes128 };

std::string_view to_string(KeyState v);
std::string_view to_string(KeyUsage v);
std::string_view to_string(KeySpec v);
std::string_view to_string(Origin v);
std::string_view to_string(RotationType v);
std::string_view to_string(DataKeySpec v);

// Parsers throw ValidationException naming `field` for an unknown value.
KeyState parse_key_state(std::string_view text, std::string_view field = "KeyState");
KeyUsage parse_key_usage(std::string_view text, std::string_view field = "KeyUsage");
KeySpec parse_key_spec(std::string_view text, std::string_view field = "KeySpec");
Origin parse_origin(std::string_view text, std::string_view field = "Origin");
RotationType parse_rotation_type(std::string_view text, std::string_view field = "RotationType");
DataKeySpec parse_data_key_spec(std::string_view text, std::string_view field = "KeySpec");

bool is_symmetric(KeySpec spec);
bool is_hmac(KeySpec spec);
bool is_rsa(KeySpec spec);
bool is_ecc(KeySpec spec);
// What AWS allows: which usages a spec may have, and the default.
bool usage_allowed(KeySpec spec, KeyUsage usage);
KeyUsage default_usage(KeySpec spec);
// EncryptionAlgorithms in KeyMetadata (empty unless the key encrypts).
std::vector<std::string> encryption_algorithms(KeySpec spec, KeyUsage usage);

}  // namespace coffer::core
