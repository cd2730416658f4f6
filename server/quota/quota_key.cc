#include "server/quota/quota_key.h"

#include "core/format/ciphertext_format.h"

namespace coffer::server::quota {

std::string_view key_member(const core::api::OperationSpec& operation) {
  if (operation.member("DestinationKeyId")) return "DestinationKeyId";
  if (operation.member("KeyId")) return "KeyId";
  return {};
}

core::KmsService::KnownKey key_for_quotas(std::string_view reference,
                                          std::span<const std::uint8_t> ciphertext,
                                          const core::KmsService& kms) {
  if (reference.empty()) reference = core::key_id_in_header(ciphertext);
  if (reference.empty()) return {};
  return kms.known_key(reference);
}

}  // namespace coffer::server::quota
