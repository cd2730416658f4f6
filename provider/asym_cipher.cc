// RSA-OAEP decryption with RSA keys in Coffer (Decrypt with RSAES_OAEP_SHA_1 or
// RSAES_OAEP_SHA_256: the OAEP digest and MGF1 use the same hash, no label). Encryption
// needs only the public half and runs in the default provider. As in signature.cc, a
// mirror context of the default provider holds the parameters OpenSSL sets.
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "common/secret_bytes.h"
#include "provider/asym_cipher.h"
#include "provider/errors.h"
#include "provider/key.h"

namespace coffer::provider {
namespace {

static OSSL_FUNC_asym_cipher_newctx_fn rsa_newctx;
static OSSL_FUNC_asym_cipher_freectx_fn rsa_freectx;
static OSSL_FUNC_asym_cipher_dupctx_fn rsa_dupctx;
static OSSL_FUNC_asym_cipher_encrypt_init_fn rsa_encrypt_init;
static OSSL_FUNC_asym_cipher_encrypt_fn rsa_encrypt;
static OSSL_FUNC_asym_cipher_decrypt_init_fn rsa_decrypt_init;
static OSSL_FUNC_asym_cipher_decrypt_fn rsa_decrypt;
static OSSL_FUNC_asym_cipher_get_ctx_params_fn rsa_get_ctx_params;
static OSSL_FUNC_asym_cipher_gettable_ctx_params_fn rsa_gettable_ctx_params;
static OSSL_FUNC_asym_cipher_set_ctx_params_fn rsa_set_ctx_params;
static OSSL_FUNC_asym_cipher_settable_ctx_params_fn rsa_settable_ctx_params;

struct CipherContext {
  explicit CipherContext(ProviderContext* provider_context) : ctx(provider_context) {}
  ~CipherContext() { EVP_PKEY_CTX_free(mirror); }
  CipherContext(const CipherContext&) = delete;
  CipherContext& operator=(const CipherContext&) = delete;

