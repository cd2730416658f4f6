// The OpenSSL 3 provider "coffer": its entry point, the algorithms it offers and the
// provider-level queries. Every algorithm carries the property "provider=coffer".
//
//   keymgmt      RSA, EC            keys by reference to Coffer (keymgmt_rsa.cc, keymgmt_ec.cc)
//   signature    RSA, ECDSA         Sign in Coffer, verify locally (signature.cc)
//   asym_cipher  RSA                RSA-OAEP Decrypt in Coffer (asym_cipher.cc)
//   store        coffer             coffer:<key id | alias/name | ARN> (store.cc)
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/asym_cipher.h"
#include "provider/errors.h"
#include "provider/keymgmt.h"
#include "provider/provider_context.h"
#include "provider/signature.h"
#include "provider/store.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_provider_teardown_fn coffer_teardown;
static OSSL_FUNC_provider_gettable_params_fn coffer_gettable_params;
static OSSL_FUNC_provider_get_params_fn coffer_get_params;
static OSSL_FUNC_provider_query_operation_fn coffer_query;
static OSSL_FUNC_provider_get_reason_strings_fn coffer_reason_strings;

constexpr const char* kProperties = "provider=coffer";
// The default provider's names, so that EVP_PKEY_is_a(key, "RSA") and libssl's key-type
// checks treat Coffer keys like any other.
constexpr const char* kRsaNames = "RSA:rsaEncryption:1.2.840.113549.1.1.1";
constexpr const char* kEcNames = "EC:id-ecPublicKey:1.2.840.10045.2.1";

const OSSL_ALGORITHM kKeymgmt[] = {
    {kRsaNames, kProperties, kRsaKeymgmtFunctions, "RSA keys in Coffer"},
    {kEcNames, kProperties, kEcKeymgmtFunctions, "EC keys in Coffer"},
    {nullptr, nullptr, nullptr, nullptr},
};
const OSSL_ALGORITHM kSignature[] = {
    {kRsaNames, kProperties, kRsaSignatureFunctions, "RSA PKCS#1 v1.5 and PSS by Coffer"},
    {"ECDSA", kProperties, kEcdsaSignatureFunctions, "ECDSA by Coffer"},
    {nullptr, nullptr, nullptr, nullptr},
};
const OSSL_ALGORITHM kAsymCipher[] = {
    {kRsaNames, kProperties, kRsaCipherFunctions, "RSA-OAEP decryption by Coffer"},
    {nullptr, nullptr, nullptr, nullptr},
};
const OSSL_ALGORITHM kStore[] = {
    {"coffer", kProperties, kStoreFunctions, "keys in Coffer by coffer: URI"},
    {nullptr, nullptr, nullptr, nullptr},
};

void coffer_teardown(void* provctx) { delete static_cast<ProviderContext*>(provctx); }

const OSSL_PARAM* coffer_gettable_params(void*) {
  static const OSSL_PARAM kGettable[] = {
      OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_NAME, nullptr, 0),
      OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_VERSION, nullptr, 0),
      OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, nullptr, 0),
      OSSL_PARAM_int(OSSL_PROV_PARAM_STATUS, nullptr),
      OSSL_PARAM_END,
  };
  return kGettable;
}

int coffer_get_params(void*, OSSL_PARAM params[]) {
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
  if (p != nullptr && OSSL_PARAM_set_utf8_ptr(p, "Coffer key management provider") != 1) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
  if (p != nullptr && OSSL_PARAM_set_utf8_ptr(p, COFFER_VERSION) != 1) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
  if (p != nullptr && OSSL_PARAM_set_utf8_ptr(p, "coffer " COFFER_VERSION) != 1) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
  if (p != nullptr && OSSL_PARAM_set_int(p, 1) != 1) return 0;
  return 1;
}

const OSSL_ALGORITHM* coffer_query(void*, int operation_id, int* no_cache) {
  *no_cache = 0;
  switch (operation_id) {
    case OSSL_OP_KEYMGMT:
      return kKeymgmt;
    case OSSL_OP_SIGNATURE:
      return kSignature;
    case OSSL_OP_ASYM_CIPHER:
      return kAsymCipher;
    case OSSL_OP_STORE:
      return kStore;
    default:
      return nullptr;
  }
}

const OSSL_ITEM* coffer_reason_strings(void*) { return reason_strings(); }

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
const OSSL_DISPATCH kProviderFunctions[] = {
    FN(OSSL_FUNC_PROVIDER_TEARDOWN, coffer_teardown),
    FN(OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, coffer_gettable_params),
    FN(OSSL_FUNC_PROVIDER_GET_PARAMS, coffer_get_params),
    FN(OSSL_FUNC_PROVIDER_QUERY_OPERATION, coffer_query),
    FN(OSSL_FUNC_PROVIDER_GET_REASON_STRINGS, coffer_reason_strings),
    {0, nullptr},
};
#undef FN

}  // namespace
}  // namespace coffer::provider

extern "C" int OSSL_provider_init(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in,
                                  const OSSL_DISPATCH** out, void** provctx) {
  using namespace coffer::provider;
  init_error_upcalls(in);
  try {
    *provctx = new ProviderContext(handle, in);
    *out = kProviderFunctions;
    return 1;
  } catch (const coffer::Error& e) {
    COFFER_RAISE(handle, kBadConfiguration, "%s", e.what());
  } catch (const std::exception& e) {
    COFFER_RAISE(handle, kInternalError, "%s", e.what());
  }
  return 0;
}
