#include "provider/provider_context.h"

#include <openssl/provider.h>

#include "provider/errors.h"

namespace coffer::provider {

ProviderContext::ProviderContext(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in)
    : handle_(handle) {
  try {
    config_ = read_client_config(handle, in);
  } catch (const Error& e) {
    config_error_ = e.what();
  }
}

ProviderContext::~ProviderContext() {
  kms_.reset();  // joins the client's io thread before OpenSSL objects go
  EVP_ASYM_CIPHER_free(rsa_cipher_);
  EVP_SIGNATURE_free(ecdsa_signature_);
  EVP_SIGNATURE_free(rsa_signature_);
  EVP_KEYMGMT_free(ec_keymgmt_);
  EVP_KEYMGMT_free(rsa_keymgmt_);
  if (default_provider_ != nullptr) OSSL_PROVIDER_unload(default_provider_);
  OSSL_LIB_CTX_free(libctx_);
}

client::KmsClient& ProviderContext::kms() {
  if (client::KmsClient* ready = kms_ready_.load(std::memory_order_acquire)) return *ready;
  if (config_error_) throw ConfigurationError(*config_error_);
  // TLS to cofferd runs in the private default-only context: never through the
  // application's providers (this one included). Made before taking mutex_, which
  // public_libctx() takes too.
  OSSL_LIB_CTX* tls_libctx = public_libctx();
  if (tls_libctx == nullptr)
    throw ConfigurationError("cannot make the provider's private library context");
  std::lock_guard lock(mutex_);
  if (!kms_) {
    client::ClientConfig config = config_;
    config.tls_libctx = tls_libctx;
    kms_ = std::make_unique<client::KmsClient>(std::move(config));
    kms_ready_.store(kms_.get(), std::memory_order_release);
  }
  return *kms_;
}

OSSL_LIB_CTX* ProviderContext::public_libctx() {
  if (OSSL_LIB_CTX* ready = libctx_ready_.load(std::memory_order_acquire)) return ready;
  std::lock_guard lock(mutex_);
  if (libctx_ == nullptr && !libctx_failed_ && !make_public_libctx()) libctx_failed_ = true;
  if (libctx_ != nullptr) libctx_ready_.store(libctx_, std::memory_order_release);
  if (libctx_ == nullptr)
    COFFER_RAISE(handle_, kInternalError, "cannot make the library context for public keys");
  return libctx_;
}

// Made on first use, not in OSSL_provider_init: the core is busy activating us there.
bool ProviderContext::make_public_libctx() {
  OSSL_LIB_CTX* libctx = OSSL_LIB_CTX_new();
  if (libctx == nullptr) return false;
  default_provider_ = OSSL_PROVIDER_load(libctx, "default");
  if (default_provider_ == nullptr) {
    OSSL_LIB_CTX_free(libctx);
    return false;
  }
  rsa_keymgmt_ = EVP_KEYMGMT_fetch(libctx, "RSA", nullptr);
  ec_keymgmt_ = EVP_KEYMGMT_fetch(libctx, "EC", nullptr);
  rsa_signature_ = EVP_SIGNATURE_fetch(libctx, "RSA", nullptr);
  ecdsa_signature_ = EVP_SIGNATURE_fetch(libctx, "ECDSA", nullptr);
  rsa_cipher_ = EVP_ASYM_CIPHER_fetch(libctx, "RSA", nullptr);
  libctx_ = libctx;
  return rsa_keymgmt_ != nullptr && ec_keymgmt_ != nullptr && rsa_signature_ != nullptr &&
         ecdsa_signature_ != nullptr && rsa_cipher_ != nullptr;
}

const EVP_KEYMGMT* ProviderContext::default_keymgmt(KeyType type) {
  if (public_libctx() == nullptr) return nullptr;
  return type == KeyType::kRsa ? rsa_keymgmt_ : ec_keymgmt_;
}

const EVP_SIGNATURE* ProviderContext::default_signature(KeyType type) {
  if (public_libctx() == nullptr) return nullptr;
  return type == KeyType::kRsa ? rsa_signature_ : ecdsa_signature_;
}

const EVP_ASYM_CIPHER* ProviderContext::default_rsa_cipher() {
  if (public_libctx() == nullptr) return nullptr;
  return rsa_cipher_;
}

}  // namespace coffer::provider
