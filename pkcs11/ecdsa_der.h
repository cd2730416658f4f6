// ECDSA signatures: PKCS#11 speaks raw r||s, AWS and X.509 speak DER.
#pragma once

#include <optional>
#include <span>

#include "pkcs11/key_spec.h"

namespace coffer::pkcs11 {

Bytes ecdsa_raw_to_der(std::span<const std::uint8_t> raw);
// Strict DER only (BER variants are rejected, as Wycheproof demands); nullopt when the
// input is malformed or r or s do not fit the field.
std::optional<Bytes> ecdsa_der_to_raw(std::span<const std::uint8_t> der, std::size_t field_bytes);

}  // namespace coffer::pkcs11
