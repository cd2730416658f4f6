// One policy document, evaluated on its own, from AWS's "Policy evaluation logic" and the
// Principal, Action, Resource and Effect element references: an explicit Deny beats any Allow,
// no applicable statement is an implicit deny. Each row: a key policy, a request, the decision.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "core/policy/policy_document.h"

namespace coffer::core::policy {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRoot = "arn:aws:iam::111122223333:root";
constexpr const char* kAlice = "arn:aws:iam::111122223333:user/Alice";
constexpr const char* kBob = "arn:aws:iam::111122223333:user/Bob";
constexpr const char* kAppRole = "arn:aws:iam::111122223333:role/AppRole";
constexpr const char* kAdminRole = "arn:aws:iam::111122223333:role/Admin";
constexpr const char* kOtherAccountUser = "arn:aws:iam::444455556666:user/Mallory";
constexpr const char* kKey =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
constexpr const char* kOtherKey =
    "arn:aws:kms:us-east-1:444455556666:key/0987dcba-09fe-87dc-65ba-ab0987654321";

struct EvaluationCase {
  const char* name;
  std::string statements;  // the JSON of the Statement element
  const char* principal;
  const char* action;
  const char* resource;
  Decision expected;
};

void PrintTo(const EvaluationCase& c, std::ostream* os) { *os << c.name; }

// {"Effect": EFFECT, "Principal": PRINCIPAL, "Action": ACTION, "Resource": "*"}.
std::string statement(const std::string& effect, const std::string& principal,
                      const std::string& action, const std::string& extra = "") {
  return R"({"Effect":")" + effect + R"(","Principal":)" + principal + R"(,"Action":)" + action +
         R"(,"Resource":"*")" + extra + "}";
}
std::string aws(const std::string& who) { return R"({"AWS":")" + who + R"("})"; }

class EvaluationTest : public ::testing::TestWithParam<EvaluationCase> {};

TEST_P(EvaluationTest, DecidesAsAwsDocuments) {
  const EvaluationCase& c = GetParam();
  const std::string json = R"({"Version":"2012-10-17","Statement":)" + c.statements + "}";
  const PolicyDocument policy = PolicyDocument::parse(json, /*principal_required=*/true);
  const RequestContext request{c.principal, c.action, c.resource, {}};
  EXPECT_EQ(policy.evaluate(request), c.expected) << json;
}

std::string case_name(const ::testing::TestParamInfo<EvaluationCase>& info) {
  return info.param.name;
}

const std::string kAllowAll = statement("Allow", R"("*")", R"("kms:*")");

// ---------------------------------------------------------------------------------------------
// Effect: explicit Deny beats Allow; nothing applicable is an implicit deny.

const EvaluationCase kEffectCases[] = {
    {"AllowApplies", "[" + statement("Allow", aws(kAppRole), R"("kms:Decrypt")") + "]", kAppRole,
     "kms:Decrypt", kKey, Decision::kAllow},
    {"NothingAppliesIsImplicitDeny",
     "[" + statement("Allow", aws(kAppRole), R"("kms:Decrypt")") + "]", kAppRole, "kms:Encrypt",
     kKey, Decision::kImplicitDeny},
    {"DenyBeatsAllow",
     "[" + statement("Allow", aws(kAppRole), R"("kms:*")") + "," +
         statement("Deny", aws(kAppRole), R"("kms:Encrypt")") + "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"DenyBeatsAllowWhicheverComesFirst",
     "[" + statement("Deny", aws(kAppRole), R"("kms:Encrypt")") + "," +
         statement("Allow", aws(kAppRole), R"("kms:*")") + "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"DenyOfAnotherActionLeavesTheAllow",
     "[" + statement("Allow", aws(kAppRole), R"("kms:*")") + "," +
         statement("Deny", aws(kAppRole), R"("kms:Encrypt")") + "]",
     kAppRole, "kms:Decrypt", kKey, Decision::kAllow},
    {"DenyAloneIsExplicit", "[" + statement("Deny", R"("*")", R"("kms:*")") + "]", kAlice,
     "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"DenyWhoseConditionFailsDoesNotApply",
     "[" + kAllowAll + "," +
         statement("Deny", R"("*")", R"("kms:*")",
                   R"(,"Condition":{"Bool":{"aws:SecureTransport":"false"}})") +
         "]",
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"AllowWhoseConditionFailsDoesNotApply",
     "[" +
         statement("Allow", R"("*")", R"("kms:*")",
                   R"(,"Condition":{"StringEquals":{"kms:CallerAccount":"444455556666"}})") +
         "]",
     kAlice, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"StatementAsAnObject", statement("Allow", aws(kAppRole), R"("kms:Decrypt")"), kAppRole,
     "kms:Decrypt", kKey, Decision::kAllow},
};
INSTANTIATE_TEST_SUITE_P(Effect, EvaluationTest, ::testing::ValuesIn(kEffectCases), case_name);

// ---------------------------------------------------------------------------------------------
// Principal and NotPrincipal.

const EvaluationCase kPrincipalCases[] = {
    {"StarIsEveryone", "[" + statement("Allow", R"("*")", R"("kms:*")") + "]", kAlice,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"StarIsEveryoneInAnyAccount", "[" + statement("Allow", R"("*")", R"("kms:*")") + "]",
     kOtherAccountUser, "kms:Encrypt", kKey, Decision::kAllow},
    {"AwsStarIsEveryone", "[" + statement("Allow", aws("*"), R"("kms:*")") + "]", kBob,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"AccountIdIsTheRoot", "[" + statement("Allow", aws(kAccount), R"("kms:*")") + "]", kRoot,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"AccountRootArnIsTheRoot", "[" + statement("Allow", aws(kRoot), R"("kms:*")") + "]", kRoot,
     "kms:Encrypt", kKey, Decision::kAllow},
    // The account delegates to IAM: alone, the key policy allows none of its users.
    {"AccountDoesNotAllowItsUsersAlone", "[" + statement("Allow", aws(kRoot), R"("kms:*")") + "]",
     kAlice, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"AccountIdDoesNotAllowItsUsersAlone",
     "[" + statement("Allow", aws(kAccount), R"("kms:*")") + "]", kAlice, "kms:Encrypt", kKey,
     Decision::kImplicitDeny},
    {"AccountDoesNotAllowAnotherAccountsRoot",
     "[" + statement("Allow", aws(kAccount), R"("kms:*")") + "]", "arn:aws:iam::444455556666:root",
     "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"DenyOfTheAccountDeniesItsUsers",
     "[" + kAllowAll + "," + statement("Deny", aws(kRoot), R"("kms:Encrypt")") + "]", kAlice,
     "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"DenyOfTheAccountSparesOtherAccounts",
     "[" + kAllowAll + "," + statement("Deny", aws(kAccount), R"("kms:Encrypt")") + "]",
     kOtherAccountUser, "kms:Encrypt", kKey, Decision::kAllow},
    {"UserArn", "[" + statement("Allow", aws(kAlice), R"("kms:*")") + "]", kAlice, "kms:Encrypt",
     kKey, Decision::kAllow},
    {"UserArnNotAnotherUser", "[" + statement("Allow", aws(kAlice), R"("kms:*")") + "]", kBob,
     "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"RoleArn", "[" + statement("Allow", aws(kAppRole), R"("kms:*")") + "]", kAppRole,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"RoleArnNotTheAccountRoot", "[" + statement("Allow", aws(kAppRole), R"("kms:*")") + "]", kRoot,
     "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"PrincipalArnIsCaseSensitive",
     "[" + statement("Allow", aws("arn:aws:iam::111122223333:role/approle"), R"("kms:*")") + "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"ListOfPrincipalsFirst",
     "[" +
         statement("Allow", R"({"AWS":[")" + std::string(kAlice) + R"(",")" + kAppRole + R"("]})",
                   R"("kms:*")") +
         "]",
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"ListOfPrincipalsSecond",
     "[" +
         statement("Allow", R"({"AWS":[")" + std::string(kAlice) + R"(",")" + kAppRole + R"("]})",
                   R"("kms:*")") +
         "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kAllow},
    {"ListOfPrincipalsNotListed",
     "[" +
         statement("Allow", R"({"AWS":[")" + std::string(kAlice) + R"(",")" + kAppRole + R"("]})",
                   R"("kms:*")") +
         "]",
     kBob, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"ServicePrincipalIsNotAUser",
     "[" + statement("Allow", R"({"Service":"logs.us-east-1.amazonaws.com"})", R"("kms:*")") + "]",
     kAlice, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    // Deny everyone but the admin role (AWS's NotPrincipal example).
    {"NotPrincipalDenyExemptsTheListed",
     "[" + kAllowAll + R"(,{"Effect":"Deny","NotPrincipal":{"AWS":[")" + kAdminRole + R"(",")" +
         kRoot + R"("]},"Action":"kms:*","Resource":"*"}])",
     kAdminRole, "kms:ScheduleKeyDeletion", kKey, Decision::kAllow},
    {"NotPrincipalDenyDeniesTheOthers",
     "[" + kAllowAll + R"(,{"Effect":"Deny","NotPrincipal":{"AWS":[")" + kAdminRole + R"(",")" +
         kRoot + R"("]},"Action":"kms:*","Resource":"*"}])",
     kAlice, "kms:ScheduleKeyDeletion", kKey, Decision::kExplicitDeny},
    {"NotPrincipalAccountExemptsItsRoot",
     "[" + kAllowAll + R"(,{"Effect":"Deny","NotPrincipal":{"AWS":")" + kAccount +
         R"("},"Action":"kms:*","Resource":"*"}])",
     kRoot, "kms:Encrypt", kKey, Decision::kAllow},
    {"NotPrincipalAccountDoesNotExemptItsUsers",
     "[" + kAllowAll + R"(,{"Effect":"Deny","NotPrincipal":{"AWS":")" + kAccount +
         R"("},"Action":"kms:*","Resource":"*"}])",
     kAlice, "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"NotPrincipalAllowGrantsEveryoneElse",
     R"([{"Effect":"Allow","NotPrincipal":{"AWS":")" + std::string(kBob) +
         R"("},"Action":"kms:*","Resource":"*"}])",
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"NotPrincipalAllowNotTheListed",
     R"([{"Effect":"Allow","NotPrincipal":{"AWS":")" + std::string(kBob) +
         R"("},"Action":"kms:*","Resource":"*"}])",
     kBob, "kms:Encrypt", kKey, Decision::kImplicitDeny},
};
INSTANTIATE_TEST_SUITE_P(Principal, EvaluationTest, ::testing::ValuesIn(kPrincipalCases),
                         case_name);

