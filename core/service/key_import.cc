// KmsService::import_key: keys whose material comes from outside (a Coffer extension, not
// an AWS operation). A verify-only key from a public key, or an HMAC key from its bytes.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "core/model/key_reference.h"
#include "core/service/kms_service_internal.h"

namespace coffer::core {
namespace {

// The key spec a DER SubjectPublicKeyInfo is, or ValidationException.
KeySpec spec_of_public_key(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (!key || p != der.data() + der.size()) {
    EVP_PKEY_free(key);
    throw Error(ErrorCode::kValidation, "The key material is not a DER SubjectPublicKeyInfo.");
  }
  std::optional<KeySpec> spec;
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    switch (EVP_PKEY_get_bits(key)) {
      case 2048:
        spec = KeySpec::kRsa2048;
        break;
      case 3072:
        spec = KeySpec::kRsa3072;
        break;
      case 4096:
        spec = KeySpec::kRsa4096;
        break;
      default:
        break;
    }
  } else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {};
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       nullptr) == 1) {
      const std::string_view name(group);
      if (name == "prime256v1" || name == "P-256") spec = KeySpec::kEccNistP256;
      if (name == "secp384r1" || name == "P-384") spec = KeySpec::kEccNistP384;
      if (name == "secp521r1" || name == "P-521") spec = KeySpec::kEccNistP521;
      if (name == "secp256k1") spec = KeySpec::kEccSecgP256k1;
    }
  }
  EVP_PKEY_free(key);
  if (!spec) throw Error(ErrorCode::kValidation, "The public key is not of a supported key spec.");
  return *spec;
}

// AWS's bounds on imported HMAC key material.
void check_hmac_material(KeySpec spec, std::size_t size) {
  const std::size_t min = spec == KeySpec::kHmac224   ? 28
                          : spec == KeySpec::kHmac256 ? 32
                          : spec == KeySpec::kHmac384 ? 48
                                                      : 64;
  const std::size_t max = (spec == KeySpec::kHmac224 || spec == KeySpec::kHmac256) ? 64 : 128;
  if (size < min || size > max) {
    throw Error(ErrorCode::kValidation, "HMAC key material for " + std::string(to_string(spec)) +
                                            " must be " + std::to_string(min) + " to " +
                                            std::to_string(max) + " bytes.");
  }
}

}  // namespace

KeyMetadata KmsService::import_key(const ImportKeyRequest& request) {
  authorize_account(api::Operation::kCreateKey);  // a new key, whatever its material
  KeyRecord key = new_key_record(request.key_spec, request.key_usage, request.description, false);
  if (is_symmetric(key.key_spec)) {
    throw Error(ErrorCode::kUnsupportedOperation,
                "Importing SYMMETRIC_DEFAULT key material is not supported.");
  }
  if (is_hmac(key.key_spec)) {
    check_hmac_material(key.key_spec, request.material.size());
  } else if (spec_of_public_key(request.material) != key.key_spec) {
    throw Error(ErrorCode::kValidation, "The public key does not match KeySpec " +
                                            std::string(to_string(key.key_spec)) + ".");
  }
  key.origin = Origin::kExternal;
  WrappedMaterial material;
  if (is_hmac(key.key_spec))
    material = material_.import_secret(config_.region, request.material);
  else
    material.public_key.assign(request.material.begin(), request.material.end());  // nothing secret
  return commit_new_key(key, {}, material);
}

}  // namespace coffer::core
