// The rpc method names of coffer.v1 (docs/PROTOCOL.md, "Methods") and which of them a
// client may re-send after a lost connection.
#pragma once

#include <span>
#include <string_view>

namespace coffer::client::method {

inline constexpr std::string_view kCreateKey = "coffer.v1.Keys/CreateKey";
inline constexpr std::string_view kDescribeKey = "coffer.v1.Keys/DescribeKey";
inline constexpr std::string_view kListKeys = "coffer.v1.Keys/ListKeys";
inline constexpr std::string_view kEnableKey = "coffer.v1.Keys/EnableKey";
inline constexpr std::string_view kDisableKey = "coffer.v1.Keys/DisableKey";
inline constexpr std::string_view kScheduleKeyDeletion = "coffer.v1.Keys/ScheduleKeyDeletion";
inline constexpr std::string_view kCancelKeyDeletion = "coffer.v1.Keys/CancelKeyDeletion";
inline constexpr std::string_view kUpdateKeyDescription = "coffer.v1.Keys/UpdateKeyDescription";
inline constexpr std::string_view kEnableKeyRotation = "coffer.v1.Keys/EnableKeyRotation";
inline constexpr std::string_view kDisableKeyRotation = "coffer.v1.Keys/DisableKeyRotation";
inline constexpr std::string_view kGetKeyRotationStatus = "coffer.v1.Keys/GetKeyRotationStatus";
inline constexpr std::string_view kRotateKeyOnDemand = "coffer.v1.Keys/RotateKeyOnDemand";
inline constexpr std::string_view kListKeyRotations = "coffer.v1.Keys/ListKeyRotations";
inline constexpr std::string_view kCreateAlias = "coffer.v1.Keys/CreateAlias";
inline constexpr std::string_view kUpdateAlias = "coffer.v1.Keys/UpdateAlias";
inline constexpr std::string_view kDeleteAlias = "coffer.v1.Keys/DeleteAlias";
inline constexpr std::string_view kListAliases = "coffer.v1.Keys/ListAliases";
inline constexpr std::string_view kTagResource = "coffer.v1.Keys/TagResource";
inline constexpr std::string_view kUntagResource = "coffer.v1.Keys/UntagResource";
inline constexpr std::string_view kListResourceTags = "coffer.v1.Keys/ListResourceTags";

inline constexpr std::string_view kEncrypt = "coffer.v1.Crypto/Encrypt";
inline constexpr std::string_view kDecrypt = "coffer.v1.Crypto/Decrypt";
inline constexpr std::string_view kReEncrypt = "coffer.v1.Crypto/ReEncrypt";
inline constexpr std::string_view kGenerateDataKey = "coffer.v1.Crypto/GenerateDataKey";
inline constexpr std::string_view kGenerateDataKeyWithoutPlaintext =
    "coffer.v1.Crypto/GenerateDataKeyWithoutPlaintext";
inline constexpr std::string_view kGenerateRandom = "coffer.v1.Crypto/GenerateRandom";
inline constexpr std::string_view kSign = "coffer.v1.Crypto/Sign";
inline constexpr std::string_view kVerify = "coffer.v1.Crypto/Verify";
inline constexpr std::string_view kGetPublicKey = "coffer.v1.Crypto/GetPublicKey";
inline constexpr std::string_view kGenerateMac = "coffer.v1.Crypto/GenerateMac";
inline constexpr std::string_view kVerifyMac = "coffer.v1.Crypto/VerifyMac";
inline constexpr std::string_view kGenerateDataKeyPair = "coffer.v1.Crypto/GenerateDataKeyPair";
inline constexpr std::string_view kGenerateDataKeyPairWithoutPlaintext =
    "coffer.v1.Crypto/GenerateDataKeyPairWithoutPlaintext";

// Every method above, in the order of PROTOCOL.md.
std::span<const std::string_view> all();

// False for CreateKey and RotateKeyOnDemand: repeating one after a lost connection may
// create a second key or key version, so the client never re-sends them by itself.
bool is_idempotent(std::string_view method);

}  // namespace coffer::client::method
