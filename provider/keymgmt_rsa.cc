// Key management for RSA keys in Coffer (rsaEncryption keys: PKCS#1 v1.5, PSS and OAEP
// are chosen per operation, as TLS 1.3's rsa_pss_rsae_* schemes do).
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/keymgmt.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_keymgmt_new_fn rsa_new;
static OSSL_FUNC_keymgmt_load_fn rsa_load;
static OSSL_FUNC_keymgmt_gettable_params_fn rsa_gettable_params;
static OSSL_FUNC_keymgmt_import_types_fn rsa_types;
static OSSL_FUNC_keymgmt_query_operation_name_fn rsa_operation_name;

void* rsa_new(void* provctx) { return keymgmt::new_key(provctx, KeyType::kRsa); }

void* rsa_load(const void* reference, size_t size) {
  return keymgmt::load(reference, size, KeyType::kRsa);
}

const OSSL_PARAM* rsa_gettable_params(void* provctx) {
  return keymgmt::gettable_params(provctx, KeyType::kRsa);
}

const OSSL_PARAM kPublicTypes[] = {
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, nullptr, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, nullptr, 0),
    OSSL_PARAM_END,
};

const OSSL_PARAM* rsa_types(int selection) {
  return (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 ? kPublicTypes : nullptr;
}

const char* rsa_operation_name(int) { return "RSA"; }

}  // namespace

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
extern const OSSL_DISPATCH kRsaKeymgmtFunctions[] = {
    FN(OSSL_FUNC_KEYMGMT_NEW, rsa_new),
    FN(OSSL_FUNC_KEYMGMT_FREE, keymgmt::free_key),
    FN(OSSL_FUNC_KEYMGMT_LOAD, rsa_load),
    FN(OSSL_FUNC_KEYMGMT_HAS, keymgmt::has),
    FN(OSSL_FUNC_KEYMGMT_MATCH, keymgmt::match),
    FN(OSSL_FUNC_KEYMGMT_IMPORT, keymgmt::import),
    FN(OSSL_FUNC_KEYMGMT_IMPORT_TYPES, rsa_types),
    FN(OSSL_FUNC_KEYMGMT_EXPORT, keymgmt::export_key),
    FN(OSSL_FUNC_KEYMGMT_EXPORT_TYPES, rsa_types),
    FN(OSSL_FUNC_KEYMGMT_GET_PARAMS, keymgmt::get_params),
    FN(OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, rsa_gettable_params),
    FN(OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, rsa_operation_name),
    FN(OSSL_FUNC_KEYMGMT_DUP, keymgmt::dup),
    {0, nullptr},
};
#undef FN

}  // namespace coffer::provider
