// DER SubjectPublicKeyInfo <-> the attributes a token keeps for RSA and EC public keys.
#pragma once

#include <span>
#include <variant>

#include "pkcs11/key_spec.h"

namespace coffer::pkcs11 {

struct RsaPublicParts {
  Bytes modulus;  // big-endian, no leading zeros
  Bytes exponent;
};
struct EcPublicParts {
  Bytes params_der;  // the curve OID, DER
  Bytes point;       // uncompressed point 04||X||Y (not DER-wrapped)
};
using PublicParts = std::variant<RsaPublicParts, EcPublicParts>;

Bytes rsa_spki_der(std::span<const std::uint8_t> modulus, std::span<const std::uint8_t> exponent);
Bytes ec_spki_der(std::span<const std::uint8_t> params_der, std::span<const std::uint8_t> point);
// Throws ValidationException for anything but a well-formed RSA or EC (named curve) SPKI.
PublicParts parse_spki(std::span<const std::uint8_t> der);

// CKA_EC_POINT holds the point inside a DER OCTET STRING.
Bytes der_octet_string(std::span<const std::uint8_t> content);
// Returns the content of a DER OCTET STRING, or the input unchanged if it is not one
// (some tokens store the bare point).
Bytes strip_der_octet_string(std::span<const std::uint8_t> der);
// Bytes of one coordinate (and of r and s) for the curve named by a DER OID.
std::size_t ec_field_bytes(std::span<const std::uint8_t> params_der);

}  // namespace coffer::pkcs11
