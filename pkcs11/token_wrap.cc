// Key wrap (RFC 5649 AES-KWP, RSA-OAEP) inside the token.
#include "pkcs11/key_templates.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {
namespace {

struct WrapMechanismHolder {
  CK_RSA_PKCS_OAEP_PARAMS oaep{};
  CK_MECHANISM mechanism{};
};

// SoftHSM accepts RFC 5649 only with a NULL IV parameter.
void describe(const TokenQuirks& quirks, WrapMechanism which, WrapMechanismHolder& out) {
  switch (which) {
    case WrapMechanism::kAesKeyWrapPad:
      out.mechanism = {quirks.aes_key_wrap_pad, nullptr, 0};
      return;
    case WrapMechanism::kRsaOaepSha1:
    case WrapMechanism::kRsaOaepSha256: {
      Digest digest = which == WrapMechanism::kRsaOaepSha1 ? Digest::kSha1 : Digest::kSha256;
      out.oaep = {hash_mechanism(digest), mgf_for(digest), CKZ_DATA_SPECIFIED, nullptr, 0};
      out.mechanism = {CKM_RSA_PKCS_OAEP, &out.oaep, sizeof out.oaep};
      return;
    }
  }
}

CK_OBJECT_CLASS wrapping_class(WrapMechanism which) {
  return which == WrapMechanism::kAesKeyWrapPad ? CKO_SECRET_KEY : CKO_PUBLIC_KEY;
}
CK_OBJECT_CLASS unwrapping_class(WrapMechanism which) {
  return which == WrapMechanism::kAesKeyWrapPad ? CKO_SECRET_KEY : CKO_PRIVATE_KEY;
}

}  // namespace

Bytes Token::wrap(const KeyId& wrapping_key, WrapMechanism which, const KeyId& key_to_wrap,
                  WrapTarget target_kind, WrapReader reader) {
  WrapMechanismHolder holder;
  describe(quirks_, which, holder);
  return with_session(true, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE wrapping = find_object(session, wrapping_class(which), wrapping_key);
    const bool secret = target_kind == WrapTarget::kSecretKey;
    CK_OBJECT_HANDLE target =
        find_object(session, secret ? CKO_SECRET_KEY : CKO_PRIVATE_KEY, key_to_wrap);
    if (secret && reader == WrapReader::kAnyone && which == WrapMechanism::kAesKeyWrapPad &&
        quirks_.kwp_wrap_needs_aligned_keys) {
      CK_ULONG length = 0;
      CK_ATTRIBUTE value_len{CKA_VALUE_LEN, &length, sizeof length};
      P11_REQUIRE(functions(), C_GetAttributeValue, session, target, &value_len, 1);
      if (length % 8 != 0) {
        throw Error(ErrorCode::kUnsupportedOperation,
                    "this token cannot wrap a " + std::to_string(length) +
                        "-byte key with RFC 5649 correctly (only multiples of 8 bytes)");
      }
    }
    CK_ULONG size = 0;
    CK_RV rv =
        P11(functions(), C_WrapKey, session, &holder.mechanism, wrapping, target, nullptr, &size);
    // The key's own policy forbids this: it never leaves the token, or only under a key the
    // token marks trusted. A refusal the caller asked for, not a token failure.
    if (rv == CKR_KEY_UNEXTRACTABLE || rv == CKR_KEY_NOT_WRAPPABLE) {
      throw Error(ErrorCode::kInvalidKeyUsage,
                  "key '" + key_to_wrap + "' may not be wrapped by '" + wrapping_key + "'",
                  "C_WrapKey", rv);
    }
    require_ok("C_WrapKey", rv);
    Bytes wrapped(size);
    P11_REQUIRE(functions(), C_WrapKey, session, &holder.mechanism, wrapping, target,
                wrapped.data(), &size);
    wrapped.resize(size);
    return wrapped;
  });
}

void Token::unwrap(const KeyId& unwrapping_key, WrapMechanism which,
                   std::span<const std::uint8_t> wrapped, const KeyId& new_id, UnwrappedKind kind,
                   const SecretKeyOptions& options) {
  WrapMechanismHolder holder;
  describe(quirks_, which, holder);
  const bool private_key = kind == UnwrappedKind::kRsaPrivate || kind == UnwrappedKind::kEcPrivate;
  AttributeTemplate t =
      private_key ? private_key_template(kind == UnwrappedKind::kRsaPrivate ? CKK_RSA : CKK_EC,
                                         new_id, options.lifetime, options.extractability)
                  : secret_key_template(kind == UnwrappedKind::kAes ? CKK_AES : CKK_GENERIC_SECRET,
                                        new_id, options);
  with_session(false, [&](CK_SESSION_HANDLE session) {
    CK_OBJECT_HANDLE unwrapping = find_object(session, unwrapping_class(which), unwrapping_key);
    CK_OBJECT_HANDLE handle;
    CK_RV rv = P11(functions(), C_UnwrapKey, session, &holder.mechanism, unwrapping,
                   const_cast<std::uint8_t*>(wrapped.data()), static_cast<CK_ULONG>(wrapped.size()),
                   t.data(), t.size(), &handle);
    // SoftHSM reports a wrapped key whose integrity check fails as CKR_GENERAL_ERROR, as it
    // does for a GCM tag (the same quirk: its authenticated decryption has no other answer).
    const bool token_says_general_error = rv == CKR_GENERAL_ERROR &&
                                          which == WrapMechanism::kAesKeyWrapPad &&
                                          quirks_.decrypt_failure_is_general_error;
    if (rv == CKR_WRAPPED_KEY_INVALID || rv == CKR_WRAPPED_KEY_LEN_RANGE ||
        rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
        token_says_general_error) {
      throw Error(ErrorCode::kInvalidCiphertext, "wrapped key does not unwrap under the key",
                  "C_UnwrapKey", rv);
    }
    require_ok("C_UnwrapKey", rv);
    handles_.put(private_key ? CKO_PRIVATE_KEY : CKO_SECRET_KEY, new_id, handle);
  });
}

}  // namespace coffer::pkcs11
