// The encryption context: a string map bound to a ciphertext as additional authenticated
// data. Its canonical encoding makes contexts that differ only in order the same.
#pragma once

#include <map>
#include <string>

#include "pkcs11/key_spec.h"

namespace coffer::core {

// std::map keeps keys in byte order, which is the canonical order.
using EncryptionContext = std::map<std::string, std::string>;
using Bytes = pkcs11::Bytes;

// u32 count, then for each pair in byte order of the key: u32 length, key, u32 length,
// value (big-endian lengths). Injective: no two contexts share an encoding.
void append_canonical(const EncryptionContext& context, pkcs11::Bytes& out);

// AWS limits: the whole context at most 8192 bytes of keys and values. Throws
// ValidationException naming `field`.
void validate_context(const EncryptionContext& context, const char* field);

}  // namespace coffer::core
