// AES-256-GCM inside the token.
#include <openssl/rand.h>
#include <algorithm>

#include "pkcs11/input_pointer.h"
#include "pkcs11/token.h"

namespace coffer::pkcs11 {
namespace {

CK_GCM_PARAMS gcm_params(std::uint8_t* iv, std::size_t iv_size, std::span<const std::uint8_t> aad,
                         std::size_t tag_bytes) {
  CK_GCM_PARAMS params{};
  params.pIv = iv;
  params.ulIvLen = static_cast<CK_ULONG>(iv_size);
  params.ulIvBits = static_cast<CK_ULONG>(iv_size * 8);
  params.pAAD = const_cast<std::uint8_t*>(aad.data());
  params.ulAADLen = static_cast<CK_ULONG>(aad.size());
  params.ulTagBits = static_cast<CK_ULONG>(tag_bytes * 8);
  return params;
}

// NIST SP 800-38D allows IVs of 1 to 2^64 bits; tokens take far less. SoftHSM silently
// uses only part of a longer IV, so anything past 128 bytes is refused here.
void check_iv(std::size_t size) {
  if (size < 1 || size > 128) {
    throw Error(ErrorCode::kValidation,
                "AES-GCM IV of " + std::to_string(size) + " bytes: must be 1 to 128");
  }
}

}  // namespace

GcmCiphertext Token::gcm_encrypt(const KeyId& id, std::span<const std::uint8_t> aad,
                                 std::span<const std::uint8_t> plaintext) {
  check_single_call_input(plaintext.size(), "AES-GCM encrypt");
  GcmCiphertext out;
  out.ciphertext.resize(plaintext.size() + 16);
  with_object(CKO_SECRET_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    // Each attempt gets a new IV: an IV is never reused, even for a retry.
    if (quirks_.token_generates_gcm_iv) {
      out.iv.fill(0);
    } else if (RAND_bytes(out.iv.data(), static_cast<int>(out.iv.size())) != 1) {
      throw Error(ErrorCode::kInternal, "the host random generator failed");
    }
    CK_GCM_PARAMS params = gcm_params(out.iv.data(), out.iv.size(), aad, 16);
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    P11_REQUIRE(functions(), C_EncryptInit, session, &mechanism, key);
    CK_ULONG size = static_cast<CK_ULONG>(out.ciphertext.size());
    P11_REQUIRE(functions(), C_Encrypt, session, input_pointer(plaintext),
                static_cast<CK_ULONG>(plaintext.size()), out.ciphertext.data(), &size);
    // A token that should have chosen the IV but left it zero (a module that ignores the
    // mechanism's output IV, or a misconfigured quirk) encrypted under a fixed IV: every
    // such ciphertext would share it, which breaks GCM. Refuse the result.
    if (quirks_.token_generates_gcm_iv &&
        std::all_of(out.iv.begin(), out.iv.end(), [](std::uint8_t b) { return b == 0; })) {
      throw Error(ErrorCode::kInternal,
                  "the token did not generate a GCM IV (token_generates_gcm_iv)");
    }
    out.ciphertext.resize(size);
  });
  return out;
}

Bytes Token::gcm_encrypt_with_iv(const KeyId& id, std::span<const std::uint8_t> iv,
                                 std::span<const std::uint8_t> aad,
                                 std::span<const std::uint8_t> plaintext, std::size_t tag_bytes) {
  if (quirks_.token_generates_gcm_iv) {
    throw Error(ErrorCode::kUnsupportedOperation, "this token chooses GCM IVs itself");
  }
  check_single_call_input(plaintext.size(), "AES-GCM encrypt");
  check_iv(iv.size());
  Bytes iv_copy(iv.begin(), iv.end());
  Bytes out(plaintext.size() + tag_bytes);
  with_object(CKO_SECRET_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    CK_GCM_PARAMS params = gcm_params(iv_copy.data(), iv_copy.size(), aad, tag_bytes);
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    P11_REQUIRE(functions(), C_EncryptInit, session, &mechanism, key);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    P11_REQUIRE(functions(), C_Encrypt, session, input_pointer(plaintext),
                static_cast<CK_ULONG>(plaintext.size()), out.data(), &size);
    out.resize(size);
  });
  return out;
}

SecretBytes Token::gcm_decrypt(const KeyId& id, std::span<const std::uint8_t> iv,
                               std::span<const std::uint8_t> aad,
                               std::span<const std::uint8_t> ciphertext, std::size_t tag_bytes) {
  if (ciphertext.size() < tag_bytes) {
    throw Error(ErrorCode::kInvalidCiphertext, "ciphertext is shorter than its tag");
  }
  check_single_call_input(ciphertext.size(), "AES-GCM decrypt");
  check_iv(iv.size());
  Bytes iv_copy(iv.begin(), iv.end());
  // Some tokens write the whole input to the output buffer before checking the tag.
  SecretBytes out(ciphertext.size());
  with_object(CKO_SECRET_KEY, id, [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    CK_GCM_PARAMS params = gcm_params(iv_copy.data(), iv_copy.size(), aad, tag_bytes);
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    P11_REQUIRE(functions(), C_DecryptInit, session, &mechanism, key);
    CK_ULONG size = static_cast<CK_ULONG>(out.size());
    CK_RV rv = P11(functions(), C_Decrypt, session, const_cast<std::uint8_t*>(ciphertext.data()),
                   static_cast<CK_ULONG>(ciphertext.size()), out.data(), &size);
    if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
        (rv == CKR_GENERAL_ERROR && quirks_.decrypt_failure_is_general_error)) {
      throw Error(ErrorCode::kInvalidCiphertext, "ciphertext does not verify under the key",
                  "C_Decrypt", rv);
    }
    require_ok("C_Decrypt", rv);
    out.resize(size);
  });
  return out;
}

}  // namespace coffer::pkcs11
