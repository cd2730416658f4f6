// A data pointer for a token call that is never NULL. SoftHSM answers CKR_ARGUMENTS_BAD to
// a NULL pData even when the length is 0 (an empty message) and leaves the operation
// active, so the session would refuse everything after it.
#pragma once

#include <cstdint>
#include <span>

#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

inline CK_BYTE_PTR input_pointer(std::span<const std::uint8_t> input) {
  static std::uint8_t nothing = 0;
  return input.empty() ? &nothing : const_cast<std::uint8_t*>(input.data());
}

}  // namespace coffer::pkcs11
