#include "provider/keymgmt.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/errors.h"
#include "provider/key.h"

namespace coffer::provider::keymgmt {
namespace {

bool holds_private_material(const OSSL_PARAM params[]) {
  return OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_D) != nullptr ||
         OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PRIV_KEY) != nullptr;
}

}  // namespace

void* new_key(void* provctx, KeyType type) {
  return new (std::nothrow) Key(static_cast<ProviderContext*>(provctx), type);
}

void free_key(void* keydata) { delete static_cast<Key*>(keydata); }

void* load(const void* reference, std::size_t reference_size, KeyType type) {
  if (reference == nullptr || reference_size != sizeof(Key*)) return nullptr;
  auto* slot = const_cast<Key**>(static_cast<Key* const*>(reference));
  Key* key = *slot;
  if (key == nullptr || key->type != type) return nullptr;
  *slot = nullptr;
  return key;
}

int has(const void* keydata, int selection) {
  const auto* key = static_cast<const Key*>(keydata);
  if (key == nullptr) return 0;
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && !key->in_coffer()) return 0;
  if ((selection & (OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS)) != 0 &&
      key->pub == nullptr)
    return 0;
  return 1;
}

int match(const void* keydata1, const void* keydata2, int selection) {
  const auto* a = static_cast<const Key*>(keydata1);
  const auto* b = static_cast<const Key*>(keydata2);
  if (a == nullptr || b == nullptr || a->pub == nullptr || b->pub == nullptr) return 0;
  if (a->type != b->type) return 0;
  // A private half cannot be compared; the public halves of a pair decide.
  if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0) return EVP_PKEY_eq(a->pub, b->pub) == 1;
  if ((selection & OSSL_KEYMGMT_SELECT_ALL_PARAMETERS) != 0)
    return EVP_PKEY_parameters_eq(a->pub, b->pub) == 1;
  return 1;
}

int import(void* keydata, int selection, const OSSL_PARAM params[]) {
  auto* key = static_cast<Key*>(keydata);
  if (key == nullptr || key->pub != nullptr || holds_private_material(params)) return 0;
  OSSL_LIB_CTX* libctx = key->ctx->public_libctx();
  if (libctx == nullptr) return 0;
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(libctx, key_type_name(key->type), nullptr);
  if (pctx == nullptr) return 0;
  const int what = (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 ? EVP_PKEY_PUBLIC_KEY
                                                                     : EVP_PKEY_KEY_PARAMETERS;
  EVP_PKEY* pub = nullptr;
  const bool ok = EVP_PKEY_fromdata_init(pctx) == 1 &&
                  EVP_PKEY_fromdata(pctx, &pub, what, const_cast<OSSL_PARAM*>(params)) == 1;
  EVP_PKEY_CTX_free(pctx);
  if (!ok) return 0;
  key->pub = pub;
  return 1;
}

int export_key(void* keydata, int selection, OSSL_CALLBACK* callback, void* callback_arg) {
  auto* key = static_cast<Key*>(keydata);
  if (key == nullptr || key->pub == nullptr) return 0;
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && key->in_coffer()) return 0;
  return EVP_PKEY_export(key->pub, selection & ~OSSL_KEYMGMT_SELECT_PRIVATE_KEY, callback,
                         callback_arg);
}

int get_params(void* keydata, OSSL_PARAM params[]) {
  auto* key = static_cast<Key*>(keydata);
  if (key == nullptr || key->pub == nullptr) return 0;
  return EVP_PKEY_get_params(key->pub, params);
}

const OSSL_PARAM* gettable_params(void* provctx, KeyType type) {
  const EVP_KEYMGMT* keymgmt = static_cast<ProviderContext*>(provctx)->default_keymgmt(type);
  return keymgmt == nullptr ? nullptr : EVP_KEYMGMT_gettable_params(keymgmt);
}

void* dup(const void* keydata, int selection) {
  const auto* from = static_cast<const Key*>(keydata);
  if (from == nullptr) return nullptr;
  auto* key = new (std::nothrow) Key(from->ctx, from->type);
  if (key == nullptr) return nullptr;
  if (from->pub != nullptr && EVP_PKEY_up_ref(from->pub) == 1) key->pub = from->pub;
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) {
    try {
      key->key_id = from->key_id;
      key->key_spec = from->key_spec;
      key->key_usage = from->key_usage;
    } catch (...) {
      delete key;
      return nullptr;
    }
  }
  return key;
}

}  // namespace coffer::provider::keymgmt
