// Signatures with RSA (PKCS#1 v1.5, PSS) and ECDSA keys in Coffer: the provider hashes,
// Coffer signs the digest (Sign with MessageType DIGEST). Each context keeps a "mirror":
// the default provider's verify context on the key's public half, which holds the
// parameters OpenSSL sets (digest, padding, salt length), answers the ones it reads
// (algorithm identifier) and does verification; so parameters behave exactly as they do
// for a key in a file.
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "provider/errors.h"
#include "provider/key.h"
#include "provider/signature.h"
#include "provider/signing_algorithm.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_signature_newctx_fn sig_newctx;
static OSSL_FUNC_signature_freectx_fn sig_freectx;
static OSSL_FUNC_signature_dupctx_fn sig_dupctx;
static OSSL_FUNC_signature_sign_init_fn sig_sign_init;
static OSSL_FUNC_signature_sign_fn sig_sign;
static OSSL_FUNC_signature_verify_init_fn sig_verify_init;
static OSSL_FUNC_signature_verify_fn sig_verify;
static OSSL_FUNC_signature_digest_sign_init_fn sig_digest_sign_init;
static OSSL_FUNC_signature_digest_sign_update_fn sig_digest_update;
static OSSL_FUNC_signature_digest_sign_final_fn sig_digest_sign_final;
static OSSL_FUNC_signature_digest_verify_init_fn sig_digest_verify_init;
static OSSL_FUNC_signature_digest_verify_final_fn sig_digest_verify_final;
static OSSL_FUNC_signature_get_ctx_params_fn sig_get_ctx_params;
static OSSL_FUNC_signature_set_ctx_params_fn sig_set_ctx_params;

struct SignatureContext {
  explicit SignatureContext(ProviderContext* provider_context) : ctx(provider_context) {}
  ~SignatureContext() {
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(mirror);
  }
  SignatureContext(const SignatureContext&) = delete;
  SignatureContext& operator=(const SignatureContext&) = delete;

  ProviderContext* ctx;
  const Key* key = nullptr;  // owned by the EVP_PKEY, which outlives the operation
  EVP_PKEY_CTX* mirror = nullptr;
  EVP_MD_CTX* md = nullptr;  // digest-and-sign: the running hash
};

const OSSL_CORE_HANDLE* handle(const SignatureContext* sc) { return sc->ctx->handle(); }

void* sig_newctx(void* provctx, const char*) {
  return new (std::nothrow) SignatureContext(static_cast<ProviderContext*>(provctx));
}

void sig_freectx(void* sigctx) { delete static_cast<SignatureContext*>(sigctx); }

void* sig_dupctx(void* sigctx) {
  const auto* from = static_cast<const SignatureContext*>(sigctx);
  auto to = std::unique_ptr<SignatureContext>(new (std::nothrow) SignatureContext(from->ctx));
  if (!to) return nullptr;
  to->key = from->key;
  if (from->mirror != nullptr && (to->mirror = EVP_PKEY_CTX_dup(from->mirror)) == nullptr)
    return nullptr;
  if (from->md != nullptr &&
      ((to->md = EVP_MD_CTX_new()) == nullptr || EVP_MD_CTX_copy_ex(to->md, from->md) != 1))
    return nullptr;
  return to.release();
}

// Starts an operation on `keydata`: a fresh mirror with the caller's parameters.
bool begin(SignatureContext* sc, void* keydata, bool signing, const OSSL_PARAM params[]) {
  const auto* key = static_cast<const Key*>(keydata);
  if (key == nullptr || key->pub == nullptr) return false;
  if (signing && !key->in_coffer()) {
    COFFER_RAISE(handle(sc), kNotACofferKey, "signing needs a key loaded from a coffer: URI");
    return false;
  }
  EVP_PKEY_CTX_free(sc->mirror);
  EVP_MD_CTX_free(sc->md);
  sc->md = nullptr;
  sc->key = key;
  sc->mirror = EVP_PKEY_CTX_new_from_pkey(sc->ctx->public_libctx(), key->pub, nullptr);
  if (sc->mirror == nullptr || EVP_PKEY_verify_init(sc->mirror) != 1) {
    COFFER_RAISE(handle(sc), kInternalError, "cannot set up the public-key context");
    return false;
  }
  return params == nullptr || EVP_PKEY_CTX_set_params(sc->mirror, params) == 1;
}

