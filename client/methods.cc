#include "client/methods.h"

#include <array>

namespace coffer::client::method {

std::span<const std::string_view> all() {
  static constexpr std::array kAll = {
      kCreateKey,
      kDescribeKey,
      kListKeys,
      kEnableKey,
      kDisableKey,
      kScheduleKeyDeletion,
      kCancelKeyDeletion,
      kUpdateKeyDescription,
      kEnableKeyRotation,
      kDisableKeyRotation,
      kGetKeyRotationStatus,
      kRotateKeyOnDemand,
      kListKeyRotations,
      kCreateAlias,
      kUpdateAlias,
      kDeleteAlias,
      kListAliases,
      kTagResource,
      kUntagResource,
      kListResourceTags,
      kEncrypt,
      kDecrypt,
      kReEncrypt,
      kGenerateDataKey,
      kGenerateDataKeyWithoutPlaintext,
      kGenerateRandom,
      kSign,
      kVerify,
      kGetPublicKey,
      kGenerateMac,
      kVerifyMac,
      kGenerateDataKeyPair,
      kGenerateDataKeyPairWithoutPlaintext,
  };
  return kAll;
}

bool is_idempotent(std::string_view method) {
  return method != kCreateKey && method != kRotateKeyOnDemand;
}

}  // namespace coffer::client::method
