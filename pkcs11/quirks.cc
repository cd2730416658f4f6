#include "pkcs11/quirks.h"

#include "common/error.h"

namespace coffer::pkcs11 {

TokenQuirks quirks_named(std::string_view name) {
  TokenQuirks quirks;
  quirks.name = std::string(name);
  if (name == "generic") return quirks;
  if (name == "softhsm") {
    quirks.decrypt_failure_is_general_error = true;
    quirks.kwp_wrap_needs_aligned_keys = true;
    quirks.oaep_sha1_only = true;
    quirks.use_session_copies_of_token_keys = true;
    return quirks;
  }
  if (name == "cloudhsm") {
    quirks.token_generates_gcm_iv = true;
    quirks.aes_key_wrap_pad = kCkmCloudHsmAesKeyWrapZeroPad;
    quirks.max_single_call_input = 16224;
    quirks.accepts_notify_callback = false;
    quirks.device_error_means_busy = true;
    return quirks;
  }
  throw Error(ErrorCode::kValidation, "unknown token quirks '" + std::string(name) +
                                          "' (known: softhsm, generic, cloudhsm)");
}

}  // namespace coffer::pkcs11