bool begin_digest(SignatureContext* sc, const char* mdname, void* keydata, bool signing,
                  const OSSL_PARAM params[]) {
  if (!begin(sc, keydata, signing, nullptr)) return false;
  const char* name = mdname != nullptr && *mdname != '\0' ? mdname : "SHA256";
  EVP_MD* md = EVP_MD_fetch(sc->ctx->public_libctx(), name, nullptr);
  if (md == nullptr) {
    COFFER_RAISE(handle(sc), kUnsupported, "unknown digest %s", name);
    return false;
  }
  const OSSL_PARAM digest[] = {OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST,
                                                      const_cast<char*>(name), std::strlen(name)),
                               OSSL_PARAM_END};
  sc->md = EVP_MD_CTX_new();
  const bool ok = sc->md != nullptr && EVP_DigestInit_ex2(sc->md, md, nullptr) == 1 &&
                  EVP_PKEY_CTX_set_params(sc->mirror, digest) == 1 &&
                  (params == nullptr || EVP_PKEY_CTX_set_params(sc->mirror, params) == 1);
  EVP_MD_free(md);
  return ok;
}

// Coffer signs `digest`; the signature goes to `sig` (capacity `sigsize`).
int sign_digest(SignatureContext* sc, unsigned char* sig, size_t* siglen, size_t sigsize,
                const unsigned char* digest, size_t digest_size) {
  const Key& key = *sc->key;
  const auto max_size = static_cast<size_t>(EVP_PKEY_get_size(key.pub));
  if (sig == nullptr) {
    *siglen = max_size;
    return 1;
  }
  try {
    v1::SignRequest request;
    request.set_key_id(key.key_id);
    request.set_message(reinterpret_cast<const char*>(digest), digest_size);
    request.set_message_type("DIGEST");
    request.set_signing_algorithm(signing_algorithm(key.type, sc->mirror, digest_size));
    const v1::SignResponse response = sc->ctx->kms().sign(request);
    const std::string& signature = response.signature();
    if (signature.size() > sigsize) {
      COFFER_RAISE(handle(sc), kInternalError, "signature of %zu bytes, buffer of %zu",
                   signature.size(), sigsize);
      return 0;
    }
    std::copy(signature.begin(), signature.end(), sig);
    *siglen = signature.size();
    return 1;
  } catch (const Error& e) {
    COFFER_RAISE_SERVICE(handle(sc), e, ("sign with " + key.key_id).c_str());
  } catch (const std::exception& e) {
    COFFER_RAISE(handle(sc), kInternalError, "sign with %s: %s", key.key_id.c_str(), e.what());
  }
  return 0;
}

int sig_sign_init(void* sigctx, void* keydata, const OSSL_PARAM params[]) {
  return begin(static_cast<SignatureContext*>(sigctx), keydata, true, params) ? 1 : 0;
}

int sig_sign(void* sigctx, unsigned char* sig, size_t* siglen, size_t sigsize,
             const unsigned char* tbs, size_t tbslen) {
  return sign_digest(static_cast<SignatureContext*>(sigctx), sig, siglen, sigsize, tbs, tbslen);
}

int sig_verify_init(void* sigctx, void* keydata, const OSSL_PARAM params[]) {
  return begin(static_cast<SignatureContext*>(sigctx), keydata, false, params) ? 1 : 0;
}

int sig_verify(void* sigctx, const unsigned char* sig, size_t siglen, const unsigned char* tbs,
               size_t tbslen) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  return EVP_PKEY_verify(sc->mirror, sig, siglen, tbs, tbslen) == 1 ? 1 : 0;
}

int sig_digest_sign_init(void* sigctx, const char* mdname, void* keydata,
                         const OSSL_PARAM params[]) {
  return begin_digest(static_cast<SignatureContext*>(sigctx), mdname, keydata, true, params);
}

int sig_digest_update(void* sigctx, const unsigned char* data, size_t datalen) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  return sc->md != nullptr && EVP_DigestUpdate(sc->md, data, datalen) == 1 ? 1 : 0;
}

