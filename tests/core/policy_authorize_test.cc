// How KMS combines a key policy with the caller's identity policies (AWS KMS "Key policies",
// "Default key policy" and "Cross-account access", and IAM's "Policy evaluation logic"), the
// AccessDeniedException message, the public-access test for BlockPublicPolicy and the lockout
// safety check. Each row: a key policy, identity policies, a request, the decision.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "core/policy/access_denied_message.h"
#include "core/policy/policy_evaluation.h"

namespace coffer::core::policy {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kAlice = "arn:aws:iam::111122223333:user/Alice";
constexpr const char* kAppRole = "arn:aws:iam::111122223333:role/AppRole";
constexpr const char* kOtherRoot = "arn:aws:iam::444455556666:root";
constexpr const char* kBob = "arn:aws:iam::444455556666:user/Bob";
constexpr const char* kKey =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
constexpr const char* kOtherKey =
    "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";

std::string document(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}
std::string allow(const std::string& who, const std::string& actions) {
  return R"({"Effect":"Allow","Principal":{"AWS":")" + who + R"("},"Action":)" + actions +
         R"(,"Resource":"*"})";
}
std::string deny(const std::string& who, const std::string& actions) {
  return R"({"Effect":"Deny","Principal":{"AWS":")" + who + R"("},"Action":)" + actions +
         R"(,"Resource":"*"})";
}
std::string identity(const std::string& effect, const std::string& actions,
                     const std::string& resource = "*", const std::string& extra = "") {
  return R"({"Effect":")" + effect + R"(","Action":)" + actions + R"(,"Resource":")" + resource +
         "\"" + extra + "}";
}

// Key policies.
const std::string kDefault = document(allow(kRoot, R"("kms:*")"));
const std::string kIssueExample = document(allow(kRoot, R"("kms:*")") + "," +
                                           allow(kAppRole, R"(["kms:Decrypt","kms:DescribeKey"])"));
const std::string kAppRoleOnly = document(allow(kAppRole, R"("kms:*")"));
const std::string kAccountForDecryptOnly = document(allow(kAccount, R"("kms:Decrypt")"));
const std::string kDenyAppRoleDecrypt =
    document(allow(kRoot, R"("kms:*")") + "," + deny(kAppRole, R"("kms:Decrypt")"));
const std::string kTrustsOtherAccount =
    document(allow(kRoot, R"("kms:*")") + "," + allow(kOtherRoot, R"(["kms:Decrypt"])"));
const std::string kNamesBob =
    document(allow(kRoot, R"("kms:*")") + "," + allow(kBob, R"(["kms:Decrypt"])"));
const std::string kEveryone =
    document(R"({"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"})");

// Identity policies.
const std::string kAllowAll = document(identity("Allow", R"("kms:*")"));
const std::string kAllowEncrypt = document(identity("Allow", R"("kms:Encrypt")"));
const std::string kDenyAll = document(identity("Deny", R"("kms:*")"));
const std::string kDenyDecrypt = document(identity("Deny", R"("kms:Decrypt")"));
const std::string kAllowThisKey = document(identity("Allow", R"("kms:*")", kKey));
const std::string kAllowOtherKey = document(identity("Allow", R"("kms:*")", kOtherKey));
const std::string kAllowTenantBlue =
    document(identity("Allow", R"("kms:Encrypt")", "*",
                      R"(,"Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"blue"}})"));

struct AuthorizeCase {
  const char* name;
  std::string key_policy;
  std::vector<std::string> identity_policies;
  const char* principal;
  const char* action;
  const char* tenant;  // kms:EncryptionContext:tenant, or nullptr
  Authorization expected;
};

void PrintTo(const AuthorizeCase& c, std::ostream* os) { *os << c.name; }

std::string case_name(const ::testing::TestParamInfo<AuthorizeCase>& info) {
  return info.param.name;
}

constexpr Authorization kAllowedByKeyPolicy{Decision::kAllow, PolicyType::kResourceBased};
constexpr Authorization kAllowedByIdentity{Decision::kAllow, PolicyType::kIdentityBased};
constexpr Authorization kNoKeyPolicyAllows{Decision::kImplicitDeny, PolicyType::kResourceBased};
constexpr Authorization kNoIdentityPolicyAllows{Decision::kImplicitDeny,
                                                PolicyType::kIdentityBased};
constexpr Authorization kDeniedByKeyPolicy{Decision::kExplicitDeny, PolicyType::kResourceBased};
constexpr Authorization kDeniedByIdentity{Decision::kExplicitDeny, PolicyType::kIdentityBased};

class AuthorizeTest : public ::testing::TestWithParam<AuthorizeCase> {};

