// One token, as Coffer uses it: a module, a slot, a session pool, a handle cache and the
// token's quirks, with the operations every higher layer needs. Keys are named by CKA_ID.
//
// Every operation is safe to call from many threads. Operations that are safe to repeat
// (encrypt, decrypt, sign, verify, random, lookups) are retried once on a fresh session
// when the token loses the session; key creation and destruction are not retried.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/secret_bytes.h"
#include "pkcs11/attribute_template.h"
#include "pkcs11/handle_cache.h"
#include "pkcs11/key_spec.h"
#include "pkcs11/module.h"
#include "pkcs11/pin_source.h"
#include "pkcs11/quirks.h"
#include "pkcs11/session_pool.h"

namespace coffer::pkcs11 {

struct TokenConfig {
  std::string module_path;
  std::string token_uri = "pkcs11:token=coffer";
  PinSource pin = PinSource::from_env("COFFER_PIN");
  std::string quirks = "softhsm";
  SessionPoolOptions pool;
};

struct GcmCiphertext {
  std::array<std::uint8_t, 12> iv{};
  Bytes ciphertext;  // ciphertext followed by the 16-byte tag
};

class Token {
 public:
  explicit Token(const TokenConfig& config);
  ~Token();
  Token(const Token&) = delete;
  Token& operator=(const Token&) = delete;

  const TokenQuirks& quirks() const noexcept { return quirks_; }
  SessionPool& pool() noexcept { return pool_; }
  const CK_FUNCTION_LIST* functions() const noexcept { return module_.functions(); }

  // --- keys ---------------------------------------------------------------------------
  void generate_aes256(const KeyId& id, const SecretKeyOptions& options = {});
  void generate_generic_secret(const KeyId& id, std::size_t bits,
                               const SecretKeyOptions& options = {});
  void generate_rsa(const KeyId& id, std::size_t modulus_bits, Lifetime lifetime = Lifetime::kToken,
                    Extractability extractability = Extractability::kNever);
  void generate_ec(const KeyId& id, EcCurve curve, Lifetime lifetime = Lifetime::kToken,
                   Extractability extractability = Extractability::kNever);
  // Bring-your-own-key and test fixtures.
  void import_aes(const KeyId& id, std::span<const std::uint8_t> value,
                  const SecretKeyOptions& options = {});
  void import_generic_secret(const KeyId& id, std::span<const std::uint8_t> value,
                             const SecretKeyOptions& options = {});
  // A public key (RSA or EC) given as DER SubjectPublicKeyInfo, usable to verify and wrap.
  void import_public_key(const KeyId& id, std::span<const std::uint8_t> spki_der,
                         Lifetime lifetime = Lifetime::kToken);
  bool exists(const KeyId& id);
  // A session object copying the secret key `source` (same value and attributes, but
  // CKA_TOKEN=false) under `new_id`: sensitive and non-extractable as the original is.
  void copy_to_session(const KeyId& source, const KeyId& new_id);
  // Destroys every object with this CKA_ID (a key pair is two objects).
  void destroy(const KeyId& id);
  // The same for objects this Token made itself (their handles are known): no search, which
  // matters where SoftHSM holds thousands of session objects. Falls back to destroy() when
  // no handle is known.
  void destroy_made(const KeyId& id);
  // The CKA_ID of every key object on the token (for the reconciler; never on a hot path).
  std::vector<KeyId> list_key_ids();
  // DER SubjectPublicKeyInfo of the public half of an RSA or EC key.
  Bytes public_key_der(const KeyId& id);
  // CKA_VALUE of a key made with Extractability::kPlainForTests; refused for any other.
  SecretBytes read_plain_value(const KeyId& id);

  // --- AES-GCM --------------------------------------------------------------------------
  // A fresh 96-bit IV (host DRBG, or the token's own where the quirks say so).
  GcmCiphertext gcm_encrypt(const KeyId& id, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> plaintext);
  // With a caller's IV and tag length: only for test vectors, refused where the token makes IVs.
  Bytes gcm_encrypt_with_iv(const KeyId& id, std::span<const std::uint8_t> iv,
                            std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> plaintext, std::size_t tag_bytes = 16);
  // Throws InvalidCiphertextException when the tag does not verify.
  SecretBytes gcm_decrypt(const KeyId& id, std::span<const std::uint8_t> iv,
                          std::span<const std::uint8_t> aad,
                          std::span<const std::uint8_t> ciphertext, std::size_t tag_bytes = 16);