  ProviderContext* ctx;
  const Key* key = nullptr;
  EVP_PKEY_CTX* mirror = nullptr;  // an encrypt context on the public half
};

void* rsa_newctx(void* provctx) {
  return new (std::nothrow) CipherContext(static_cast<ProviderContext*>(provctx));
}

void rsa_freectx(void* cctx) { delete static_cast<CipherContext*>(cctx); }

void* rsa_dupctx(void* cctx) {
  const auto* from = static_cast<const CipherContext*>(cctx);
  auto to = std::unique_ptr<CipherContext>(new (std::nothrow) CipherContext(from->ctx));
  if (!to) return nullptr;
  to->key = from->key;
  if (from->mirror != nullptr && (to->mirror = EVP_PKEY_CTX_dup(from->mirror)) == nullptr)
    return nullptr;
  return to.release();
}

int begin(CipherContext* cc, void* keydata, bool decrypting, const OSSL_PARAM params[]) {
  const auto* key = static_cast<const Key*>(keydata);
  if (key == nullptr || key->pub == nullptr) return 0;
  if (decrypting && !key->in_coffer()) {
    COFFER_RAISE(cc->ctx->handle(), kNotACofferKey,
                 "decryption needs a key loaded from a coffer: URI");
    return 0;
  }
  EVP_PKEY_CTX_free(cc->mirror);
  cc->key = key;
  cc->mirror = EVP_PKEY_CTX_new_from_pkey(cc->ctx->public_libctx(), key->pub, nullptr);
  if (cc->mirror == nullptr || EVP_PKEY_encrypt_init(cc->mirror) != 1) {
    COFFER_RAISE(cc->ctx->handle(), kInternalError, "cannot set up the public-key context");
    return 0;
  }
  return params == nullptr || EVP_PKEY_CTX_set_params(cc->mirror, params) == 1 ? 1 : 0;
}

int rsa_encrypt_init(void* cctx, void* keydata, const OSSL_PARAM params[]) {
  return begin(static_cast<CipherContext*>(cctx), keydata, false, params);
}

int rsa_encrypt(void* cctx, unsigned char* out, size_t* outlen, size_t outsize,
                const unsigned char* in, size_t inlen) {
  auto* cc = static_cast<CipherContext*>(cctx);
  if (out != nullptr) *outlen = outsize;
  return EVP_PKEY_encrypt(cc->mirror, out, outlen, in, inlen) == 1 ? 1 : 0;
}

int rsa_decrypt_init(void* cctx, void* keydata, const OSSL_PARAM params[]) {
  return begin(static_cast<CipherContext*>(cctx), keydata, true, params);
}

// The AWS name for the OAEP parameters in the mirror; throws when there is none.
std::string encryption_algorithm(EVP_PKEY_CTX* mirror) {
  int padding = RSA_PKCS1_PADDING;
  char oaep_md[80] = "";
  char mgf1_md[80] = "";
  size_t label_size = 0;
  OSSL_PARAM params[] = {
      OSSL_PARAM_int(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, &padding),
      OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST, oaep_md, sizeof(oaep_md)),
      OSSL_PARAM_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST, mgf1_md, sizeof(mgf1_md)),
      OSSL_PARAM_END,
  };
  if (EVP_PKEY_CTX_get_params(mirror, params) != 1)
    throw Error(ErrorCode::kInternal, "cannot read the RSA padding parameters");
  if (padding != RSA_PKCS1_OAEP_PADDING)
    throw Error(ErrorCode::kUnsupportedOperation,
                "Coffer decrypts RSA with OAEP padding only (-pkeyopt rsa_padding_mode:oaep)");
  void* label_data = nullptr;
  OSSL_PARAM label[] = {OSSL_PARAM_octet_ptr(OSSL_ASYM_CIPHER_PARAM_OAEP_LABEL, &label_data, 0),
                        OSSL_PARAM_END};
  if (EVP_PKEY_CTX_get_params(mirror, label) == 1 && OSSL_PARAM_modified(label))
    label_size = label[0].return_size;
  if (label_size != 0)
    throw Error(ErrorCode::kUnsupportedOperation, "Coffer's RSA-OAEP takes no label");

  OSSL_LIB_CTX* libctx = EVP_PKEY_CTX_get0_libctx(mirror);
  auto nid_of = [&](const char* name) {
    if (*name == '\0') return NID_undef;
    EVP_MD* md = EVP_MD_fetch(libctx, name, nullptr);
    const int nid = md == nullptr ? NID_undef : EVP_MD_get_type(md);
    EVP_MD_free(md);
    return nid;
  };
  const int oaep = oaep_md[0] == '\0' ? NID_sha1 : nid_of(oaep_md);
  const int mgf1 = mgf1_md[0] == '\0' ? oaep : nid_of(mgf1_md);
  if (oaep != mgf1)
    throw Error(ErrorCode::kUnsupportedOperation,
                "Coffer's RSA-OAEP uses MGF1 with the OAEP digest (set rsa_mgf1_md to it)");
  if (oaep == NID_sha1) return "RSAES_OAEP_SHA_1";
  if (oaep == NID_sha256) return "RSAES_OAEP_SHA_256";
  throw Error(ErrorCode::kUnsupportedOperation,
              std::string("Coffer's RSA-OAEP uses SHA-1 or SHA-256, not ") + oaep_md);
}

