#include "pkcs11/token_init.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "pkcs11/module.h"

namespace coffer::pkcs11 {
namespace {

CK_UTF8CHAR_PTR pin_pointer(std::string_view pin) {
  return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data()));
}

}  // namespace

void initialize_free_token(const std::string& module_path, std::string_view label,
                           std::string_view so_pin, std::string_view user_pin) {
  Module module(module_path);
  const auto* f = module.functions();
  CK_ULONG count = 0;
  P11_REQUIRE(f, C_GetSlotList, CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  P11_REQUIRE(f, C_GetSlotList, CK_TRUE, slots.data(), &count);
  slots.resize(count);
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (P11(f, C_GetTokenInfo, slot, &info) != CKR_OK || (info.flags & CKF_TOKEN_INITIALIZED))
      continue;
    // The label is 32 bytes, blank-padded, not terminated.
    CK_UTF8CHAR padded[32];
    std::memset(padded, ' ', sizeof padded);
    std::memcpy(padded, label.data(), std::min(label.size(), sizeof padded));
    P11_REQUIRE(f, C_InitToken, slot, pin_pointer(so_pin), static_cast<CK_ULONG>(so_pin.size()),
                padded);
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    P11_REQUIRE(f, C_OpenSession, slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                &session);
    try {
      P11_REQUIRE(f, C_Login, session, CKU_SO, pin_pointer(so_pin),
                  static_cast<CK_ULONG>(so_pin.size()));
      P11_REQUIRE(f, C_InitPIN, session, pin_pointer(user_pin),
                  static_cast<CK_ULONG>(user_pin.size()));
      P11(f, C_Logout, session);
    } catch (...) {
      P11(f, C_CloseSession, session);
      throw;
    }
    P11(f, C_CloseSession, session);
    return;
  }
  throw Error(ErrorCode::kValidation, "no slot of " + module_path + " has an uninitialised token");
}

}  // namespace coffer::pkcs11
