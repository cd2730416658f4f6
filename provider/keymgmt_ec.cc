// Key management for EC keys in Coffer (named curves: P-256, P-384, P-521, secp256k1).
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/keymgmt.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_keymgmt_new_fn ec_new;
static OSSL_FUNC_keymgmt_load_fn ec_load;
static OSSL_FUNC_keymgmt_gettable_params_fn ec_gettable_params;
static OSSL_FUNC_keymgmt_import_types_fn ec_types;
static OSSL_FUNC_keymgmt_query_operation_name_fn ec_operation_name;

void* ec_new(void* provctx) { return keymgmt::new_key(provctx, KeyType::kEc); }

void* ec_load(const void* reference, size_t size) {
  return keymgmt::load(reference, size, KeyType::kEc);
}

const OSSL_PARAM* ec_gettable_params(void* provctx) {
  return keymgmt::gettable_params(provctx, KeyType::kEc);
}

const OSSL_PARAM kTypes[] = {
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, nullptr, 0),
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, nullptr, 0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
    OSSL_PARAM_END,
};

const OSSL_PARAM* ec_types(int selection) {
  return (selection & (OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS)) != 0
             ? kTypes
             : nullptr;
}

// EC keys sign as "ECDSA"; key exchange (ECDH) is not offered.
const char* ec_operation_name(int operation_id) {
  return operation_id == OSSL_OP_SIGNATURE ? "ECDSA" : nullptr;
}

}  // namespace

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
extern const OSSL_DISPATCH kEcKeymgmtFunctions[] = {
    FN(OSSL_FUNC_KEYMGMT_NEW, ec_new),
    FN(OSSL_FUNC_KEYMGMT_FREE, keymgmt::free_key),
    FN(OSSL_FUNC_KEYMGMT_LOAD, ec_load),
    FN(OSSL_FUNC_KEYMGMT_HAS, keymgmt::has),
    FN(OSSL_FUNC_KEYMGMT_MATCH, keymgmt::match),
    FN(OSSL_FUNC_KEYMGMT_IMPORT, keymgmt::import),
    FN(OSSL_FUNC_KEYMGMT_IMPORT_TYPES, ec_types),
    FN(OSSL_FUNC_KEYMGMT_EXPORT, keymgmt::export_key),
    FN(OSSL_FUNC_KEYMGMT_EXPORT_TYPES, ec_types),
    FN(OSSL_FUNC_KEYMGMT_GET_PARAMS, keymgmt::get_params),
    FN(OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, ec_gettable_params),
    FN(OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, ec_operation_name),
    FN(OSSL_FUNC_KEYMGMT_DUP, keymgmt::dup),
    {0, nullptr},
};
#undef FN

}  // namespace coffer::provider
