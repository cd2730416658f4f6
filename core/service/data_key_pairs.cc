// KmsService: GenerateDataKeyPair(WithoutPlaintext). The pair is made on the host (its
// private half is handed out, so the token adds nothing), its PKCS#8 encoding sealed under
// a symmetric key exactly as Encrypt seals a plaintext.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "common/error.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

KeySpec parse_key_pair_spec(const std::string& text) {
  KeySpec spec{};
  try {
    spec = parse_key_spec(text, "keyPairSpec");
  } catch (const Error&) {
    spec = KeySpec::kSymmetricDefault;
  }
  if (text == "SM2" || text == "ECC_NIST_EDWARDS25519") {
    throw Error(ErrorCode::kUnsupportedOperation,
                "KeyPairSpec " + text + " is not supported by Coffer.");
  }
  if (is_symmetric(spec) || is_hmac(spec)) {
    throw Error(
        ErrorCode::kValidation,
        "1 validation error detected: Value '" + text +
            "' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: "
            "[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, "
            "ECC_SECG_P256K1, SM2, ECC_NIST_EDWARDS25519]");
  }
  return spec;
}

Pkey generate(KeySpec spec) {
  EVP_PKEY* key = nullptr;
  switch (spec) {
    case KeySpec::kRsa2048:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
      break;
    case KeySpec::kRsa3072:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
      break;
    case KeySpec::kRsa4096:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096});
      break;
    case KeySpec::kEccNistP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeySpec::kEccNistP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeySpec::kEccNistP521:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeySpec::kEccSecgP256k1:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1");
      break;
    default:
      break;
  }
  if (!key) throw Error(ErrorCode::kInternal, "key pair generation failed");
  return Pkey(key);
}

SecretBytes private_pkcs8(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
  if (!info) throw Error(ErrorCode::kInternal, "PKCS#8 encoding failed");
  unsigned char* der = nullptr;
  const int size = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (size <= 0) throw Error(ErrorCode::kInternal, "PKCS#8 encoding failed");
  SecretBytes out(std::span<const std::uint8_t>(der, static_cast<std::size_t>(size)));
  OPENSSL_clear_free(der, static_cast<std::size_t>(size));
  return out;
}

Bytes public_spki(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) throw Error(ErrorCode::kInternal, "public key encoding failed");
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

}  // namespace

GenerateDataKeyPairResult KmsService::make_data_key_pair(const GenerateDataKeyPairRequest& request,
                                                         bool with_plaintext) {
  validate_context(request.encryption_context, "encryptionContext");
  const KeySpec spec = parse_key_pair_spec(request.key_pair_spec);
  auto key = key_for(with_plaintext ? api::Operation::kGenerateDataKeyPair
                                    : api::Operation::kGenerateDataKeyPairWithoutPlaintext,
                     request.key_id, "KeyId", /*fresh=*/false, &request.encryption_context,
                     {.encryption_algorithm = "SYMMETRIC_DEFAULT"});
  require_symmetric_encrypt(key->record);
  Pkey pair = generate(spec);
  SecretBytes private_der = private_pkcs8(pair.get());
  GenerateDataKeyPairResult result;
  result.private_key_ciphertext_blob = seal(*key, private_der, request.encryption_context);
  result.public_key = public_spki(pair.get());
  result.key_id = key->arn;
  result.key_pair_spec = request.key_pair_spec;
  if (with_plaintext) result.private_key_plaintext = std::move(private_der);
  return result;
}

GenerateDataKeyPairResult KmsService::generate_data_key_pair(
    const GenerateDataKeyPairRequest& request) {
  return make_data_key_pair(request, true);
}

GenerateDataKeyPairResult KmsService::generate_data_key_pair_without_plaintext(
    const GenerateDataKeyPairRequest& request) {
  return make_data_key_pair(request, false);
}

}  // namespace coffer::core