// ---------------------------------------------------------------------------------------------
// Action and NotAction: wildcards, and names compared without regard to case.

const EvaluationCase kActionCases[] = {
    {"KmsStar", "[" + statement("Allow", aws(kAppRole), R"("kms:*")") + "]", kAppRole,
     "kms:ScheduleKeyDeletion", kKey, Decision::kAllow},
    {"Star", "[" + statement("Allow", aws(kAppRole), R"("*")") + "]", kAppRole, "kms:Encrypt", kKey,
     Decision::kAllow},
    {"PrefixStarMatches", "[" + statement("Allow", aws(kAppRole), R"("kms:Re*")") + "]", kAppRole,
     "kms:ReEncryptFrom", kKey, Decision::kAllow},
    {"PrefixStarMatchesAnother", "[" + statement("Allow", aws(kAppRole), R"("kms:Re*")") + "]",
     kAppRole, "kms:RetireGrant", kKey, Decision::kAllow},
    {"PrefixStarDoesNotMatchOthers", "[" + statement("Allow", aws(kAppRole), R"("kms:Re*")") + "]",
     kAppRole, "kms:Decrypt", kKey, Decision::kImplicitDeny},
    {"SuffixStar", "[" + statement("Allow", aws(kAppRole), R"("kms:*Key")") + "]", kAppRole,
     "kms:DescribeKey", kKey, Decision::kAllow},
    {"QuestionMark", "[" + statement("Allow", aws(kAppRole), R"("kms:Describe?ey")") + "]",
     kAppRole, "kms:DescribeKey", kKey, Decision::kAllow},
    {"OtherServiceDoesNotMatch", "[" + statement("Allow", aws(kAppRole), R"("s3:*")") + "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"ActionIgnoresCaseInThePolicy",
     "[" + statement("Allow", aws(kAppRole), R"("KMS:ENCRYPT")") + "]", kAppRole, "kms:Encrypt",
     kKey, Decision::kAllow},
    {"ActionIgnoresCaseInTheRequest",
     "[" + statement("Allow", aws(kAppRole), R"("kms:Encrypt")") + "]", kAppRole, "kms:encrypt",
     kKey, Decision::kAllow},
    {"WildcardIgnoresCase", "[" + statement("Allow", aws(kAppRole), R"("kms:describe*")") + "]",
     kAppRole, "kms:DescribeKey", kKey, Decision::kAllow},
    {"ListOfActions",
     "[" + statement("Allow", aws(kAppRole), R"(["kms:Decrypt","kms:DescribeKey"])") + "]",
     kAppRole, "kms:DescribeKey", kKey, Decision::kAllow},
    {"ListOfActionsNotListed",
     "[" + statement("Allow", aws(kAppRole), R"(["kms:Decrypt","kms:DescribeKey"])") + "]",
     kAppRole, "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"NotActionAllowsTheRest",
     R"([{"Effect":"Allow","Principal":"*","NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}])",
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"NotActionNotTheListed",
     R"([{"Effect":"Allow","Principal":"*","NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}])",
     kAlice, "kms:ScheduleKeyDeletion", kKey, Decision::kImplicitDeny},
    {"NotActionWithWildcard",
     R"([{"Effect":"Allow","Principal":"*","NotAction":["kms:Put*","kms:Delete*"],"Resource":"*"}])",
     kAlice, "kms:PutKeyPolicy", kKey, Decision::kImplicitDeny},
    {"DenyNotActionDeniesTheRest",
     "[" + kAllowAll +
         R"(,{"Effect":"Deny","Principal":"*","NotAction":["kms:Decrypt"],"Resource":"*"}])",
     kAlice, "kms:Encrypt", kKey, Decision::kExplicitDeny},
    {"DenyNotActionSparesTheListed",
     "[" + kAllowAll +
         R"(,{"Effect":"Deny","Principal":"*","NotAction":["kms:Decrypt"],"Resource":"*"}])",
     kAlice, "kms:Decrypt", kKey, Decision::kAllow},
};
INSTANTIATE_TEST_SUITE_P(Action, EvaluationTest, ::testing::ValuesIn(kActionCases), case_name);