int rsa_decrypt(void* cctx, unsigned char* out, size_t* outlen, size_t outsize,
                const unsigned char* in, size_t inlen) {
  auto* cc = static_cast<CipherContext*>(cctx);
  const Key& key = *cc->key;
  if (out == nullptr) {
    *outlen = static_cast<size_t>(EVP_PKEY_get_size(key.pub));
    return 1;
  }
  try {
    v1::DecryptRequest request;
    request.set_key_id(key.key_id);
    request.set_ciphertext_blob(reinterpret_cast<const char*>(in), inlen);
    request.set_encryption_algorithm(encryption_algorithm(cc->mirror));
    v1::DecryptResponse response = cc->ctx->kms().decrypt(request);
    std::string& plaintext = *response.mutable_plaintext();
    const bool fits = plaintext.size() <= outsize;
    if (fits) {
      std::copy(plaintext.begin(), plaintext.end(), out);
      *outlen = plaintext.size();
    }
    secure_zero(plaintext.data(), plaintext.size());
    if (!fits) {
      COFFER_RAISE(cc->ctx->handle(), kInternalError, "plaintext larger than the buffer");
      return 0;
    }
    return 1;
  } catch (const Error& e) {
    COFFER_RAISE_SERVICE(cc->ctx->handle(), e, ("decrypt with " + key.key_id).c_str());
  } catch (const std::exception& e) {
    COFFER_RAISE(cc->ctx->handle(), kInternalError, "decrypt with %s: %s", key.key_id.c_str(),
                 e.what());
  }
  return 0;
}

int rsa_get_ctx_params(void* cctx, OSSL_PARAM params[]) {
  auto* cc = static_cast<CipherContext*>(cctx);
  return cc->mirror != nullptr && EVP_PKEY_CTX_get_params(cc->mirror, params) == 1 ? 1 : 0;
}

int rsa_set_ctx_params(void* cctx, const OSSL_PARAM params[]) {
  auto* cc = static_cast<CipherContext*>(cctx);
  if (params == nullptr || params->key == nullptr) return 1;
  return cc->mirror != nullptr && EVP_PKEY_CTX_set_params(cc->mirror, params) == 1 ? 1 : 0;
}

const OSSL_PARAM* rsa_gettable_ctx_params(void*, void* provctx) {
  const EVP_ASYM_CIPHER* cipher = static_cast<ProviderContext*>(provctx)->default_rsa_cipher();
  return cipher == nullptr ? nullptr : EVP_ASYM_CIPHER_gettable_ctx_params(cipher);
}

const OSSL_PARAM* rsa_settable_ctx_params(void*, void* provctx) {
  const EVP_ASYM_CIPHER* cipher = static_cast<ProviderContext*>(provctx)->default_rsa_cipher();
  return cipher == nullptr ? nullptr : EVP_ASYM_CIPHER_settable_ctx_params(cipher);
}

}  // namespace

#define FN(id, fn) \
  { id, reinterpret_cast<void (*)()>(fn) }
extern const OSSL_DISPATCH kRsaCipherFunctions[] = {
    FN(OSSL_FUNC_ASYM_CIPHER_NEWCTX, rsa_newctx),
    FN(OSSL_FUNC_ASYM_CIPHER_FREECTX, rsa_freectx),
    FN(OSSL_FUNC_ASYM_CIPHER_DUPCTX, rsa_dupctx),
    FN(OSSL_FUNC_ASYM_CIPHER_ENCRYPT_INIT, rsa_encrypt_init),
    FN(OSSL_FUNC_ASYM_CIPHER_ENCRYPT, rsa_encrypt),
    FN(OSSL_FUNC_ASYM_CIPHER_DECRYPT_INIT, rsa_decrypt_init),
    FN(OSSL_FUNC_ASYM_CIPHER_DECRYPT, rsa_decrypt),
    FN(OSSL_FUNC_ASYM_CIPHER_GET_CTX_PARAMS, rsa_get_ctx_params),
    FN(OSSL_FUNC_ASYM_CIPHER_GETTABLE_CTX_PARAMS, rsa_gettable_ctx_params),
    FN(OSSL_FUNC_ASYM_CIPHER_SET_CTX_PARAMS, rsa_set_ctx_params),
    FN(OSSL_FUNC_ASYM_CIPHER_SETTABLE_CTX_PARAMS, rsa_settable_ctx_params),
    {0, nullptr},
};
#undef FN

}  // namespace coffer::provider