  // --- wrap ---------------------------------------------------------------------------
  Bytes wrap(const KeyId& wrapping_key, WrapMechanism mechanism, const KeyId& key_to_wrap,
             WrapTarget target = WrapTarget::kSecretKey, WrapReader reader = WrapReader::kAnyone);
  // `options` describe an unwrapped secret key; an unwrapped private key takes the lifetime
  // and extractability from them (its usage is fixed: private_key_template).
  void unwrap(const KeyId& unwrapping_key, WrapMechanism mechanism,
              std::span<const std::uint8_t> wrapped, const KeyId& new_id, UnwrappedKind kind,
              const SecretKeyOptions& options = {});

  // --- sign and verify ----------------------------------------------------------------
  // ECDSA signatures are DER (as AWS returns them); the token's raw r||s is converted.
  Bytes sign(const KeyId& id, const SignAlgorithm& algorithm, std::span<const std::uint8_t> input);
  // False for a signature that does not verify (including malformed DER); throws for
  // anything else that goes wrong.
  bool verify(const KeyId& id, const SignAlgorithm& algorithm, std::span<const std::uint8_t> input,
              std::span<const std::uint8_t> signature);

  // --- RSA-OAEP -----------------------------------------------------------------------
  Bytes rsa_oaep_encrypt(const KeyId& id, Digest digest, std::span<const std::uint8_t> plaintext);
  SecretBytes rsa_oaep_decrypt(const KeyId& id, Digest digest,
                               std::span<const std::uint8_t> ciphertext);

  // --- random -------------------------------------------------------------------------
  SecretBytes random(std::size_t size);
  void random_into(std::span<std::uint8_t> out);

  // Runs f(session) on a pooled session; retries once on a fresh session if the token
  // lost it and `repeatable` is true. Public so that benchmarks and extensions share it.
  template <class F>
  auto with_session(bool repeatable, F&& f) -> decltype(f(CK_SESSION_HANDLE{}));

  // Runs f(session, handle) for the object (class, id), refreshing a stale cached handle
  // once. Operations are repeatable by nature.
  template <class F>
  auto with_object(CK_OBJECT_CLASS object_class, const KeyId& id, F&& f)
      -> decltype(f(CK_SESSION_HANDLE{}, CK_OBJECT_HANDLE{}));

 private:
  CK_OBJECT_HANDLE find_object(CK_SESSION_HANDLE session, CK_OBJECT_CLASS object_class,
                               const KeyId& id);
  void generate_pair(const KeyId& id, CK_MECHANISM_TYPE mechanism, AttributeTemplate& pub,
                     AttributeTemplate& priv);
  void check_single_call_input(std::size_t size, const char* operation) const;

  Module module_;
  TokenQuirks quirks_;
  SessionPool pool_;
  HandleCache handles_;
};

template <class F>
auto Token::with_session(bool repeatable, F&& f) -> decltype(f(CK_SESSION_HANDLE{})) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire();
    try {
      return f(lease.handle());
    } catch (const Error& error) {
      if (!error.from_token()) throw;
      if (quirks_.device_error_means_busy && error.ckr() == CKR_DEVICE_ERROR) {
        // CloudHSM reports throttling this way: try once more, then tell the caller to back off.
        if (repeatable && attempt == 0) continue;
        throw Error(ErrorCode::kThrottling, std::string("token busy: ") + error.what(),
                    error.operation(), error.ckr());
      }
      if (!is_session_lost(error.ckr())) throw;
      lease.discard();
      if (!repeatable || attempt > 0) throw;
    }
  }
}

template <class F>
auto Token::with_object(CK_OBJECT_CLASS object_class, const KeyId& id, F&& f)
    -> decltype(f(CK_SESSION_HANDLE{}, CK_OBJECT_HANDLE{})) {
  return with_session(true, [&](CK_SESSION_HANDLE session) {
    for (int attempt = 0;; ++attempt) {
      CK_OBJECT_HANDLE handle = find_object(session, object_class, id);
      try {
        return f(session, handle);
      } catch (const Error& error) {
        if (!error.from_token() || !is_handle_stale(error.ckr()) || attempt > 0) throw;
        handles_.forget(object_class, id);
      }
    }
  });
}

}  // namespace coffer::pkcs11
