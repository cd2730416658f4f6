// Issue 16: key policies are stored, survive a restart and decide every operation for the
// caller a front end names (core/model/caller.h), with AWS's messages. Principals other than
// the account's root get what a key policy grants them by name (identity policies are not
// stored yet).
#include <gmock/gmock.h>

#include "core/model/caller.h"
#include "core/model/key_policy.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kAccount = "111122223333";  // KmsConfig's default

// The issue's example: the account (IAM) plus AppRole allowed Decrypt and DescribeKey.
std::string app_role_policy() {
  return R"({"Version":"2012-10-17","Statement":[
 {"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
  "Action":"kms:*","Resource":"*"},
 {"Sid":"Allow app role to decrypt","Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
  "Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]})";
}

class KeyPolicyTest : public ServiceTest {
 protected:
  std::string create_with_policy(const std::string& policy, bool bypass = false) {
    core::CreateKeyRequest request;
    request.policy = policy;
    request.bypass_policy_lockout_safety_check = bypass;
    return service_->create_key(request).key_id;
  }
  core::Caller root_{"admin", "", "", ""};
  core::Caller app_role_{"role/AppRole", "", "", ""};
  core::Caller other_user_{"user/mallory", "", "", ""};
};

TEST(CallerTest, PrincipalNamesMapToIamArns) {
  EXPECT_EQ(core::principal_arn_of("role/AppRole", kAccount),
            "arn:aws:iam::111122223333:role/AppRole");
  EXPECT_EQ(core::principal_arn_of("user/alice", kAccount), "arn:aws:iam::111122223333:user/alice");
  // Access keys made before policies (the first run's "admin", "interop"...) are the root.
  EXPECT_EQ(core::principal_arn_of("admin", kAccount), "arn:aws:iam::111122223333:root");
  EXPECT_EQ(core::principal_arn_of("arn:aws:iam::444455556666:role/X", kAccount),
            "arn:aws:iam::444455556666:role/X");
  EXPECT_EQ(core::current_caller(), nullptr);
  core::Caller c{"user/a", "", "", ""};
  {
    core::CallerScope scope(&c);
    EXPECT_EQ(core::current_caller(), &c);
    {
      core::CallerScope inner(nullptr);
      EXPECT_EQ(core::current_caller(), nullptr);
    }
    EXPECT_EQ(core::current_caller(), &c);
  }
  EXPECT_EQ(core::current_caller(), nullptr);
}

TEST_F(KeyPolicyTest, TheAppRoleMayDecryptAndDescribeButNothingElse) {
  std::string key;
  core::Bytes blob;
  {
    core::CallerScope as(&root_);
    key = create_with_policy(app_role_policy());
    blob = encrypt(key, "for the app");
  }
  core::CallerScope as(&app_role_);
  EXPECT_EQ(decrypt(blob), "for the app");
  EXPECT_EQ(service_->describe_key(key).key_id, key);
  EXPECT_THAT([&] { encrypt(key, "x"); },
              ThrowsError(ErrorCode::kAccessDenied,
                          HasSubstr("User: arn:aws:iam::111122223333:role/AppRole is not "
                                    "authorized to perform: kms:Encrypt on resource: "
                                    "arn:aws:kms:us-east-1:111122223333:key/" +
                                    key)));
  EXPECT_THAT([&] { service_->schedule_key_deletion(key, 7); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("kms:ScheduleKeyDeletion")));
  EXPECT_THAT([&] { service_->put_key_policy(key, app_role_policy()); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("kms:PutKeyPolicy")));
  EXPECT_THAT(
      [&] { service_->disable_key(key); },
      // The key policy trusts the account, so what is missing is an identity policy.
      ThrowsError(ErrorCode::kAccessDenied, HasSubstr("because no identity-based policy allows the "
                                                      "kms:DisableKey action")));
  // Operations on no key need an identity policy, which this role does not have.
  EXPECT_THAT([&] { service_->create_key({}); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("identity-based")));
  EXPECT_THAT([&] { service_->list_keys({}); }, ThrowsError(ErrorCode::kAccessDenied));
  // Another principal of the account gets nothing from this policy.
  core::CallerScope as_other(&other_user_);
  EXPECT_THAT([&] { decrypt(blob); }, ThrowsError(ErrorCode::kAccessDenied));
  // Nothing was changed by the refusals.
  core::CallerScope as_root(&root_);
  EXPECT_EQ(service_->describe_key(key).key_state, core::KeyState::kEnabled);
}

TEST_F(KeyPolicyTest, WithoutACallerNothingIsCheckedAndTheRootHoldsTheDefaultPolicy) {
  const std::string key = create_with_policy(app_role_policy());  // Coffer's own work
  EXPECT_EQ(decrypt(encrypt(key, "internal")), "internal");
  const std::string plain = create_symmetric_key();
  core::CallerScope as(&root_);
  EXPECT_EQ(decrypt(encrypt(plain, "root")), "root");
  EXPECT_EQ(service_->get_key_policy(plain), core::default_key_policy(kAccount));
  core::CallerScope as_role(&app_role_);
  // The default key policy delegates to identity policies: none for this role.
  EXPECT_THAT([&] { encrypt(plain, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(KeyPolicyTest, PoliciesArePersistedAndSurviveARestart) {
  std::string key;
  {
    core::CallerScope as(&root_);
    key = create_with_policy(app_role_policy());
  }
  open_service();
  EXPECT_EQ(service_->get_key_policy(key), app_role_policy());
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_EQ(service_->describe_key(key).key_id, key);
}

TEST_F(KeyPolicyTest, EncryptionContextConditionsAreEnforced) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
  "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
  "Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"blue"}}}]})";
  core::CallerScope as(&root_);
  const std::string key = create_with_policy(policy);
  core::CallerScope as_role(&app_role_);
  const auto blob = encrypt(key, "blue data", {{"tenant", "blue"}});
  EXPECT_EQ(decrypt(blob, {{"tenant", "blue"}}), "blue data");
  EXPECT_THAT(
      [&] {
        encrypt(key, "x", {{"tenant", "red"}});
      },
      ThrowsError(ErrorCode::kAccessDenied));
  EXPECT_THAT([&] { encrypt(key, "x"); }, ThrowsError(ErrorCode::kAccessDenied));
}

TEST_F(KeyPolicyTest, ResourceTagConditionsFollowTagChanges) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Effect":"Deny","Principal":"*","Action":"kms:Encrypt","Resource":"*",
  "Condition":{"StringEquals":{"aws:ResourceTag/frozen":"yes"}}}]})";
  core::CallerScope as(&root_);
  const std::string key = create_with_policy(policy);
  EXPECT_NO_THROW(encrypt(key, "x"));
  service_->tag_resource(key, {{"frozen", "yes"}});
  EXPECT_THAT([&] { encrypt(key, "x"); },
              ThrowsError(ErrorCode::kAccessDenied, HasSubstr("explicit deny")));
  service_->untag_resource(key, {"frozen"});
  EXPECT_NO_THROW(encrypt(key, "x"));
}

