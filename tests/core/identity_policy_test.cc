// Issue 16: identity policies, the "IAM" side a key policy's account statement delegates to.
// AWS's rules: a Deny anywhere wins; the default key policy lets identity policies of the
// account's principals decide; a key policy that does not trust the account ignores them.
#include <gmock/gmock.h>

#include <thread>

#include "core/model/caller.h"
#include "core/service/identity_policies.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kAppRole = "arn:aws:iam::111122223333:role/AppRole";

std::string allow(const std::string& actions, const std::string& resource = "*") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)" + actions +
         R"(,"Resource":")" + resource + R"("}]})";
}

class IdentityPolicyTest : public ServiceTest {
 protected:
  core::IdentityPolicies& policies() { return service_->identity_policies(); }
  core::Caller root_{"admin", "", "", ""};
  core::Caller app_role_{"role/AppRole", "", "", ""};
};

TEST_F(IdentityPolicyTest, UnderTheDefaultKeyPolicyAnIdentityPolicyDecides) {
  const std::string key = create_symmetric_key();
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { encrypt(key, "x"); },
              ThrowsError(ErrorCode::kAccessDenied,
                          HasSubstr("because no identity-based policy allows the kms:Encrypt "
                                    "action")));
  policies().put(kAppRole, "EncryptDecrypt", allow(R"(["kms:Encrypt","kms:Decrypt"])"));
  const auto blob = encrypt(key, "by the role");
  EXPECT_EQ(decrypt(blob), "by the role");
  EXPECT_THAT([&] { service_->describe_key(key); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { service_->schedule_key_deletion(key, 7); },
              ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(IdentityPolicyTest, AResourceLimitInTheIdentityPolicyHolds) {
  const std::string allowed = create_symmetric_key();
  const std::string other = create_symmetric_key();
  policies().put(kAppRole, "OneKey",
                 allow(R"("kms:Encrypt")", "arn:aws:kms:us-east-1:111122223333:key/" + allowed));
  core::CallerScope as(&app_role_);
  EXPECT_NO_THROW(encrypt(allowed, "x"));
  EXPECT_THAT([&] { encrypt(other, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(IdentityPolicyTest, AnIdentityDenyWinsOverAKeyPolicyThatNamesThePrincipal) {
  core::CreateKeyRequest request;
  request.policy = R"({"Version":"2012-10-17","Statement":[
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
    "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]})";
  const std::string key = service_->create_key(request).key_id;
  core::CallerScope as(&app_role_);
  const auto blob = encrypt(key, "x");
  policies().put(
      kAppRole, "NoDecrypt",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]})");
  EXPECT_THAT([&] { decrypt(blob); },
              ThrowsError(ErrorCode::kAccessDenied,
                          HasSubstr("with an explicit deny in an identity-based policy")));
  EXPECT_NO_THROW(encrypt(key, "y"));
}

TEST_F(IdentityPolicyTest, AKeyPolicyThatDoesNotTrustTheAccountIgnoresIdentityPolicies) {
  core::CreateKeyRequest request;
  request.policy = R"({"Version":"2012-10-17","Statement":[
   {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"kms:*","Resource":"*"}]})";
  request.bypass_policy_lockout_safety_check = true;
  const std::string key = service_->create_key(request).key_id;
  policies().put(kAppRole, "All", allow(R"("kms:*")"));
  core::CallerScope as(&app_role_);
  EXPECT_THAT(
      [&] { encrypt(key, "x"); },
      ThrowsError(ErrorCode::kAccessDenied, HasSubstr("because no resource-based policy allows")));
}

TEST_F(IdentityPolicyTest, OperationsOnNoKeyAreDecidedByIdentityPolicies) {
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { service_->list_keys({}); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { service_->create_key({}); }, ThrowsError(ErrorCode::kAccessDenied));
  policies().put(kAppRole, "Admin", allow(R"(["kms:ListKeys","kms:CreateKey"])"));
  EXPECT_NO_THROW(service_->list_keys({}));
  // Its new key has the default policy: using it takes an identity policy too.
  const std::string key = service_->create_key({}).key_id;
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(IdentityPolicyTest, InvalidPoliciesAreRefusedAndChangeNothing) {
  auto put = [&](const std::string& principal, const std::string& name, const std::string& doc) {
    policies().put(principal, name, doc);
  };
  // A principal in an identity policy, as IAM refuses it.
  EXPECT_THAT(
      [&] {
        put(kAppRole, "P",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})");
      },
      ThrowsError(ErrorCode::kMalformedPolicyDocument));
  EXPECT_THAT([&] { put(kAppRole, "P", "{not json"); },
              ThrowsError(ErrorCode::kMalformedPolicyDocument));
  EXPECT_THAT(
      [&] {
        put(kAppRole, "P",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:NoSuchKey":"x"}}}]})");
      },
      ThrowsError(ErrorCode::kMalformedPolicyDocument, HasSubstr("kms:NoSuchKey")));
  EXPECT_THAT([&] { put(kAppRole, "P", allow(R"("kms:*")") + std::string(11000, ' ')); },
              ThrowsError(ErrorCode::kMalformedPolicyDocument));
  EXPECT_THAT([&] { put("arn:aws:iam::111122223333:root", "P", allow(R"("kms:*")")); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { put("role/AppRole", "P", allow(R"("kms:*")")); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { put(kAppRole, "bad name!", allow(R"("kms:*")")); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_TRUE(policies().list(kAppRole).empty());
}

// How `cofferd principal` and coffer.v1.Principals read the principal a policy attaches to.
TEST(AttachablePrincipalArn, RolesAndUsersOfThisAccountOnly) {
  const auto arn = [](const std::string& given) {
    return core::IdentityPolicies::attachable_principal_arn(given, "111122223333");
  };
  EXPECT_EQ(arn("role/AppRole"), kAppRole);
  EXPECT_EQ(arn(kAppRole), kAppRole);
  EXPECT_EQ(arn("user/bob"), "arn:aws:iam::111122223333:user/bob");
  EXPECT_EQ(arn("role/service/App+Role=,.@_-1"),
            "arn:aws:iam::111122223333:role/service/App+Role=,.@_-1");
  for (const std::string refused :
       {"", "admin", "root", "role/", "user/", "group/x", "role/a b", "role//a", "role/a/",
        "arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:role/AppRole",
        "arn:aws:iam::111122223333", "arn:aws:kms:us-east-1:111122223333:key/k"}) {
    EXPECT_THAT([&] { arn(refused); }, ThrowsError(ErrorCode::kValidation)) << refused;
  }
}

TEST_F(IdentityPolicyTest, APolicyPutBesideTheServiceTakesEffectWithinTheRecheckTime) {
  const std::string key = create_symmetric_key();
  {
    core::CallerScope as(&app_role_);
    EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
  }
  // As `cofferd principal put-policy` does: its own store connection and cache.
  core::SqliteStore other_store(db_path_);
  core::IdentityPolicies offline(other_store, clock_);
  offline.put(kAppRole, "Encrypt", allow(R"("kms:Encrypt")"));
  std::this_thread::sleep_for(core::IdentityPolicies::kRecheckAfter +
                              std::chrono::milliseconds(100));
  core::CallerScope as(&app_role_);
  EXPECT_NO_THROW(encrypt(key, "x"));
  EXPECT_TRUE(offline.remove(kAppRole, "Encrypt"));
  EXPECT_FALSE(offline.remove(kAppRole, "Encrypt"));
  std::this_thread::sleep_for(core::IdentityPolicies::kRecheckAfter +
                              std::chrono::milliseconds(100));
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(IdentityPolicyTest, AnotherAccountsPrincipalGetsNothingFromItsIdentityPolicies) {
  const std::string key = create_symmetric_key();
  policies().put("arn:aws:iam::444455556666:role/Outsider", "All", allow(R"("kms:*")"));
  core::Caller outsider{"arn:aws:iam::444455556666:role/Outsider", "", "", ""};
  core::CallerScope as(&outsider);
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { service_->list_keys({}); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(IdentityPolicyTest, PoliciesSurviveARestartAndTheRootNeedsNone) {
  const std::string key = create_symmetric_key();
  policies().put(kAppRole, "Encrypt", allow(R"("kms:Encrypt")"));
  open_service();
  ASSERT_EQ(policies().list(kAppRole).size(), 1u);
  EXPECT_EQ(policies().list(kAppRole)[0].name, "Encrypt");
  {
    core::CallerScope as(&app_role_);
    EXPECT_NO_THROW(encrypt(key, "x"));
  }
  core::CallerScope as(&root_);
  EXPECT_NO_THROW(service_->describe_key(key));
}

}  // namespace
}  // namespace coffer::testing
