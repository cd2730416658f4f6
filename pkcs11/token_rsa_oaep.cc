// RSA-OAEP encryption (public half) and decryption (private half) inside the token.
#include "pkcs11/mechanisms.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {
namespace {

CK_RSA_PKCS_OAEP_PARAMS oaep_params(Digest digest) {
  return {hash_mechanism(digest), mgf_for(digest), CKZ_DATA_SPECIFIED, nullptr, 0};
}

}  // namespace

Bytes Token::rsa_oaep_encrypt(const KeyId& id, Digest digest, std::span<const std::uint8_t> plaintext) {
  CK_RSA_PKCS_OAEP_PARAMS params = oaep_params(digest);
  CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
  return with_object(CKO_PUBLIC_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    P11_REQUIRE(functions(), C_EncryptInit, session, &mechanism, key);
    Bytes out(512);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    P11_REQUIRE(functions(), C_Encrypt, session, const_cast<std::uint8_t*>(plaintext.data()),
                static_cast<CK_ULONG>(plaintext.size()), out.data(), &size);
    out.resize(size);
    return out;
  });
}

SecretBytes Token::rsa_oaep_decrypt(const KeyId& id, Digest digest, std::span<const std::uint8_t> ciphertext) {
  CK_RSA_PKCS_OAEP_PARAMS params = oaep_params(digest);
  CK_MECHANISM mechanism{CKM_RSA_PKCS_OAEP, &params, sizeof params};
  return with_object(CKO_PRIVATE_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    P11_REQUIRE(functions(), C_DecryptInit, session, &mechanism, key);
    SecretBytes out(512);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    CK_RV rv = P11(functions(), C_Decrypt, session, const_cast<std::uint8_t*>(ciphertext.data()),
                   static_cast<CK_ULONG>(ciphertext.size()), out.data(), &size);
    if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE) {
      throw Error(ErrorCode::kInvalidCiphertext, "RSA-OAEP ciphertext does not decrypt", "C_Decrypt", rv);
    }
    require_ok("C_Decrypt", rv);
    out.resize(size);
    return out;
  });
}

}  // namespace coffer::pkcs11
