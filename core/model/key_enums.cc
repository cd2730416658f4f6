#include "core/model/key_enums.h"

#include <array>
#include <utility>

#include "common/error.h"

namespace coffer::core {
namespace {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<KeyState, 5> kKeyStates{{{KeyState::kCreating, "Creating"},
                                         {KeyState::kEnabled, "Enabled"},
                                         {KeyState::kDisabled, "Disabled"},
                                         {KeyState::kPendingDeletion, "PendingDeletion"},
                                         {KeyState::kUnavailable, "Unavailable"}}};
constexpr Names<KeyUsage, 3> kKeyUsages{{{KeyUsage::kEncryptDecrypt, "ENCRYPT_DECRYPT"},
                                         {KeyUsage::kSignVerify, "SIGN_VERIFY"},
                                         {KeyUsage::kGenerateVerifyMac, "GENERATE_VERIFY_MAC"}}};
constexpr Names<KeySpec, 12> kKeySpecs{{{KeySpec::kSymmetricDefault, "SYMMETRIC_DEFAULT"},
                                        {KeySpec::kRsa2048, "RSA_2048"},
                                        {KeySpec::kRsa3072, "RSA_3072"},
                                        {KeySpec::kRsa4096, "RSA_4096"},
                                        {KeySpec::kEccNistP256, "ECC_NIST_P256"},
                                        {KeySpec::kEccNistP384, "ECC_NIST_P384"},
                                        {KeySpec::kEccNistP521, "ECC_NIST_P521"},
                                        {KeySpec::kEccSecgP256k1, "ECC_SECG_P256K1"},
                                        {KeySpec::kHmac224, "HMAC_224"},
                                        {KeySpec::kHmac256, "HMAC_256"},
                                        {KeySpec::kHmac384, "HMAC_384"},
                                        {KeySpec::kHmac512, "HMAC_512"}}};
constexpr Names<Origin, 2> kOrigins{
    {{Origin::kAwsKms, "AWS_KMS"}, {Origin::kExternal, "EXTERNAL"}}};
constexpr Names<RotationType, 2> kRotationTypes{
    {{RotationType::kAutomatic, "AUTOMATIC"}, {RotationType::kOnDemand, "ON_DEMAND"}}};
constexpr Names<DataKeySpec, 2> kDataKeySpecs{
    {{DataKeySpec::kAes256, "AES_256"}, {DataKeySpec::kAes128, "AES_128"}}};

template <class E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "UNKNOWN";
}

template <class E, std::size_t N>
E parse(const Names<E, N>& names, std::string_view text, std::string_view field) {
  for (const auto& [v, name] : names)
    if (name == text) return v;
  std::string allowed;
  for (const auto& entry : names) {
    if (!allowed.empty()) allowed += ", ";
    allowed += entry.second;
  }
  throw Error(
      ErrorCode::kValidation,
      "1 validation error detected: Value '" + std::string(text) + "' at '" + std::string(field) +
          "' failed to satisfy constraint: Member must satisfy enum value set: [" + allowed + "]");
}

}  // namespace

std::string_view to_string(KeyState v) { return name_of(kKeyStates, v); }
std::string_view to_string(KeyUsage v) { return name_of(kKeyUsages, v); }
std::string_view to_string(KeySpec v) { return name_of(kKeySpecs, v); }
std::string_view to_string(Origin v) { return name_of(kOrigins, v); }
std::string_view to_string(RotationType v) { return name_of(kRotationTypes, v); }
std::string_view to_string(DataKeySpec v) { return name_of(kDataKeySpecs, v); }

KeyState parse_key_state(std::string_view t, std::string_view f) { return parse(kKeyStates, t, f); }
KeyUsage parse_key_usage(std::string_view t, std::string_view f) { return parse(kKeyUsages, t, f); }
KeySpec parse_key_spec(std::string_view t, std::string_view f) { return parse(kKeySpecs, t, f); }
Origin parse_origin(std::string_view t, std::string_view f) { return parse(kOrigins, t, f); }
RotationType parse_rotation_type(std::string_view t, std::string_view f) {
  return parse(kRotationTypes, t, f);
}
DataKeySpec parse_data_key_spec(std::string_view t, std::string_view f) {
  return parse(kDataKeySpecs, t, f);
}

bool is_symmetric(KeySpec spec) { return spec == KeySpec::kSymmetricDefault; }
bool is_hmac(KeySpec spec) {
  return spec == KeySpec::kHmac224 || spec == KeySpec::kHmac256 || spec == KeySpec::kHmac384 ||
         spec == KeySpec::kHmac512;
}
bool is_rsa(KeySpec spec) {
  return spec == KeySpec::kRsa2048 || spec == KeySpec::kRsa3072 || spec == KeySpec::kRsa4096;
}
bool is_ecc(KeySpec spec) { return !is_symmetric(spec) && !is_hmac(spec) && !is_rsa(spec); }

bool usage_allowed(KeySpec spec, KeyUsage usage) {
  if (is_symmetric(spec)) return usage == KeyUsage::kEncryptDecrypt;
  if (is_hmac(spec)) return usage == KeyUsage::kGenerateVerifyMac;
  if (is_rsa(spec)) return usage == KeyUsage::kEncryptDecrypt || usage == KeyUsage::kSignVerify;
  return usage == KeyUsage::kSignVerify;
}

KeyUsage default_usage(KeySpec spec) {
  if (is_hmac(spec)) return KeyUsage::kGenerateVerifyMac;
  if (is_ecc(spec)) return KeyUsage::kSignVerify;
  return KeyUsage::kEncryptDecrypt;
}

std::vector<std::string> encryption_algorithms(KeySpec spec, KeyUsage usage) {
  if (usage != KeyUsage::kEncryptDecrypt) return {};
  if (is_symmetric(spec)) return {"SYMMETRIC_DEFAULT"};
  if (is_rsa(spec)) return {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
  return {};
}

}  // namespace coffer::core
