// RSA-OAEP encryption (public half) and decryption (private half) inside the token.
#include "pkcs11/input_pointer.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/oaep_host.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {
namespace {

CK_RSA_PKCS_OAEP_PARAMS oaep_params(Digest digest) {
  return {hash_mechanism(digest), mgf_for(digest), CKZ_DATA_SPECIFIED, nullptr, 0};
}

}  // namespace

Bytes Token::rsa_oaep_encrypt(const KeyId& id, Digest digest,
                              std::span<const std::uint8_t> plaintext) {
  if (quirks_.oaep_sha1_only && digest != Digest::kSha1) {
    return oaep_encrypt_on_host(public_key_der(id), digest, plaintext);
  }
  CK_RSA_PKCS_OAEP_PARAMS params = oaep_params(digest);
  CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
  return with_object(CKO_PUBLIC_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    P11_REQUIRE(functions(), C_EncryptInit, session, &mechanism, key);
    Bytes out(512);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    P11_REQUIRE(functions(), C_Encrypt, session, input_pointer(plaintext),
                static_cast<CK_ULONG>(plaintext.size()), out.data(), &size);
    out.resize(size);
    return out;
  });
}

SecretBytes Token::rsa_oaep_decrypt(const KeyId& id, Digest digest,
                                    std::span<const std::uint8_t> ciphertext) {
  const bool raw_rsa = quirks_.oaep_sha1_only && digest != Digest::kSha1;
  CK_RSA_PKCS_OAEP_PARAMS params = oaep_params(digest);
  CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
  if (raw_rsa) mechanism = {CKM_RSA_X_509, nullptr, 0};
  return with_object(CKO_PRIVATE_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    // A ciphertext is exactly as long as the modulus (RFC 8017 7.1.2 step 1). Checked here
    // because SoftHSM refuses other lengths without ending the decrypt operation.
    CK_ATTRIBUTE modulus{CKA_MODULUS, nullptr, 0};
    P11_REQUIRE(functions(), C_GetAttributeValue, session, key, &modulus, 1);
    if (ciphertext.size() != modulus.ulValueLen) {
      throw Error(ErrorCode::kInvalidCiphertext, "RSA-OAEP ciphertext of " +
                                                     std::to_string(ciphertext.size()) +
                                                     " bytes does not match the key's modulus");
    }
    P11_REQUIRE(functions(), C_DecryptInit, session, &mechanism, key);
    SecretBytes out(512);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    CK_RV rv = P11(functions(), C_Decrypt, session, const_cast<std::uint8_t*>(ciphertext.data()),
                   static_cast<CK_ULONG>(ciphertext.size()), out.data(), &size);
    // SoftHSM answers a ciphertext whose OAEP padding does not check with CKR_GENERAL_ERROR,
    // as it does a GCM tag that does not verify (the same quirk).
    if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
        (rv == CKR_GENERAL_ERROR && quirks_.decrypt_failure_is_general_error)) {
      throw Error(ErrorCode::kInvalidCiphertext, "RSA-OAEP ciphertext does not decrypt",
                  "C_Decrypt", rv);
    }
    require_ok("C_Decrypt", rv);
    out.resize(size);
    if (!raw_rsa) return out;
    // Raw RSA drops leading zero bytes on some tokens: decode the full modulus-length block.
    if (out.size() > modulus.ulValueLen)
      throw Error(ErrorCode::kInternal, "raw RSA result longer than the modulus");
    SecretBytes block(modulus.ulValueLen);
    std::copy(out.data(), out.data() + out.size(), block.data() + (block.size() - out.size()));
    auto decoded = oaep_decode(block.span(), digest);
    if (!decoded)
      throw Error(ErrorCode::kInvalidCiphertext, "RSA-OAEP ciphertext does not decrypt");
    return std::move(*decoded);
  });
}

}  // namespace coffer::pkcs11