TEST_P(AuthorizeTest, CombinesAsKms) {
  const AuthorizeCase& c = GetParam();
  const PolicyDocument key_policy = PolicyDocument::parse(c.key_policy, true);
  std::vector<PolicyDocument> documents;
  for (const auto& json : c.identity_policies)
    documents.push_back(PolicyDocument::parse(json, false));
  std::vector<const PolicyDocument*> identity_policies;
  for (const auto& document : documents) identity_policies.push_back(&document);
  RequestContext request{c.principal, c.action, kKey, {}};
  if (c.tenant != nullptr) request.set("kms:EncryptionContext:tenant", {c.tenant});

  const Authorization result =
      authorize_with_reason(key_policy, identity_policies, request, kAccount);
  EXPECT_EQ(result.decision, c.expected.decision);
  EXPECT_EQ(result.decided_by, c.expected.decided_by);
  EXPECT_EQ(authorize(key_policy, identity_policies, request, kAccount), c.expected.decision);
}

const AuthorizeCase kCases[] = {
    // The default key policy delegates to IAM: the account's principals need an identity policy.
    {"DefaultPolicyUserWithoutIdentityPolicy",
     kDefault,
     {},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"DefaultPolicyUserWhoseIdentityPolicyAllows",
     kDefault,
     {kAllowEncrypt},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kAllowedByIdentity},
    {"DefaultPolicyIdentityPolicyAllowsAnotherAction",
     kDefault,
     {kAllowEncrypt},
     kAlice,
     "kms:Decrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"DefaultPolicyOneOfSeveralIdentityPoliciesAllows",
     kDefault,
     {kAllowEncrypt, kAllowAll},
     kAlice,
     "kms:Decrypt",
     nullptr,
     kAllowedByIdentity},
    {"DefaultPolicyRootNeedsNoIdentityPolicy",
     kDefault,
     {},
     kRoot,
     "kms:ScheduleKeyDeletion",
     nullptr,
     kAllowedByKeyPolicy},
    {"IdentityPolicyForThisKey",
     kDefault,
     {kAllowThisKey},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kAllowedByIdentity},
    {"IdentityPolicyForAnotherKey",
     kDefault,
     {kAllowOtherKey},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"IdentityPolicyConditionHolds",
     kDefault,
     {kAllowTenantBlue},
     kAlice,
     "kms:Encrypt",
     "blue",
     kAllowedByIdentity},
    {"IdentityPolicyConditionFails",
     kDefault,
     {kAllowTenantBlue},
     kAlice,
     "kms:Encrypt",
     "red",
     kNoIdentityPolicyAllows},
    // A principal the key policy names needs no identity policy (same account).
    {"KeyPolicyNamesTheRole",
     kIssueExample,
     {},
     kAppRole,
     "kms:Decrypt",
     nullptr,
     kAllowedByKeyPolicy},
    {"KeyPolicyNamesTheRoleForOtherActions",
     kIssueExample,
     {},
     kAppRole,
     "kms:Encrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"KeyPolicyNamesTheRoleAndIdentityAddsMore",
     kIssueExample,
     {kAllowAll},
     kAppRole,
     "kms:Encrypt",
     nullptr,
     kAllowedByIdentity},
    {"KeyPolicyForEveryone", kEveryone, {}, kAlice, "kms:Encrypt", nullptr, kAllowedByKeyPolicy},
    // Without the account in the key policy, identity policies count for nothing.
    {"NoDelegationIdentityPolicyIgnored",
     kAppRoleOnly,
     {kAllowAll},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kNoKeyPolicyAllows},
    {"NoDelegationRootLockedOut",
     kAppRoleOnly,
     {},
     kRoot,
     "kms:PutKeyPolicy",
     nullptr,
     kNoKeyPolicyAllows},
    {"NoDelegationNamedRoleAllowed",
     kAppRoleOnly,
     {},
     kAppRole,
     "kms:PutKeyPolicy",
     nullptr,
     kAllowedByKeyPolicy},
    // Delegation covers only what the account's statement allows.
    {"DelegationLimitedToItsActions",
     kAccountForDecryptOnly,
     {kAllowAll},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kNoKeyPolicyAllows},
    {"DelegationForItsActions",
     kAccountForDecryptOnly,
     {kAllowAll},
     kAlice,
     "kms:Decrypt",
     nullptr,
     kAllowedByIdentity},
    // Explicit deny anywhere wins.
    {"KeyPolicyDenyBeatsIdentityAllow",
     kDenyAppRoleDecrypt,
     {kAllowAll},
     kAppRole,
     "kms:Decrypt",
     nullptr,
     kDeniedByKeyPolicy},
    {"KeyPolicyDenyLeavesOtherActions",
     kDenyAppRoleDecrypt,
     {kAllowAll},
     kAppRole,
     "kms:Encrypt",
     nullptr,
     kAllowedByIdentity},
    {"IdentityDenyBeatsIdentityAllow",
     kDefault,
     {kAllowAll, kDenyAll},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kDeniedByIdentity},
    {"IdentityDenyBeatsKeyPolicyAllow",
     kIssueExample,
     {kDenyDecrypt},
     kAppRole,
     "kms:Decrypt",
     nullptr,
     kDeniedByIdentity},
    {"IdentityDenyBeatsTheRoot",
     kDefault,
     {kDenyAll},
     kRoot,
     "kms:Encrypt",
     nullptr,
     kDeniedByIdentity},
    {"IdentityDenyEvenWithoutKeyPolicyAllow",
     kAppRoleOnly,
     {kDenyAll},
     kAlice,
     "kms:Encrypt",
     nullptr,
     kDeniedByIdentity},
    // Across accounts, the key policy and the caller's own identity policies must both allow.
    {"CrossAccountDelegatedAndIdentityAllows",
     kTrustsOtherAccount,
     {kAllowAll},
     kBob,
     "kms:Decrypt",
     nullptr,
     kAllowedByIdentity},
    {"CrossAccountDelegatedWithoutIdentityPolicy",
     kTrustsOtherAccount,
     {},
     kBob,
     "kms:Decrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"CrossAccountRootNeedsNoIdentityPolicy",
     kTrustsOtherAccount,
     {},
     kOtherRoot,
     "kms:Decrypt",
     nullptr,
     kAllowedByKeyPolicy},
    {"CrossAccountOnlyTheTrustedActions",
     kTrustsOtherAccount,
     {kAllowAll},
     kBob,
     "kms:Encrypt",
     nullptr,
     kNoKeyPolicyAllows},
    {"CrossAccountNamedUserWithoutIdentityPolicy",
     kNamesBob,
     {},
     kBob,
     "kms:Decrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"CrossAccountNamedUserAndIdentityAllows",
     kNamesBob,
     {kAllowAll},
     kBob,
     "kms:Decrypt",
     nullptr,
     kAllowedByKeyPolicy},
    {"CrossAccountEveryoneStillNeedsIdentity",
     kEveryone,
     {},
     kBob,
     "kms:Decrypt",
     nullptr,
     kNoIdentityPolicyAllows},
    {"UntrustedAccount", kDefault, {kAllowAll}, kBob, "kms:Decrypt", nullptr, kNoKeyPolicyAllows},
};
INSTANTIATE_TEST_SUITE_P(Kms, AuthorizeTest, ::testing::ValuesIn(kCases), case_name);

