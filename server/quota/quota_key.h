// The key a request counts against, for the per-key limit and the key-type quotas: the key
// its KeyId names (DestinationKeyId for ReEncrypt, where the new ciphertext is made), or for
// a Decrypt that names none, the key in its ciphertext's header; as the service's in-memory
// cache knows it (no store, no token).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/api/operations.h"
#include "core/service/kms_service.h"

namespace coffer::server::quota {

// The member naming the key a request uses ("KeyId", "DestinationKeyId"), or empty.
std::string_view key_member(const core::api::OperationSpec& operation);

// `reference`: the value of key_member() (empty when absent); `ciphertext`: the request's
// CiphertextBlob, or its first bytes (at least 264), when it has one.
core::KmsService::KnownKey key_for_quotas(std::string_view reference,
                                          std::span<const std::uint8_t> ciphertext,
                                          const core::KmsService& kms);

}  // namespace coffer::server::quota
