// What kinds of keys the token layer makes, and the algorithms it runs with them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coffer::pkcs11 {

using Bytes = std::vector<std::uint8_t>;
// A key's CKA_ID. Coffer uses it as the object's identity and never scans by label.
using KeyId = std::string;

enum class EcCurve { kP256, kP384, kP521, kSecp256k1 };
enum class Digest { kSha1, kSha224, kSha256, kSha384, kSha512 };
std::size_t digest_size(Digest digest);

enum class Extractability {
  kNever,                // CKA_EXTRACTABLE=false: the usual case
  kUnderTrustedKeyOnly,  // CKA_EXTRACTABLE=true + CKA_WRAP_WITH_TRUSTED=true (multi-region keys)
  kPlainForTests,        // CKA_SENSITIVE=false, CKA_EXTRACTABLE=true: test fixtures only
  // CKA_SENSITIVE=true, CKA_EXTRACTABLE=true: a new key version's session object, which
  // leaves the token only wrapped (its value is never readable), then is destroyed.
  kWrappable,
};

enum class Lifetime { kToken, kSession };

struct SecretKeyOptions {
  Extractability extractability = Extractability::kNever;
  Lifetime lifetime = Lifetime::kToken;
  bool can_wrap = false;  // CKA_WRAP / CKA_UNWRAP: a key-encryption key
  bool can_crypt = true;  // CKA_ENCRYPT / CKA_DECRYPT
  std::string label;
};

enum class SignScheme { kEcdsa, kRsaPkcs1, kRsaPss, kHmac };

struct SignAlgorithm {
  SignScheme scheme;
  Digest digest;
  // True: the input is already a digest of `digest` (AWS MessageType DIGEST).
  bool prehashed = false;
  // RSA-PSS salt length; AWS and most peers use the digest length.
  std::size_t pss_salt_length = 0;  // 0 = digest length
};

enum class WrapMechanism { kAesKeyWrapPad, kRsaOaepSha1, kRsaOaepSha256 };

// What an unwrapped key becomes.
enum class UnwrappedKind { kAes, kGenericSecret, kRsaPrivate, kEcPrivate };

// Which half of a key C_WrapKey takes: a secret key, or the private half of a key pair.
enum class WrapTarget { kSecretKey, kPrivateKey };

// Who unwraps the result. kAnyone needs exact RFC 5649 (a peer's token unwraps it);
// kThisToken only needs the token to unwrap its own output, which SoftHSM's zero-padding
// of unaligned keys (TokenQuirks::kwp_wrap_needs_aligned_keys) does not break for HMAC keys
// (HMAC zero-pads short keys itself) or PKCS#8 private keys (DER says its own length).
enum class WrapReader { kAnyone, kThisToken };

}  // namespace coffer::pkcs11
