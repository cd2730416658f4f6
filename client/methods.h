// The rpc method names of coffer.v1 (docs/PROTOCOL.md, "Methods") and which of them a
// client may re-send after a lost connection: both from core/api's operation table.
#pragma once

#include <span>
#include <string_view>

#include "core/api/operations.h"

namespace coffer::client::method {

using Op = core::api::Operation;
using core::api::rpc_method;

inline constexpr std::string_view kCreateKey = rpc_method(Op::kCreateKey);
inline constexpr std::string_view kDescribeKey = rpc_method(Op::kDescribeKey);
inline constexpr std::string_view kListKeys = rpc_method(Op::kListKeys);
inline constexpr std::string_view kEnableKey = rpc_method(Op::kEnableKey);
inline constexpr std::string_view kDisableKey = rpc_method(Op::kDisableKey);
inline constexpr std::string_view kScheduleKeyDeletion = rpc_method(Op::kScheduleKeyDeletion);
inline constexpr std::string_view kCancelKeyDeletion = rpc_method(Op::kCancelKeyDeletion);
inline constexpr std::string_view kUpdateKeyDescription = rpc_method(Op::kUpdateKeyDescription);
inline constexpr std::string_view kEnableKeyRotation = rpc_method(Op::kEnableKeyRotation);
inline constexpr std::string_view kDisableKeyRotation = rpc_method(Op::kDisableKeyRotation);
inline constexpr std::string_view kGetKeyRotationStatus = rpc_method(Op::kGetKeyRotationStatus);
inline constexpr std::string_view kRotateKeyOnDemand = rpc_method(Op::kRotateKeyOnDemand);
inline constexpr std::string_view kListKeyRotations = rpc_method(Op::kListKeyRotations);
inline constexpr std::string_view kCreateAlias = rpc_method(Op::kCreateAlias);
inline constexpr std::string_view kUpdateAlias = rpc_method(Op::kUpdateAlias);
inline constexpr std::string_view kDeleteAlias = rpc_method(Op::kDeleteAlias);
inline constexpr std::string_view kListAliases = rpc_method(Op::kListAliases);
inline constexpr std::string_view kTagResource = rpc_method(Op::kTagResource);
inline constexpr std::string_view kUntagResource = rpc_method(Op::kUntagResource);
inline constexpr std::string_view kListResourceTags = rpc_method(Op::kListResourceTags);

inline constexpr std::string_view kEncrypt = rpc_method(Op::kEncrypt);
inline constexpr std::string_view kDecrypt = rpc_method(Op::kDecrypt);
inline constexpr std::string_view kReEncrypt = rpc_method(Op::kReEncrypt);
inline constexpr std::string_view kGenerateDataKey = rpc_method(Op::kGenerateDataKey);
inline constexpr std::string_view kGenerateDataKeyWithoutPlaintext =
    rpc_method(Op::kGenerateDataKeyWithoutPlaintext);
inline constexpr std::string_view kGenerateRandom = rpc_method(Op::kGenerateRandom);
inline constexpr std::string_view kSign = rpc_method(Op::kSign);
inline constexpr std::string_view kVerify = rpc_method(Op::kVerify);
inline constexpr std::string_view kGetPublicKey = rpc_method(Op::kGetPublicKey);
inline constexpr std::string_view kGenerateMac = rpc_method(Op::kGenerateMac);
inline constexpr std::string_view kVerifyMac = rpc_method(Op::kVerifyMac);
inline constexpr std::string_view kGenerateDataKeyPair = rpc_method(Op::kGenerateDataKeyPair);
inline constexpr std::string_view kGenerateDataKeyPairWithoutPlaintext =
    rpc_method(Op::kGenerateDataKeyPairWithoutPlaintext);

// coffer.v1.Secrets (Secrets Manager).
inline constexpr std::string_view kCreateSecret = rpc_method(Op::kCreateSecret);
inline constexpr std::string_view kGetSecretValue = rpc_method(Op::kGetSecretValue);
inline constexpr std::string_view kBatchGetSecretValue = rpc_method(Op::kBatchGetSecretValue);
inline constexpr std::string_view kPutSecretValue = rpc_method(Op::kPutSecretValue);
inline constexpr std::string_view kUpdateSecret = rpc_method(Op::kUpdateSecret);
inline constexpr std::string_view kUpdateSecretVersionStage =
    rpc_method(Op::kUpdateSecretVersionStage);
inline constexpr std::string_view kDescribeSecret = rpc_method(Op::kDescribeSecret);
inline constexpr std::string_view kListSecrets = rpc_method(Op::kListSecrets);
inline constexpr std::string_view kListSecretVersionIds = rpc_method(Op::kListSecretVersionIds);
inline constexpr std::string_view kDeleteSecret = rpc_method(Op::kDeleteSecret);
inline constexpr std::string_view kRestoreSecret = rpc_method(Op::kRestoreSecret);
inline constexpr std::string_view kSecretsTagResource = rpc_method(Op::kSecretsTagResource);
inline constexpr std::string_view kSecretsUntagResource = rpc_method(Op::kSecretsUntagResource);
inline constexpr std::string_view kGetRandomPassword = rpc_method(Op::kGetRandomPassword);
inline constexpr std::string_view kRotateSecret = rpc_method(Op::kRotateSecret);
inline constexpr std::string_view kCancelRotateSecret = rpc_method(Op::kCancelRotateSecret);
inline constexpr std::string_view kPutResourcePolicy = rpc_method(Op::kPutResourcePolicy);
inline constexpr std::string_view kGetResourcePolicy = rpc_method(Op::kGetResourcePolicy);
inline constexpr std::string_view kDeleteResourcePolicy = rpc_method(Op::kDeleteResourcePolicy);
inline constexpr std::string_view kValidateResourcePolicy = rpc_method(Op::kValidateResourcePolicy);

// coffer.v1.Principals (identity policies, GetCallerIdentity).
inline constexpr std::string_view kPutPrincipalPolicy = rpc_method(Op::kPutPrincipalPolicy);
inline constexpr std::string_view kGetPrincipalPolicy = rpc_method(Op::kGetPrincipalPolicy);
inline constexpr std::string_view kDeletePrincipalPolicy = rpc_method(Op::kDeletePrincipalPolicy);
inline constexpr std::string_view kListPrincipalPolicies = rpc_method(Op::kListPrincipalPolicies);
inline constexpr std::string_view kGetCallerIdentity = rpc_method(Op::kGetCallerIdentity);
inline constexpr std::string_view kListServiceQuotas = rpc_method(Op::kListServiceQuotas);

// Every rpc method of the table, in its order.
std::span<const std::string_view> all();

// The table's idempotent column: false for CreateKey and RotateKeyOnDemand, whose repetition
// after a lost connection may create a second key or key version, so the client never
// re-sends them by itself. False for a method the table does not know.
bool is_idempotent(std::string_view method);

}  // namespace coffer::client::method
