// Request quotas as AWS applies them, plus the per-principal and per-key limits: who is
// refused, by which quota, and that a refused request takes nothing from anyone else.
#include "server/quota/request_quotas.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace coffer::server::quota {
namespace {

using core::KeySpec;
using core::api::Operation;
using Clock = RequestQuotas::Clock;

QuotaSettings settings(const std::string& text) { return parse_quota_settings(text, "test"); }

QuotaRequest request(Operation op, std::string_view principal = "user/a",
                     std::string_view key_id = "", std::optional<KeySpec> spec = std::nullopt) {
  return {"us-east-1", op, principal, key_id, spec};
}

// How many of `n` requests at one instant are admitted.
int admitted(RequestQuotas& quotas, const QuotaRequest& r, int n, Clock::time_point at) {
  int passed = 0;
  for (int i = 0; i < n; ++i) passed += quotas.admit(r, at).empty() ? 1 : 0;
  return passed;
}

const Clock::time_point kT0 = Clock::time_point(std::chrono::hours(1));

TEST(RequestQuotas, WithoutAQuotasFileNothingIsLimited) {
  RequestQuotas quotas;
  EXPECT_FALSE(quotas.enforced());
  EXPECT_EQ(admitted(quotas, request(Operation::kCreateKey), 1000, kT0), 1000);
  EXPECT_TRUE(quotas.report().regions.empty());
}

TEST(RequestQuotas, CryptographicOperationsShareTheQuotaOfTheirKeyType) {
  RequestQuotas quotas(settings(
      "kms.cryptographic.symmetric = 10\nkms.cryptographic.rsa = 3\nkms.cryptographic.ecc = 2\n"));
  // Encrypt, Decrypt and GenerateDataKey draw on one bucket of 10.
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt), 4, kT0), 4);
  EXPECT_EQ(admitted(quotas, request(Operation::kDecrypt), 4, kT0), 4);
  EXPECT_EQ(admitted(quotas, request(Operation::kGenerateDataKey), 4, kT0), 2);
  EXPECT_EQ(quotas.admit(request(Operation::kEncrypt), kT0), "kms.cryptographic.symmetric");
  // RSA and ECC keys have their own.
  EXPECT_EQ(admitted(quotas, request(Operation::kSign, "user/a", "k", KeySpec::kRsa2048), 5, kT0),
            3);
  EXPECT_EQ(quotas.admit(request(Operation::kDecrypt, "user/a", "k", KeySpec::kRsa4096), kT0),
            "kms.cryptographic.rsa");
  EXPECT_EQ(
      admitted(quotas, request(Operation::kVerify, "user/a", "k", KeySpec::kEccNistP384), 5, kT0),
      2);
  // HMAC keys count as symmetric, as AWS counts GenerateMac.
  EXPECT_EQ(quotas.admit(request(Operation::kGenerateMac, "user/a", "k", KeySpec::kHmac256), kT0),
            "kms.cryptographic.symmetric");
  // A second later the buckets are full again.
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt), 20, kT0 + std::chrono::seconds(1)), 10);
}

TEST(RequestQuotas, ManagementOperationsHaveTheirOwnBuckets) {
  RequestQuotas quotas(settings("defaults = aws\n"));
  EXPECT_EQ(admitted(quotas, request(Operation::kCreateKey), 10, kT0), 5);
  EXPECT_EQ(quotas.admit(request(Operation::kCreateKey), kT0), "kms.CreateKey");
  // CreateKey being exhausted throttles neither Encrypt nor ScheduleKeyDeletion.
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt), 100, kT0), 100);
  EXPECT_EQ(admitted(quotas, request(Operation::kScheduleKeyDeletion), 10, kT0), 5);
  // 200 ms later one more CreateKey fits (5/s).
  EXPECT_EQ(
      admitted(quotas, request(Operation::kCreateKey), 10, kT0 + std::chrono::milliseconds(200)),
      1);
}

TEST(RequestQuotas, ANoisyPrincipalIsLimitedWithoutTakingFromOthers) {
  RequestQuotas quotas(settings(
      "kms.cryptographic.symmetric = 100\nprincipal.default = 50\nprincipal.role/noisy = 10\n"));
  const auto noisy = request(Operation::kEncrypt, "role/noisy");
  EXPECT_EQ(admitted(quotas, noisy, 1000, kT0), 10);
  EXPECT_EQ(quotas.admit(noisy, kT0), "principal");
  // The noisy principal's 990 refusals took nothing from the shared bucket: the others still
  // get their own limit (50 each) until the shared 100 are used.
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt, "user/a"), 100, kT0), 50);
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt, "user/b"), 100, kT0), 40);
  EXPECT_EQ(quotas.admit(request(Operation::kEncrypt, "user/c"), kT0),
            "kms.cryptographic.symmetric");
}

