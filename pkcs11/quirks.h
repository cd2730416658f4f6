// How one kind of token differs from the PKCS#11 text. Every difference is a named field
// here, chosen by configuration, never an `if (vendor == ...)` elsewhere.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

struct TokenQuirks {
  std::string name;
  // The token makes the AES-GCM IV itself and writes it into pIv (pass a zeroed buffer).
  bool token_generates_gcm_iv = false;
  // The mechanism that performs RFC 5649 AES key wrap with padding.
  CK_MECHANISM_TYPE aes_key_wrap_pad = CKM_AES_KEY_WRAP_PAD;
  // The largest input one C_Encrypt/C_Decrypt/C_Sign call accepts (0: no limit).
  std::size_t max_single_call_input = 0;
  // Whether C_OpenSession accepts a Notify callback (we never need one; some reject it).
  bool accepts_notify_callback = true;
  // A GCM tag, OAEP padding or RFC 5649 integrity check that fails comes back as
  // CKR_GENERAL_ERROR instead of CKR_ENCRYPTED_DATA_INVALID / CKR_WRAPPED_KEY_INVALID
  // (SoftHSM 2.6).
  bool decrypt_failure_is_general_error = false;
  // RFC 5649 wrapping of a key whose length is not a multiple of 8 gives a wrong result
  // (SoftHSM 2.6 zero-pads before wrapping; its unwrap then returns the key followed by
  // zeros): such wraps are refused when a peer must unwrap them (WrapReader::kAnyone).
  bool kwp_wrap_needs_aligned_keys = false;
  // RSA-OAEP in the token only with SHA-1 (SoftHSM 2.6). Other digests run the RSA
  // primitive in the token (CKM_RSA_X_509) and the OAEP padding on the host.
  bool oaep_sha1_only = false;
  // The token reports throttling as CKR_DEVICE_ERROR (CloudHSM): worth one retry.
  bool device_error_means_busy = false;
  // Using a persistent object costs file I/O on every call (SoftHSM re-reads and locks the
  // object's file): keys used all day (the domain keys) are used through a session copy
  // (C_CopyObject with CKA_TOKEN=false), which stays sensitive and non-extractable.
  bool use_session_copies_of_token_keys = false;
};

// "softhsm" (also the default for unknown tokens: "generic") or "cloudhsm".
// Throws Validation for an unknown name.
TokenQuirks quirks_named(std::string_view name);

}  // namespace coffer::pkcs11