// ---------------------------------------------------------------------------------------------
// Resource and NotResource: "*" is the key; ARNs with wildcards, case-sensitive.

std::string on(const std::string& resource) {
  return R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":)" + resource + "}]";
}

const EvaluationCase kResourceCases[] = {
    {"StarIsTheKey", on(R"("*")"), kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"StarForActionsWithoutAKey", on(R"("*")"), kAlice, "kms:ListKeys", "*", Decision::kAllow},
    {"ExactKeyArn", on("\"" + std::string(kKey) + "\""), kAlice, "kms:Encrypt", kKey,
     Decision::kAllow},
    {"ExactKeyArnOtherKey", on("\"" + std::string(kKey) + "\""), kAlice, "kms:Encrypt", kOtherKey,
     Decision::kImplicitDeny},
    {"AnyKeyOfTheAccountInAnyRegion", on(R"("arn:aws:kms:*:111122223333:key/*")"), kAlice,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"AnyKeyOfTheAccountNotAnotherAccount", on(R"("arn:aws:kms:*:111122223333:key/*")"), kAlice,
     "kms:Encrypt", kOtherKey, Decision::kImplicitDeny},
    {"KeyArnPatternNotAnAlias", on(R"("arn:aws:kms:*:111122223333:key/*")"), kAlice, "kms:Encrypt",
     "arn:aws:kms:us-east-1:111122223333:alias/app", Decision::kImplicitDeny},
    {"KeyArnPatternNotStar", on(R"("arn:aws:kms:*:111122223333:key/*")"), kAlice, "kms:ListKeys",
     "*", Decision::kImplicitDeny},
    {"QuestionMarkInARegion", on(R"("arn:aws:kms:us-east-?:111122223333:key/*")"), kAlice,
     "kms:Encrypt", kKey, Decision::kAllow},
    {"ResourceIsCaseSensitive",
     on(R"("arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12AB-34CD-56EF-1234567890AB")"), kAlice,
     "kms:Encrypt", kKey, Decision::kImplicitDeny},
    {"ListOfResources", on("[\"" + std::string(kOtherKey) + "\",\"" + std::string(kKey) + "\"]"),
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"NotResourceOtherKey",
     R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","NotResource":")" +
         std::string(kOtherKey) + R"("}])",
     kAlice, "kms:Encrypt", kKey, Decision::kAllow},
    {"NotResourceTheListedKey",
     R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","NotResource":")" + std::string(kKey) +
         R"("}])",
     kAlice, "kms:Encrypt", kKey, Decision::kImplicitDeny},
};
INSTANTIATE_TEST_SUITE_P(Resource, EvaluationTest, ::testing::ValuesIn(kResourceCases), case_name);

// Evaluating does not change a document: the same answers, again and in any order.
TEST(PolicyDocument, EvaluatesTheSameEveryTime) {
  const PolicyDocument policy = PolicyDocument::parse(
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":")" + std::string(kAppRole) +
          R"("},"Action":"kms:Decrypt","Resource":"*"}]})",
      true);
  const RequestContext decrypt{kAppRole, "kms:Decrypt", kKey, {}};
  const RequestContext encrypt{kAppRole, "kms:Encrypt", kKey, {}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(policy.evaluate(decrypt), Decision::kAllow);
    EXPECT_EQ(policy.evaluate(encrypt), Decision::kImplicitDeny);
  }
}

}  // namespace
}  // namespace coffer::core::policy
