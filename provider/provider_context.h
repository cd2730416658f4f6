// One loaded instance of the provider: where Coffer is (from the provider's openssl.cnf
// section), the client connection (made on first use, shared by every thread), and a
// private library context holding OpenSSL's default provider for the public-key half of
// every operation (verify, encrypt, parameters), so that work never comes back to us.
#pragma once

#include <openssl/core.h>
#include <openssl/evp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "client/client_config.h"
#include "client/kms_client.h"
#include "common/error.h"

namespace coffer::provider {

enum class KeyType { kRsa, kEc };

// The provider's openssl.cnf section (or the environment) is wrong.
class ConfigurationError : public Error {
 public:
  explicit ConfigurationError(std::string message)
      : Error(ErrorCode::kValidation, std::move(message)) {}
};

class ProviderContext {
 public:
  // Reads the configuration. A bad one does not stop the provider from loading (OpenSSL
  // would drop the reason); every use of the client then fails with ConfigurationError.
  ProviderContext(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in);
  ~ProviderContext();
  ProviderContext(const ProviderContext&) = delete;
  ProviderContext& operator=(const ProviderContext&) = delete;

  const OSSL_CORE_HANDLE* handle() const noexcept { return handle_; }
  const client::ClientConfig& client_config() const noexcept { return config_; }

  // The client, connected on its first call. Throws coffer::Error.
  client::KmsClient& kms();

  // The private library context (default provider only); nullptr if OpenSSL failed to
  // make it, with an error raised.
  OSSL_LIB_CTX* public_libctx();
  // The default provider's algorithms there, for their parameter lists.
  const EVP_KEYMGMT* default_keymgmt(KeyType type);
  const EVP_SIGNATURE* default_signature(KeyType type);
  const EVP_ASYM_CIPHER* default_rsa_cipher();

 private:
  bool make_public_libctx();

  const OSSL_CORE_HANDLE* handle_;
  client::ClientConfig config_;
  std::optional<std::string> config_error_;

  // Both are made once under mutex_ and then read without it (every signature uses them).
  std::mutex mutex_;
  std::unique_ptr<client::KmsClient> kms_;
  std::atomic<client::KmsClient*> kms_ready_{nullptr};
  std::atomic<OSSL_LIB_CTX*> libctx_ready_{nullptr};
  OSSL_LIB_CTX* libctx_ = nullptr;
  OSSL_PROVIDER* default_provider_ = nullptr;
  EVP_KEYMGMT* rsa_keymgmt_ = nullptr;
  EVP_KEYMGMT* ec_keymgmt_ = nullptr;
  EVP_SIGNATURE* rsa_signature_ = nullptr;
  EVP_SIGNATURE* ecdsa_signature_ = nullptr;
  EVP_ASYM_CIPHER* rsa_cipher_ = nullptr;
  bool libctx_failed_ = false;
};

// The configuration from the provider's openssl.cnf section over the COFFER_* environment
// (client::ClientConfig::from_environment); see docs/PROVIDER.md for the names.
client::ClientConfig read_client_config(const OSSL_CORE_HANDLE* handle, const OSSL_DISPATCH* in);

}  // namespace coffer::provider
