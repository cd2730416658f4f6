// What one message is encrypted with: a data key, that data key sealed under each of the
// caller's Coffer keys (one per region, so any one of them opens the message), and the
// encryption context they are all bound to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/envelope/chunked_keys.h"
#include "core/envelope/data_key_service.h"
#include "core/envelope/stream_header.h"

namespace coffer::core::envelope {

struct EncryptionMaterials {
  SecretBytes data_key;
  std::vector<Bytes> encrypted_keys;  // in the order of the key ids asked for
  EncryptionContext context;
};

// GenerateDataKey under keys[0], then Encrypt of the same data key under each other key.
EncryptionMaterials make_encryption_materials(DataKeyService& service,
                                              const std::vector<std::string>& keys,
                                              const EncryptionContext& context);

// The data key of a parsed header: tries each encrypted key in order (under one of
// `allowed_keys` only, if any are given) and returns the first that decrypts. Throws the
// last error when none does.
SecretBytes decrypt_data_key(DataKeyService& service, const HeaderFields& header,
                             const std::vector<std::string>& allowed_keys = {});

// Throws InvalidCiphertextException unless every pair of `required` is in `actual`: the
// header carries the context, and a caller that expects one must not accept another.
void require_context(const EncryptionContext& actual, const EncryptionContext& required);

}  // namespace coffer::core::envelope