// ---------------------------------------------------------------------------------------------
// Operations without a key policy (ListKeys, CreateKey): identity policies alone.

TEST(AuthorizeByIdentityPolicies, RootUserAllowsAndIdentityPoliciesDecide) {
  const PolicyDocument allow_all = PolicyDocument::parse(kAllowAll, false);
  const PolicyDocument deny_all = PolicyDocument::parse(kDenyAll, false);
  const RequestContext root{kRoot, "kms:ListKeys", "*", {}};
  const RequestContext alice{kAlice, "kms:ListKeys", "*", {}};
  EXPECT_EQ(authorize_by_identity_policies({}, root).decision, Decision::kAllow);
  EXPECT_EQ(authorize_by_identity_policies({}, alice).decision, Decision::kImplicitDeny);
  EXPECT_EQ(authorize_by_identity_policies({&allow_all}, alice).decision, Decision::kAllow);
  EXPECT_EQ(authorize_by_identity_policies({&allow_all, &deny_all}, alice).decision,
            Decision::kExplicitDeny);
  EXPECT_EQ(authorize_by_identity_policies({&deny_all}, root).decision, Decision::kExplicitDeny);
  // An identity policy scoped to keys does not cover an action on no key.
  const PolicyDocument keys_only = PolicyDocument::parse(
      document(identity("Allow", R"("kms:*")", "arn:aws:kms:*:111122223333:key/*")), false);
  EXPECT_EQ(authorize_by_identity_policies({&keys_only}, alice).decision, Decision::kImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// AccessDeniedException's message, in AWS's words.

TEST(AccessDeniedMessage, SaysWhoWhatWhereAndWhy) {
  const RequestContext request{kAppRole, "kms:Encrypt", kKey, {}};
  const std::string who = std::string("User: ") + kAppRole +
                          " is not authorized to perform: kms:Encrypt on resource: " + kKey;
  EXPECT_EQ(access_denied_message(request, kNoKeyPolicyAllows),
            who + " because no resource-based policy allows the kms:Encrypt action");
  EXPECT_EQ(access_denied_message(request, kNoIdentityPolicyAllows),
            who + " because no identity-based policy allows the kms:Encrypt action");
  EXPECT_EQ(access_denied_message(request, kDeniedByKeyPolicy),
            who + " with an explicit deny in a resource-based policy");
  EXPECT_EQ(access_denied_message(request, kDeniedByIdentity),
            who + " with an explicit deny in an identity-based policy");
  EXPECT_EQ(access_denied_message(request, Decision::kImplicitDeny),
            who + " because no resource-based policy allows the kms:Encrypt action");
  EXPECT_EQ(access_denied_message(request, Decision::kExplicitDeny),
            who + " with an explicit deny in a resource-based policy");
  EXPECT_EQ(access_denied_message(request, Decision::kAllow), "");
}

TEST(AccessDeniedMessage, ActionsOnNoKeyBlameIdentityPolicies) {
  const RequestContext request{kAlice, "kms:ListKeys", "*", {}};
  EXPECT_EQ(access_denied_message(request, Decision::kImplicitDeny),
            std::string("User: ") + kAlice +
                " is not authorized to perform: kms:ListKeys on resource: * because no "
                "identity-based policy allows the kms:ListKeys action");
}

// ---------------------------------------------------------------------------------------------
// grants_public_access (BlockPublicPolicy): Allow to everyone, unless a condition pins the
// caller to fixed accounts, principals or networks.

struct PublicCase {
  const char* name;
  std::string policy;
  bool is_public;
};

void PrintTo(const PublicCase& c, std::ostream* os) { *os << c.name; }

std::string everyone_if(const std::string& condition) {
  return document(
      R"({"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":)" +
      condition + "}");
}

class PublicAccessTest : public ::testing::TestWithParam<PublicCase> {};

TEST_P(PublicAccessTest, TellsPublicFromConfined) {
  const PublicCase& c = GetParam();
  EXPECT_EQ(PolicyDocument::parse(c.policy, true).grants_public_access(), c.is_public) << c.policy;
}

const PublicCase kPublicCases[] = {
    {"DefaultKeyPolicy", kDefault, false},
    {"NamedRole", kIssueExample, false},
    {"PrincipalStar", kEveryone, true},
    {"AwsStar",
     document(
         R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"})"),
     true},
    {"DenyToEveryone",
     document(R"({"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"})"), false},
    {"AllowWithNotPrincipal",
     document(
         R"({"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},"Action":"kms:*","Resource":"*"})"),
     true},
    {"CallerAccountPinned", everyone_if(R"({"StringEquals":{"kms:CallerAccount":"111122223333"}})"),
     false},
    {"PrincipalArnPinned",
     everyone_if(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/AppRole"}})"),
     false},
    {"PrincipalArnWildcard",
     everyone_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/AppRole"}})"), true},
    {"SourceIpRange", everyone_if(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})"), false},
    {"SourceIpEverywhere", everyone_if(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), true},
    {"ConditionThatDoesNotNameTheCaller",
     everyone_if(R"({"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}})"), true},
    {"NegatedConditionConfinesNothing",
     everyone_if(R"({"StringNotEquals":{"kms:CallerAccount":"444455556666"}})"), true},
    {"IfExistsConfinesNothing",
     everyone_if(R"({"StringEqualsIfExists":{"kms:CallerAccount":"111122223333"}})"), true},
};
std::string public_case_name(const ::testing::TestParamInfo<PublicCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(BlockPublicPolicy, PublicAccessTest, ::testing::ValuesIn(kPublicCases),
                         public_case_name);

// ---------------------------------------------------------------------------------------------
// allows(): the lockout safety check asks whether the caller could still call PutKeyPolicy.

TEST(LockoutSafetyCheck, AllowsThroughTheAccountOrByName) {
  const RequestContext alice{kAlice, "kms:PutKeyPolicy", kKey, {}};
  EXPECT_TRUE(PolicyDocument::parse(kDefault, true).allows(alice));
  EXPECT_FALSE(PolicyDocument::parse(kAppRoleOnly, true).allows(alice));
  // Trusting the account counts: the role could be given PutKeyPolicy in IAM.
  EXPECT_TRUE(
      PolicyDocument::parse(kIssueExample, true).allows({kAppRole, "kms:PutKeyPolicy", kKey, {}}));
  EXPECT_FALSE(PolicyDocument::parse(document(allow(kAppRole, R"(["kms:Decrypt"])")), true)
                   .allows({kAppRole, "kms:PutKeyPolicy", kKey, {}}));
  EXPECT_TRUE(
      PolicyDocument::parse(document(allow(kAlice, R"("kms:PutKeyPolicy")")), true).allows(alice));
  EXPECT_FALSE(
      PolicyDocument::parse(
          document(allow(kRoot, R"("kms:*")") + "," + deny(kAlice, R"("kms:PutKeyPolicy")")), true)
          .allows(alice));
  EXPECT_FALSE(PolicyDocument::parse(kDefault, true).allows({kBob, "kms:PutKeyPolicy", kKey, {}}));
}

}  // namespace
}  // namespace coffer::core::policy