TEST(RequestQuotas, PerKeyLimits) {
  RequestQuotas quotas(settings("key.default = 5\nkey.hot = 2\n"));
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt, "user/a", "hot"), 10, kT0), 2);
  EXPECT_EQ(quotas.admit(request(Operation::kDecrypt, "user/b", "hot"), kT0), "key");
  EXPECT_EQ(admitted(quotas, request(Operation::kEncrypt, "user/a", "cold"), 10, kT0), 5);
  // Requests naming no key are not limited per key.
  EXPECT_EQ(admitted(quotas, request(Operation::kGenerateRandom), 10, kT0), 10);
}

TEST(RequestQuotas, RegionsHaveTheirOwnBuckets) {
  RequestQuotas quotas(settings("kms.CreateKey = 1\n"));
  QuotaRequest east = request(Operation::kCreateKey);
  QuotaRequest west = east;
  west.region = "us-west-2";
  EXPECT_EQ(admitted(quotas, east, 3, kT0), 1);
  EXPECT_EQ(admitted(quotas, west, 3, kT0), 1);
}

TEST(RequestQuotas, EnforceThrowsThrottlingException) {
  RequestQuotas quotas(settings("kms.CreateKey = 1\n"));
  quotas.enforce(request(Operation::kCreateKey));
  try {
    quotas.enforce(request(Operation::kCreateKey));
    FAIL() << "not throttled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kThrottling);
    EXPECT_STREQ(e.what(), "Rate exceeded");
  }
}

TEST(RequestQuotas, ReloadTakesEffectAtOnceWithFullBuckets) {
  RequestQuotas quotas(settings("kms.CreateKey = 1\n"));
  quotas.track_region("us-east-1");
  EXPECT_EQ(admitted(quotas, request(Operation::kCreateKey), 5, kT0), 1);
  quotas.reload(settings("kms.CreateKey = 3\n"));
  EXPECT_EQ(admitted(quotas, request(Operation::kCreateKey), 5, kT0), 3);
  quotas.reload({});  // no file: nothing limited
  EXPECT_EQ(admitted(quotas, request(Operation::kCreateKey), 50, kT0), 50);
}

TEST(RequestQuotas, ObserverAndReportCountWhatWasRefused) {
  RequestQuotas quotas(settings("kms.CreateKey = 2\nprincipal.role/x = 1\n"));
  std::vector<std::string> seen;
  quotas.set_observer([&seen](const QuotaRequest& r, std::string_view quota) {
    seen.push_back(std::string(core::api::aws_name(r.operation)) + " " + std::string(quota) + " " +
                   std::string(to_string(principal_class(r.principal))));
  });
  admitted(quotas, request(Operation::kCreateKey, "admin"), 3, kT0);
  admitted(quotas, request(Operation::kEncrypt, "role/x"), 2, kT0);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"CreateKey kms.CreateKey root", "Encrypt principal role"}));
  const auto report = quotas.report(kT0);
  ASSERT_EQ(report.regions.size(), 1u);
  EXPECT_TRUE(report.enforced);
  EXPECT_EQ(report.principals.at("role/x"), 1);
  for (const auto& q : report.regions[0].quotas) {
    if (q.name != "kms.CreateKey") continue;
    EXPECT_EQ(q.rate, 2);
    EXPECT_EQ(q.burst, 2);
    EXPECT_EQ(q.admitted, 2u);
    EXPECT_EQ(q.throttled, 1u);
    EXPECT_EQ(q.current_rate, 0);  // the current second is not over
  }
  const auto later = quotas.report(kT0 + std::chrono::seconds(1));
  for (const auto& q : later.regions[0].quotas) {
    if (q.name == "kms.CreateKey") {
      EXPECT_EQ(q.current_rate, 2);
    }
  }
}

TEST(RequestQuotas, KeysAPeerNamesCannotGrowMemoryWithoutBound) {
  RequestQuotas quotas(settings("key.default = 1\n"));
  const auto n = RequestQuotas::kMaxTrackedPerRegion + 1000;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    quotas.admit(request(Operation::kEncrypt, "user/a", key), kT0);
  }
  EXPECT_LE(quotas.report(kT0).regions[0].keys_tracked, RequestQuotas::kMaxTrackedPerRegion);
}

TEST(PrincipalClass, AsCoreReadsPrincipals) {
  EXPECT_EQ(principal_class("admin"), PrincipalClass::kRoot);
  EXPECT_EQ(principal_class("root"), PrincipalClass::kRoot);
  EXPECT_EQ(principal_class("arn:aws:iam::111122223333:root"), PrincipalClass::kRoot);
  EXPECT_EQ(principal_class("user/alice"), PrincipalClass::kUser);
  EXPECT_EQ(principal_class("arn:aws:iam::111122223333:user/alice"), PrincipalClass::kUser);
  EXPECT_EQ(principal_class("role/batch"), PrincipalClass::kRole);
  EXPECT_EQ(principal_class("arn:aws:iam::111122223333:role/batch"), PrincipalClass::kRole);
  EXPECT_EQ(principal_class("anonymous"), PrincipalClass::kAnonymous);
  EXPECT_EQ(principal_class(""), PrincipalClass::kAnonymous);
}

}  // namespace
}  // namespace coffer::server::quota
