// PKCS#11 return values: their names, what they mean for a caller, and the one place
// that turns a failed call into coffer::Error.
#pragma once

#include <string_view>

#include "common/error.h"
#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

std::string_view ckr_name(CK_RV rv);

// The session is gone (closed, invalidated, device removed): reopen before retrying.
bool is_session_lost(CK_RV rv);
// A cached object handle no longer names an object: look it up again.
bool is_handle_stale(CK_RV rv);

ErrorCode error_code_for(CK_RV rv);

// Throws coffer::Error naming the operation and the CKR_ value unless rv is CKR_OK.
void require_ok(std::string_view operation, CK_RV rv);
[[noreturn]] void throw_ckr(std::string_view operation, CK_RV rv);

}  // namespace coffer::pkcs11
