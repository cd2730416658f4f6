#include "core/api/aws_quotas.h"

#include <array>
#include <cstddef>

namespace coffer::core::api {
namespace {

struct Row {
  Operation operation;
  OperationQuota quota;
};

constexpr OperationQuota kCrypto{kSymmetricCryptoQuota, 10000, true};
// AWS's defaults in regions without a higher one; mutations of one kind share a quota where
// AWS says "combined".
constexpr Row kRows[] = {
    {Operation::kEncrypt, kCrypto},
    {Operation::kDecrypt, kCrypto},
    {Operation::kReEncrypt, kCrypto},
    {Operation::kGenerateDataKey, kCrypto},
    {Operation::kGenerateDataKeyWithoutPlaintext, kCrypto},
    {Operation::kGenerateDataKeyPair, kCrypto},
    {Operation::kGenerateDataKeyPairWithoutPlaintext, kCrypto},
    {Operation::kGenerateRandom, kCrypto},
    {Operation::kGenerateMac, kCrypto},
    {Operation::kVerifyMac, kCrypto},
    {Operation::kSign, kCrypto},
    {Operation::kVerify, kCrypto},
    {Operation::kGetPublicKey, {"kms.GetPublicKey", 2000, false}},
    {Operation::kCreateKey, {"kms.CreateKey", 5, false}},
    {Operation::kDescribeKey, {"kms.DescribeKey", 2000, false}},
    {Operation::kListKeys, {"kms.ListKeys", 500, false}},
    {Operation::kEnableKey, {"kms.EnableKey", 5, false}},
    {Operation::kDisableKey, {"kms.DisableKey", 5, false}},
    {Operation::kScheduleKeyDeletion, {"kms.ScheduleKeyDeletion", 5, false}},
    {Operation::kCancelKeyDeletion, {"kms.CancelKeyDeletion", 5, false}},
    {Operation::kUpdateKeyDescription, {"kms.UpdateKeyDescription", 5, false}},
    {Operation::kGetKeyPolicy, {"kms.GetKeyPolicy", 1000, false}},
    {Operation::kPutKeyPolicy, {"kms.PutKeyPolicy", 5, false}},
    {Operation::kListKeyPolicies, {"kms.ListKeyPolicies", 100, false}},
    {Operation::kEnableKeyRotation, {"kms.EnableKeyRotation", 5, false}},
    {Operation::kDisableKeyRotation, {"kms.DisableKeyRotation", 5, false}},
    {Operation::kGetKeyRotationStatus, {"kms.GetKeyRotationStatus", 1000, false}},
    {Operation::kRotateKeyOnDemand, {"kms.RotateKeyOnDemand", 5, false}},
    {Operation::kListKeyRotations, {"kms.ListKeyRotations", 100, false}},
    {Operation::kCreateAlias, {"kms.CreateAlias", 5, false}},
    {Operation::kUpdateAlias, {"kms.UpdateAlias", 5, false}},
    {Operation::kDeleteAlias, {"kms.DeleteAlias", 5, false}},
    {Operation::kListAliases, {"kms.ListAliases", 100, false}},
    {Operation::kTagResource, {"kms.TagResource", 10, false}},
    {Operation::kUntagResource, {"kms.UntagResource", 5, false}},
    {Operation::kListResourceTags, {"kms.ListResourceTags", 100, false}},
    {Operation::kCreateGrant, {"kms.CreateGrant", 50, false}},
    {Operation::kListGrants, {"kms.ListGrants", 100, false}},
    {Operation::kListRetirableGrants, {"kms.ListRetirableGrants", 100, false}},
    {Operation::kRetireGrant, {"kms.RetireGrant", 30, false}},
    {Operation::kRevokeGrant, {"kms.RevokeGrant", 30, false}},
    {Operation::kGetSecretValue, {"secretsmanager.GetSecretValue+DescribeSecret", 10000, false}},
    {Operation::kDescribeSecret, {"secretsmanager.GetSecretValue+DescribeSecret", 10000, false}},
    {Operation::kBatchGetSecretValue, {"secretsmanager.BatchGetSecretValue", 100, false}},
    {Operation::kCreateSecret, {"secretsmanager.CreateSecret", 50, false}},
    {Operation::kPutSecretValue, {"secretsmanager.PutSecretValue+UpdateSecret", 50, false}},
    {Operation::kUpdateSecret, {"secretsmanager.PutSecretValue+UpdateSecret", 50, false}},
    {Operation::kUpdateSecretVersionStage,
     {"secretsmanager.PutSecretValue+UpdateSecret", 50, false}},
    {Operation::kDeleteSecret, {"secretsmanager.DeleteSecret+RestoreSecret", 50, false}},
    {Operation::kRestoreSecret, {"secretsmanager.DeleteSecret+RestoreSecret", 50, false}},
    {Operation::kListSecrets, {"secretsmanager.ListSecrets", 100, false}},
    {Operation::kListSecretVersionIds, {"secretsmanager.ListSecretVersionIds", 50, false}},
    {Operation::kSecretsTagResource, {"secretsmanager.TagResource+UntagResource", 50, false}},
    {Operation::kSecretsUntagResource, {"secretsmanager.TagResource+UntagResource", 50, false}},
    {Operation::kGetRandomPassword, {"secretsmanager.GetRandomPassword", 50, false}},
    {Operation::kRotateSecret, {"secretsmanager.RotateSecret+CancelRotateSecret", 50, false}},
    {Operation::kCancelRotateSecret, {"secretsmanager.RotateSecret+CancelRotateSecret", 50, false}},
    {Operation::kPutResourcePolicy, {"secretsmanager.ResourcePolicy", 50, false}},
    {Operation::kGetResourcePolicy, {"secretsmanager.ResourcePolicy", 50, false}},
    {Operation::kDeleteResourcePolicy, {"secretsmanager.ResourcePolicy", 50, false}},
    {Operation::kValidateResourcePolicy, {"secretsmanager.ResourcePolicy", 50, false}},
    // IAM and STS publish no per-second rate for these: none by default.
    {Operation::kPutPrincipalPolicy, {"iam.PrincipalPolicies", 0, false}},
    {Operation::kGetPrincipalPolicy, {"iam.PrincipalPolicies", 0, false}},
    {Operation::kDeletePrincipalPolicy, {"iam.PrincipalPolicies", 0, false}},
    {Operation::kListPrincipalPolicies, {"iam.PrincipalPolicies", 0, false}},
    {Operation::kGetCallerIdentity, {"sts.GetCallerIdentity", 0, false}},
    {Operation::kListServiceQuotas, {"servicequotas.ListServiceQuotas", 0, false}},
};

constexpr std::array<OperationQuota, kOperationCount> kByOperation = [] {
  std::array<OperationQuota, kOperationCount> table{};
  for (const auto& row : kRows) table[static_cast<std::size_t>(row.operation)] = row.quota;
  return table;
}();

constexpr bool every_operation_has_one_quota() {
  std::array<int, kOperationCount> seen{};
  for (const auto& row : kRows) ++seen[static_cast<std::size_t>(row.operation)];
  for (int count : seen)
    if (count != 1) return false;
  return true;
}
static_assert(every_operation_has_one_quota(), "every operation needs exactly one quota row");

constexpr std::size_t kDistinctQuotas = [] {
  std::size_t distinct = 2;  // RSA and ECC are named by no row
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    bool first = true;
    for (std::size_t j = 0; j < i; ++j)
      if (kRows[j].quota.name == kRows[i].quota.name) first = false;
    if (first) ++distinct;
  }
  return distinct;
}();

constexpr std::array<NamedQuota, kDistinctQuotas> kAllQuotas = [] {
  std::array<NamedQuota, kDistinctQuotas> all{};
  std::size_t n = 0;
  all[n++] = {kSymmetricCryptoQuota, 10000};
  all[n++] = {kRsaCryptoQuota, 1000};
  all[n++] = {kEccCryptoQuota, 750};
  for (const auto& row : kRows) {
    bool seen = false;
    for (std::size_t j = 0; j < n; ++j)
      if (all[j].name == row.quota.name) seen = true;
    if (!seen) all[n++] = {row.quota.name, row.quota.aws_default};
  }
  return all;
}();

}  // namespace

const OperationQuota& quota_of(Operation operation) {
  return kByOperation[static_cast<std::size_t>(operation)];
}

std::string_view crypto_quota_name(std::optional<KeySpec> spec) {
  if (spec && is_rsa(*spec)) return kRsaCryptoQuota;
  if (spec && is_ecc(*spec)) return kEccCryptoQuota;
  return kSymmetricCryptoQuota;  // symmetric and HMAC keys, and none
}

std::span<const NamedQuota> all_quotas() { return kAllQuotas; }

}  // namespace coffer::core::api