// Finishes the running hash into `digest`; false when there is none.
bool finish_hash(SignatureContext* sc, unsigned char* digest, unsigned int* digest_size) {
  return sc->md != nullptr && EVP_DigestFinal_ex(sc->md, digest, digest_size) == 1;
}

int sig_digest_sign_final(void* sigctx, unsigned char* sig, size_t* siglen, size_t sigsize) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  if (sc->md == nullptr) return 0;
  if (sig == nullptr) return sign_digest(sc, nullptr, siglen, 0, nullptr, 0);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (!finish_hash(sc, digest, &digest_size)) return 0;
  return sign_digest(sc, sig, siglen, sigsize, digest, digest_size);
}

int sig_digest_verify_init(void* sigctx, const char* mdname, void* keydata,
                           const OSSL_PARAM params[]) {
  return begin_digest(static_cast<SignatureContext*>(sigctx), mdname, keydata, false, params);
}

int sig_digest_verify_final(void* sigctx, const unsigned char* sig, size_t siglen) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (!finish_hash(sc, digest, &digest_size)) return 0;
  return sig_verify(sc, sig, siglen, digest, digest_size);
}

int sig_get_ctx_params(void* sigctx, OSSL_PARAM params[]) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  return sc->mirror != nullptr && EVP_PKEY_CTX_get_params(sc->mirror, params) == 1 ? 1 : 0;
}

int sig_set_ctx_params(void* sigctx, const OSSL_PARAM params[]) {
  auto* sc = static_cast<SignatureContext*>(sigctx);
  if (params == nullptr || params->key == nullptr) return 1;
  return sc->mirror != nullptr && EVP_PKEY_CTX_set_params(sc->mirror, params) == 1 ? 1 : 0;
}

template <KeyType kType>
const OSSL_PARAM* sig_gettable_ctx_params(void*, void* provctx) {
  const EVP_SIGNATURE* sig = static_cast<ProviderContext*>(provctx)->default_signature(kType);
  return sig == nullptr ? nullptr : EVP_SIGNATURE_gettable_ctx_params(sig);
}

template <KeyType kType>
const OSSL_PARAM* sig_settable_ctx_params(void*, void* provctx) {
  const EVP_SIGNATURE* sig = static_cast<ProviderContext*>(provctx)->default_signature(kType);
  return sig == nullptr ? nullptr : EVP_SIGNATURE_settable_ctx_params(sig);
}

}  // namespace

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
#define SIGNATURE_FUNCTIONS(type)                                                               \
  FN(OSSL_FUNC_SIGNATURE_NEWCTX, sig_newctx), FN(OSSL_FUNC_SIGNATURE_FREECTX, sig_freectx),     \
      FN(OSSL_FUNC_SIGNATURE_DUPCTX, sig_dupctx),                                               \
      FN(OSSL_FUNC_SIGNATURE_SIGN_INIT, sig_sign_init), FN(OSSL_FUNC_SIGNATURE_SIGN, sig_sign), \
      FN(OSSL_FUNC_SIGNATURE_VERIFY_INIT, sig_verify_init),                                     \
      FN(OSSL_FUNC_SIGNATURE_VERIFY, sig_verify),                                               \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, sig_digest_sign_init),                           \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, sig_digest_update),                            \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, sig_digest_sign_final),                         \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT, sig_digest_verify_init),                       \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE, sig_digest_update),                          \
      FN(OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL, sig_digest_verify_final),                     \
      FN(OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, sig_get_ctx_params),                               \
      FN(OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS, sig_gettable_ctx_params<type>),               \
      FN(OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, sig_set_ctx_params),                               \
      FN(OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, sig_settable_ctx_params<type>), {             \
    0, nullptr                                                                                  \
  }

extern const OSSL_DISPATCH kRsaSignatureFunctions[] = {SIGNATURE_FUNCTIONS(KeyType::kRsa)};
extern const OSSL_DISPATCH kEcdsaSignatureFunctions[] = {SIGNATURE_FUNCTIONS(KeyType::kEc)};
#undef SIGNATURE_FUNCTIONS
#undef FN

}  // namespace coffer::provider
