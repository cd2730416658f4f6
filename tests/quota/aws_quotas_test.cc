// AWS's quota table: every operation counts against one quota, the cryptographic operations
// against the quota of their key's type, as AWS's "Request quotas" page lists them.
#include "core/api/aws_quotas.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace coffer::core::api {
namespace {

TEST(AwsQuotas, CryptographicOperationsShareTheQuotaOfTheirKeyType) {
  for (Operation op : {Operation::kEncrypt, Operation::kDecrypt, Operation::kReEncrypt,
                       Operation::kGenerateDataKey, Operation::kGenerateDataKeyWithoutPlaintext,
                       Operation::kGenerateRandom, Operation::kGenerateMac, Operation::kVerifyMac,
                       Operation::kSign, Operation::kVerify}) {
    EXPECT_TRUE(quota_of(op).by_key_type) << aws_name(op);
    EXPECT_EQ(quota_of(op).name, kSymmetricCryptoQuota) << aws_name(op);
  }
  EXPECT_EQ(crypto_quota_name(KeySpec::kSymmetricDefault), kSymmetricCryptoQuota);
  EXPECT_EQ(crypto_quota_name(KeySpec::kHmac256), kSymmetricCryptoQuota);
  EXPECT_EQ(crypto_quota_name(KeySpec::kRsa3072), kRsaCryptoQuota);
  EXPECT_EQ(crypto_quota_name(KeySpec::kEccNistP256), kEccCryptoQuota);
  EXPECT_EQ(crypto_quota_name(KeySpec::kEccSecgP256k1), kEccCryptoQuota);
  EXPECT_EQ(crypto_quota_name(std::nullopt), kSymmetricCryptoQuota);
}

TEST(AwsQuotas, ManagementOperationsHaveAwsDefaults) {
  EXPECT_EQ(quota_of(Operation::kCreateKey).name, "kms.CreateKey");
  EXPECT_EQ(quota_of(Operation::kCreateKey).aws_default, 5);
  EXPECT_EQ(quota_of(Operation::kScheduleKeyDeletion).aws_default, 5);
  EXPECT_EQ(quota_of(Operation::kDescribeKey).aws_default, 2000);
  EXPECT_FALSE(quota_of(Operation::kCreateKey).by_key_type);
  // Secrets Manager's "combined" quotas are one quota.
  EXPECT_EQ(quota_of(Operation::kGetSecretValue).name, quota_of(Operation::kDescribeSecret).name);
  EXPECT_EQ(quota_of(Operation::kGetSecretValue).aws_default, 10000);
}

TEST(AwsQuotas, EveryQuotaIsListedOnceAndEveryOperationsQuotaIsListed) {
  std::set<std::string_view> names;
  for (const auto& q : all_quotas()) {
    EXPECT_TRUE(names.insert(q.name).second) << q.name;
    EXPECT_GE(q.aws_default, 0) << q.name;
  }
  for (const auto& op : all_operations())
    EXPECT_TRUE(names.count(quota_of(op.operation).name)) << op.aws_name;
  for (auto name : {kSymmetricCryptoQuota, kRsaCryptoQuota, kEccCryptoQuota})
    EXPECT_TRUE(names.count(name)) << name;
  EXPECT_EQ(all_quotas()[0].aws_default, 10000);
}

}  // namespace
}  // namespace coffer::core::api
