// The store loader for "coffer:" URIs: coffer:<key id>, coffer:alias/<name> or
// coffer:arn:aws:kms:<region>:<account>:key/<id>. It asks Coffer for the key's public half
// when opened and hands OpenSSL one object: the key by reference (the private key stays
// in Coffer), or its SubjectPublicKeyInfo when the caller expects a public key.
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/store.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "provider/errors.h"
#include "provider/key.h"
#include "provider/store.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_store_open_fn store_open;
static OSSL_FUNC_store_settable_ctx_params_fn store_settable_ctx_params;
static OSSL_FUNC_store_set_ctx_params_fn store_set_ctx_params;
static OSSL_FUNC_store_load_fn store_load;
static OSSL_FUNC_store_eof_fn store_eof;
static OSSL_FUNC_store_close_fn store_close;

constexpr std::string_view kScheme = "coffer:";
constexpr std::size_t kMaxReference = 2048;  // AWS's longest key ARN is far shorter

struct StoreContext {
  ProviderContext* ctx;
  std::unique_ptr<Key> key;
  int expected = 0;  // OSSL_STORE_INFO_* the caller asked for, 0: anything
  bool done = false;
};

// Key ids, alias names and ARNs: printable ASCII without spaces or URI delimiters.
bool plausible_reference(std::string_view ref) {
  if (ref.empty() || ref.size() > kMaxReference) return false;
  for (const char c : ref) {
    if (c <= ' ' || c > '~' || c == '?' || c == '#') return false;
  }
  return true;
}

void* store_open(void* provctx, const char* uri) {
  auto* ctx = static_cast<ProviderContext*>(provctx);
  const std::string_view text = uri == nullptr ? "" : uri;
  // OpenSSL matches schemes without regard to case; so do we.
  if (text.size() < kScheme.size() ||
      OPENSSL_strncasecmp(text.data(), kScheme.data(), kScheme.size()) != 0) {
    COFFER_RAISE(ctx->handle(), kBadUri, "'%s' does not start with coffer:", uri);
    return nullptr;
  }
  std::string_view ref = text.substr(kScheme.size());
  if (ref.substr(0, 2) == "//") ref.remove_prefix(2);  // coffer://alias/x reads the same
  if (!plausible_reference(ref)) {
    COFFER_RAISE(ctx->handle(), kBadUri,
                 "'%s': expected coffer:<key id>, coffer:alias/<name> or coffer:<key ARN>", uri);
    return nullptr;
  }
  try {
    auto store = std::make_unique<StoreContext>();
    store->ctx = ctx;
    store->key = fetch_key(*ctx, ref);
    return store.release();
  } catch (const Error& e) {
    COFFER_RAISE_SERVICE(ctx->handle(), e, uri);
  } catch (const std::exception& e) {
    COFFER_RAISE(ctx->handle(), kInternalError, "%s: %s", uri, e.what());
  }
  return nullptr;
}

const OSSL_PARAM* store_settable_ctx_params(void*) {
  static const OSSL_PARAM kSettable[] = {
      OSSL_PARAM_int(OSSL_STORE_PARAM_EXPECT, nullptr),
      OSSL_PARAM_END,
  };
  return kSettable;
}

int store_set_ctx_params(void* loaderctx, const OSSL_PARAM params[]) {
  auto* store = static_cast<StoreContext*>(loaderctx);
  const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_EXPECT);
  if (p != nullptr && OSSL_PARAM_get_int(p, &store->expected) != 1) return 0;
  return 1;
}

OSSL_PARAM utf8_param(const char* name, const char* value) {
  return OSSL_PARAM_construct_utf8_string(name, const_cast<char*>(value), std::strlen(value));
}

// The public half by value: OpenSSL's decoders make an ordinary public key of it.
int pass_public_key(StoreContext& store, OSSL_CALLBACK* object_cb, void* object_cbarg) {
  unsigned char* der = nullptr;
  const int der_size = i2d_PUBKEY(store.key->pub, &der);
  if (der_size <= 0) return 0;
  int object_type = OSSL_OBJECT_PKEY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_int(OSSL_OBJECT_PARAM_TYPE, &object_type),
      utf8_param(OSSL_OBJECT_PARAM_DATA_TYPE, key_type_name(store.key->type)),
      utf8_param(OSSL_OBJECT_PARAM_DATA_STRUCTURE, "SubjectPublicKeyInfo"),
      OSSL_PARAM_octet_string(OSSL_OBJECT_PARAM_DATA, der, static_cast<size_t>(der_size)),
      OSSL_PARAM_END,
  };
  const int ok = object_cb(params, object_cbarg);
  OPENSSL_free(der);
  return ok;
}

// The key by reference: the keymgmt's load takes the Key* out of the reference.
int pass_key_reference(StoreContext& store, OSSL_CALLBACK* object_cb, void* object_cbarg) {
  Key* key = store.key.release();
  int object_type = OSSL_OBJECT_PKEY;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_int(OSSL_OBJECT_PARAM_TYPE, &object_type),
      utf8_param(OSSL_OBJECT_PARAM_DATA_TYPE, key_type_name(key->type)),
      OSSL_PARAM_octet_string(OSSL_OBJECT_PARAM_REFERENCE, &key, sizeof(key)),
      OSSL_PARAM_END,
  };
  const int ok = object_cb(params, object_cbarg);
  delete key;  // still ours when no keymgmt loaded it
  return ok;
}

int store_load(void* loaderctx, OSSL_CALLBACK* object_cb, void* object_cbarg,
               OSSL_PASSPHRASE_CALLBACK*, void*) {
  auto* store = static_cast<StoreContext*>(loaderctx);
  if (store->done) return 0;
  store->done = true;
  switch (store->expected) {
    case 0:
    case OSSL_STORE_INFO_PKEY:
      return pass_key_reference(*store, object_cb, object_cbarg);
    case OSSL_STORE_INFO_PUBKEY:
      return pass_public_key(*store, object_cb, object_cbarg);
    default:  // certificates, CRLs, parameters: a Coffer key URI names none
      return 0;
  }
}

int store_eof(void* loaderctx) { return static_cast<StoreContext*>(loaderctx)->done ? 1 : 0; }

int store_close(void* loaderctx) {
  delete static_cast<StoreContext*>(loaderctx);
  return 1;
}

}  // namespace

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
extern const OSSL_DISPATCH kStoreFunctions[] = {
    FN(OSSL_FUNC_STORE_OPEN, store_open),
    FN(OSSL_FUNC_STORE_SETTABLE_CTX_PARAMS, store_settable_ctx_params),
    FN(OSSL_FUNC_STORE_SET_CTX_PARAMS, store_set_ctx_params),
    FN(OSSL_FUNC_STORE_LOAD, store_load),
    FN(OSSL_FUNC_STORE_EOF, store_eof),
    FN(OSSL_FUNC_STORE_CLOSE, store_close),
    {0, nullptr},
};
#undef FN

}  // namespace coffer::provider