TEST_F(KeyPolicyTest, TheLockoutSafetyCheckAndItsBypass) {
  const std::string role_only = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},"Action":"kms:*","Resource":"*"}]})";
  core::CallerScope as(&root_);
  EXPECT_THAT([&] { create_with_policy(role_only); },
              ThrowsError(ErrorCode::kMalformedPolicyDocument,
                          HasSubstr("will not allow you to update the key policy")));
  const std::string key = create_symmetric_key();
  EXPECT_THAT([&] { service_->put_key_policy(key, role_only); },
              ThrowsError(ErrorCode::kMalformedPolicyDocument));
  EXPECT_EQ(service_->get_key_policy(key), core::default_key_policy(kAccount));
  service_->put_key_policy(key, role_only, /*bypass_policy_lockout_safety_check=*/true);
  EXPECT_THAT([&] { service_->describe_key(key); }, ThrowsError(ErrorCode::kAccessDenied));
  core::CallerScope as_role(&app_role_);
  EXPECT_EQ(service_->describe_key(key).key_id, key);
}

TEST_F(KeyPolicyTest, PoliciesTheServiceCannotEnforceAreRefused) {
  core::CallerScope as(&root_);
  const std::string key = create_symmetric_key();
  for (const std::string& bad : {
           std::string("not json"),
           std::string(R"({"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})"),
           // A condition key Coffer does not fill would never hold: refused, not ignored.
           std::string(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*",
             "Resource":"*","Condition":{"StringEquals":{"kms:RequestAlias":"alias/x"}}}]})"),
           std::string(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*",
             "Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})"),
       }) {
    EXPECT_THAT([&] { service_->put_key_policy(key, bad); },
                ThrowsError(ErrorCode::kMalformedPolicyDocument))
        << bad;
  }
  EXPECT_THAT([&] { service_->put_key_policy(key, std::string(32769, ' ')); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_EQ(service_->get_key_policy(key), core::default_key_policy(kAccount));
}

TEST_F(KeyPolicyTest, ReEncryptNeedsReEncryptFromAndToNotDecryptAndEncrypt) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
  "Action":["kms:ReEncrypt*"],"Resource":"*"}]})";
  std::string source, destination;
  core::Bytes blob;
  {
    core::CallerScope as(&root_);
    source = create_with_policy(policy);
    destination = create_with_policy(policy);
    blob = encrypt(source, "moved");
  }
  core::CallerScope as(&app_role_);
  EXPECT_THAT([&] { decrypt(blob); }, ThrowsError(ErrorCode::kAccessDenied));
  core::ReEncryptRequest request;
  request.ciphertext_blob = blob;
  request.destination_key_id = destination;
  const auto moved = service_->re_encrypt(request);
  core::CallerScope as_root(&root_);
  EXPECT_EQ(decrypt(moved.ciphertext_blob), "moved");
}

}  // namespace
}  // namespace coffer::testing
