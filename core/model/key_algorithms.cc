#include "core/model/key_algorithms.h"

#include <algorithm>
#include <array>

#include "common/error.h"

namespace coffer::core {
namespace {

using pkcs11::Digest;
using pkcs11::SignScheme;

struct SigningName {
  std::string_view name;
  SignScheme scheme;
  Digest digest;
};

// botocore's SigningAlgorithmSpec, minus SM2DSA and ML-DSA (no such keys here).
constexpr std::array<SigningName, 9> kSigningNames{{
    {"RSASSA_PSS_SHA_256", SignScheme::kRsaPss, Digest::kSha256},
    {"RSASSA_PSS_SHA_384", SignScheme::kRsaPss, Digest::kSha384},
    {"RSASSA_PSS_SHA_512", SignScheme::kRsaPss, Digest::kSha512},
    {"RSASSA_PKCS1_V1_5_SHA_256", SignScheme::kRsaPkcs1, Digest::kSha256},
    {"RSASSA_PKCS1_V1_5_SHA_384", SignScheme::kRsaPkcs1, Digest::kSha384},
    {"RSASSA_PKCS1_V1_5_SHA_512", SignScheme::kRsaPkcs1, Digest::kSha512},
    {"ECDSA_SHA_256", SignScheme::kEcdsa, Digest::kSha256},
    {"ECDSA_SHA_384", SignScheme::kEcdsa, Digest::kSha384},
    {"ECDSA_SHA_512", SignScheme::kEcdsa, Digest::kSha512},
}};

struct MacName {
  std::string_view name;
  KeySpec spec;
  Digest digest;
};
constexpr std::array<MacName, 4> kMacNames{{
    {"HMAC_SHA_224", KeySpec::kHmac224, Digest::kSha224},
    {"HMAC_SHA_256", KeySpec::kHmac256, Digest::kSha256},
    {"HMAC_SHA_384", KeySpec::kHmac384, Digest::kSha384},
    {"HMAC_SHA_512", KeySpec::kHmac512, Digest::kSha512},
}};

[[noreturn]] void unknown_value(std::string_view value, std::string_view field,
                                std::string_view allowed) {
  throw Error(ErrorCode::kValidation,
              "1 validation error detected: Value '" + std::string(value) + "' at '" +
                  std::string(field) +
                  "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                  std::string(allowed) + "]");
}

[[noreturn]] void not_for_key(std::string_view what, std::string_view name, KeySpec spec) {
  throw Error(ErrorCode::kInvalidKeyUsage, std::string(what) + " " + std::string(name) +
                                               " is not supported by a key with KeySpec " +
                                               std::string(to_string(spec)));
}

}  // namespace

std::vector<std::string> signing_algorithms(KeySpec spec, KeyUsage usage) {
  if (usage != KeyUsage::kSignVerify) return {};
  if (is_rsa(spec)) {
    return {"RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512",
            "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"};
  }
  switch (spec) {
    case KeySpec::kEccNistP256:
    case KeySpec::kEccSecgP256k1:
      return {"ECDSA_SHA_256"};
    case KeySpec::kEccNistP384:
      return {"ECDSA_SHA_384"};
    case KeySpec::kEccNistP521:
      return {"ECDSA_SHA_512"};
    default:
      return {};
  }
}

std::vector<std::string> mac_algorithms(KeySpec spec, KeyUsage usage) {
  if (usage != KeyUsage::kGenerateVerifyMac) return {};
  for (const auto& m : kMacNames)
    if (m.spec == spec) return {std::string(m.name)};
  return {};
}

bool is_digest_message(const std::optional<std::string>& message_type) {
  if (!message_type || *message_type == "RAW") return false;
  if (*message_type == "DIGEST") return true;
  unknown_value(*message_type, "messageType", "RAW, DIGEST, EXTERNAL_MU");
}

pkcs11::SignAlgorithm signing_algorithm_for(KeySpec spec, std::string_view name, bool digest) {
  auto it = std::find_if(kSigningNames.begin(), kSigningNames.end(),
                         [&](const auto& n) { return n.name == name; });
  if (it == kSigningNames.end()) {
    // Names AWS knows for key specs Coffer does not make: no key here allows them, which
    // is what AWS answers for a key of another spec.
    if (name == "SM2DSA" || name == "ML_DSA_SHAKE_256" || name == "ED25519_SHA_512" ||
        name == "ED25519_PH_SHA_512") {
      not_for_key("SigningAlgorithm", name, spec);
    }
    unknown_value(
        name, "signingAlgorithm",
        "RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512, RSASSA_PKCS1_V1_5_SHA_256, "
        "RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512, ECDSA_SHA_256, ECDSA_SHA_384, "
        "ECDSA_SHA_512, SM2DSA, ML_DSA_SHAKE_256, ED25519_SHA_512, ED25519_PH_SHA_512");
  }
  const auto allowed = signing_algorithms(spec, KeyUsage::kSignVerify);
  if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
    not_for_key("SigningAlgorithm", name, spec);
  return {.scheme = it->scheme, .digest = it->digest, .prehashed = digest};
}

Digest mac_digest_for(KeySpec spec, std::string_view name) {
  auto it = std::find_if(kMacNames.begin(), kMacNames.end(),
                         [&](const auto& n) { return n.name == name; });
  if (it == kMacNames.end()) {
    unknown_value(name, "macAlgorithm", "HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512");
  }
  if (it->spec != spec) not_for_key("MacAlgorithm", name, spec);
  return it->digest;
}

Digest oaep_digest_for(KeySpec spec, std::string_view name) {
  if (name == "RSAES_OAEP_SHA_1") return Digest::kSha1;
  if (name == "RSAES_OAEP_SHA_256") return Digest::kSha256;
  if (name == "SYMMETRIC_DEFAULT" || name == "SM2PKE")
    not_for_key("EncryptionAlgorithm", name, spec);
  unknown_value(name, "encryptionAlgorithm",
                "SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE");
}

std::size_t rsa_modulus_bytes(KeySpec spec) {
  switch (spec) {
    case KeySpec::kRsa2048:
      return 256;
    case KeySpec::kRsa3072:
      return 384;
    case KeySpec::kRsa4096:
      return 512;
    default:
      return 0;
  }
}

std::size_t oaep_max_plaintext(KeySpec spec, Digest digest) {
  return rsa_modulus_bytes(spec) - 2 * pkcs11::digest_size(digest) - 2;
}

}  // namespace coffer::core
