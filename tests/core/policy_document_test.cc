// Parsing policy documents: what PutKeyPolicy (and put-policy for identity policies) accepts,
// and what it refuses with MalformedPolicyDocumentException, saying what is wrong.
#include "core/policy/policy_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::core::policy {
namespace {

using coffer::testing::ThrowsError;
using ::testing::HasSubstr;

struct ParseCase {
  const char* name;
  std::string json;
  bool principal_required;  // a key policy; otherwise an identity policy
  const char* error;        // a part of the message; nullptr when the document is accepted
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

std::string case_name(const ::testing::TestParamInfo<ParseCase>& info) { return info.param.name; }

// A key policy of one statement: {"Effect":"Allow","Principal":"*",...} with `body` after it.
std::string key_policy(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)" + body +
         "}]}";
}
std::string with_condition(const std::string& condition) {
  return key_policy(R"("Action":"kms:*","Resource":"*","Condition":)" + condition);
}

class ParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseTest, AcceptsOrRefusesAsAws) {
  const ParseCase& c = GetParam();
  const auto parse = [&] { return PolicyDocument::parse(c.json, c.principal_required); };
  if (c.error == nullptr) {
    EXPECT_NO_THROW(parse()) << c.json;
  } else {
    EXPECT_THAT(parse, ThrowsError(ErrorCode::kMalformedPolicyDocument, HasSubstr(c.error)))
        << c.json;
  }
}

// ---------------------------------------------------------------------------------------------
// Accepted: the documents AWS publishes and every form the language allows.

const ParseCase kAccepted[] = {
    {"DefaultKeyPolicy",
     R"({"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})",
     true, nullptr},
    {"IssueExample",
     R"({"Version":"2012-10-17","Statement":[
         {"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},
         {"Sid":"Allow app role to decrypt","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/AppRole"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]})",
     true, nullptr},
    {"StatementAsAnObject",
     R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}})", true,
     nullptr},
    {"Version2008",
     R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
     true, nullptr},
    {"AccountIdPrincipal",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}})",
     true, nullptr},
    {"PrincipalListAndService",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/Alice","arn:aws:iam::111122223333:role/AppRole"],"Service":"logs.us-east-1.amazonaws.com"},"Action":"kms:*","Resource":"*"}})",
     true, nullptr},
    {"NotPrincipalNotActionNotResource",
     R"({"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"NotAction":"kms:Decrypt","NotResource":"arn:aws:kms:us-east-1:111122223333:key/*"}})",
     true, nullptr},
    {"IdentityPolicyWithoutPrincipal",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"arn:aws:kms:*:111122223333:key/*"}]})",
     false, nullptr},
    {"EveryOperatorFamily", with_condition(R"({
        "StringEquals":{"kms:CallerAccount":"111122223333"},
        "StringNotEqualsIgnoreCase":{"kms:ViaService":"S3.amazonaws.com"},
        "StringLike":{"kms:RequestAlias":"alias/app-*"},
        "NumericLessThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":30},
        "DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"},
        "Bool":{"kms:GrantIsForAWSResource":true},
        "Null":{"kms:EncryptionContextKeys":"false"},
        "IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},
        "NotIpAddress":{"aws:SourceIp":"198.51.100.7"},
        "ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/App*"},
        "BinaryEquals":{"kms:EncryptionContext:blob":"QmluYXJ5"}})"),
     true, nullptr},
    {"QualifiersAndIfExists", with_condition(R"({
        "ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["tenant","purpose"]},
        "ForAnyValue:StringLikeIfExists":{"kms:GrantOperations":"Re*"},
        "DateLessThanIfExists":{"aws:CurrentTime":"1893456000"},
        "foranyvalue:stringequals":{"kms:ResourceAliases":"alias/app"}})"),
     true, nullptr},
    {"EveryKnownKeyFamily", with_condition(R"({"StringEquals":{
        "kms:EncryptionContext:Tenant":"a","kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"ENCRYPT_DECRYPT",
        "kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT","kms:SigningAlgorithm":"ECDSA_SHA_256",
        "aws:PrincipalTag/team":"x","aws:ResourceTag/project":"y","aws:RequestTag/env":"prod",
        "AWS:PRINCIPALARN":"arn:aws:iam::111122223333:role/AppRole"}})"),
     true, nullptr},
    {"EmptyCondition", with_condition("{}"), true, nullptr},
    {"PolicyVariableIsLiteralUnder2008",
     R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/${aws:username}"}})",
     true, nullptr},
};
INSTANTIATE_TEST_SUITE_P(Accepted, ParseTest, ::testing::ValuesIn(kAccepted), case_name);

// ---------------------------------------------------------------------------------------------
// Refused, each with a message that names the problem.

const ParseCase kRefused[] = {
    {"NotJson", "this is not json", true, "not valid JSON"},
    {"TruncatedJson", R"({"Statement":[)", true, "not valid JSON"},
    {"NotAnObject", "[]", true, "must be a JSON object"},
    {"NoStatement", R"({"Version":"2012-10-17"})", true, "no Statement"},
    {"EmptyStatementList", R"({"Version":"2012-10-17","Statement":[]})", true, "empty"},
    {"StatementNotAnObject", R"({"Statement":["Allow"]})", true, "must be a JSON object"},
    {"UnknownTopLevelElement",
     R"({"Statements":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})", true,
     "unknown element \"Statements\""},
    {"UnknownVersion",
     R"({"Version":"2020-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
     true, "Version"},
    {"IdNotAString",
     R"({"Id":7,"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
     true, "Id must be a string"},
    {"UnknownStatementElement",
     R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Effects":"Allow"}})",
     true, "unknown element \"Effects\""},
    {"SidNotAString",
     R"({"Statement":{"Sid":1,"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
     true, "Sid must be a string"},
    {"MissingEffect", R"({"Statement":{"Principal":"*","Action":"kms:*","Resource":"*"}})", true,
     "missing Effect"},
    {"EffectInLowerCase",
     R"({"Statement":{"Effect":"allow","Principal":"*","Action":"kms:*","Resource":"*"}})", true,
     "Effect must be \"Allow\" or \"Deny\""},
    {"EffectNotAString",
     R"({"Statement":{"Effect":true,"Principal":"*","Action":"kms:*","Resource":"*"}})", true,
     "Effect must be"},
    {"MissingAction", key_policy(R"("Resource":"*")"), true, "missing Action"},
    {"ActionAndNotAction",
     key_policy(R"("Action":"kms:*","NotAction":"kms:Decrypt","Resource":"*")"), true,
     "both Action and NotAction"},
    {"ActionWithoutService", key_policy(R"("Action":"Encrypt","Resource":"*")"), true,
     "Action \"Encrypt\""},
    {"ActionEmptyName", key_policy(R"("Action":"kms:","Resource":"*")"), true, "Action \"kms:\""},
    {"ActionNotAString", key_policy(R"("Action":42,"Resource":"*")"), true,
     "Action must be a string or a non-empty list of strings"},
    {"ActionEmptyList", key_policy(R"("Action":[],"Resource":"*")"), true, "non-empty list"},
    {"ActionListOfNumbers", key_policy(R"("Action":["kms:Encrypt",1],"Resource":"*")"), true,
     "list of strings"},
    {"MissingResource", key_policy(R"("Action":"kms:*")"), true, "missing Resource"},
    {"ResourceNotAnArn", key_policy(R"("Action":"kms:*","Resource":"key/1234")"), true,
     "Resource \"key/1234\" must be \"*\" or an ARN"},
    {"ResourceWithPolicyVariable",
     key_policy(R"("Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/${aws:username}")"),
     true, "policy variable"},
    {"MissingPrincipalInAKeyPolicy",
     R"({"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}})", true,
     "missing Principal"},
    {"PrincipalInAnIdentityPolicy",
     R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})", false,
     "must not name a Principal"},
    {"PrincipalAndNotPrincipal",
     R"({"Statement":{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}})",
     true, "both Principal and NotPrincipal"},
    {"PrincipalStringNotStar",
     R"({"Statement":{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root","Action":"kms:*","Resource":"*"}})",
     true, "Principal must be \"*\" or an object"},
    {"PrincipalWildcardArn",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"kms:*","Resource":"*"}})",
     true, "has a wildcard"},
    {"PrincipalNotAnArn",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"Alice"},"Action":"kms:*","Resource":"*"}})",
     true, "invalid principals"},
    {"PrincipalShortAccountId",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"11112222333"},"Action":"kms:*","Resource":"*"}})",
     true, "invalid principals"},
    {"PrincipalNotIam",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:kms:us-east-1:111122223333:key/k"},"Action":"kms:*","Resource":"*"}})",
     true, "invalid principals"},
    {"PrincipalFederated",
     R"({"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"kms:*","Resource":"*"}})",
     true, "\"Federated\" is not supported"},
    {"PrincipalEmptyObject",
     R"({"Statement":{"Effect":"Allow","Principal":{},"Action":"kms:*","Resource":"*"}})", true,
     "Principal must be"},
    {"PrincipalAwsNumber",
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":111122223333},"Action":"kms:*","Resource":"*"}})",
     true, "Principal AWS must be a string"},
    {"UnknownOperator", with_condition(R"({"StringEqualz":{"kms:CallerAccount":"1"}})"), true,
     "StringEqualz is not a valid condition operator"},
    {"UnknownQualifier",
     with_condition(R"({"ForSomeValues:StringEquals":{"kms:CallerAccount":"1"}})"), true,
     "not a valid condition operator"},
    {"NullIfExists", with_condition(R"({"NullIfExists":{"kms:CallerAccount":"true"}})"), true,
     "Null takes neither"},
    {"UnknownConditionKey", with_condition(R"({"StringEquals":{"kms:NoSuchKey":"1"}})"), true,
     "kms:NoSuchKey is not a condition key"},
    {"UnknownGlobalConditionKey", with_condition(R"({"StringEquals":{"aws:SourceVpce":"vpce-1"}})"),
     true, "aws:SourceVpce is not a condition key"},
    {"EncryptionContextWithoutAName",
     with_condition(R"({"StringEquals":{"kms:EncryptionContext:":"1"}})"), true,
     "is not a condition key"},
    {"NumericValueNotANumber",
     with_condition(R"({"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"abc"}})"),
     true, "\"abc\" is not a number"},
    {"DateValueNotADate", with_condition(R"({"DateLessThan":{"aws:CurrentTime":"yesterday"}})"),
     true, "is not an ISO 8601 date"},
    {"DateValueImpossibleDay",
     with_condition(R"({"DateLessThan":{"aws:CurrentTime":"2023-02-29"}})"), true,
     "is not an ISO 8601 date"},
    {"BoolValueNotABoolean", with_condition(R"({"Bool":{"aws:SecureTransport":"yes"}})"), true,
     "\"yes\" is not \"true\" or \"false\""},
    {"IpAddressNotAnAddress", with_condition(R"({"IpAddress":{"aws:SourceIp":"300.1.1.1/8"}})"),
     true, "is not an IP address or CIDR range"},
    {"IpAddressPrefixTooLong", with_condition(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}})"),
     true, "is not an IP address or CIDR range"},
    {"ConditionValueObject", with_condition(R"({"StringEquals":{"kms:CallerAccount":{"a":1}}})"),
     true, "must be a string, a number, a boolean"},
    {"ConditionValueNull", with_condition(R"({"StringEquals":{"kms:CallerAccount":null}})"), true,
     "must be a string, a number, a boolean"},
    {"ConditionNoValues", with_condition(R"({"StringEquals":{"kms:CallerAccount":[]}})"), true,
     "has no values"},
    {"ConditionNotAnObject", with_condition(R"(["StringEquals"])"), true,
     "Condition must be a JSON object"},
    {"ConditionOperatorWithoutKeys", with_condition(R"({"StringEquals":"kms:CallerAccount"})"),
     true, "must map condition keys to values"},
    {"ConditionValueWithPolicyVariable",
     with_condition(R"({"StringEquals":{"aws:PrincipalArn":"${aws:username}"}})"), true,
     "policy variable"},
    {"ErrorNamesTheStatement",
     R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
                      {"Sid":"Second","Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}]})",
     true, "Statement 2 (\"Sid\": \"Second\")"},
};
INSTANTIATE_TEST_SUITE_P(Refused, ParseTest, ::testing::ValuesIn(kRefused), case_name);

TEST(PolicyDocument, RemembersTheVersion) {
  EXPECT_EQ(PolicyDocument::parse(key_policy(R"("Action":"kms:*","Resource":"*")"), true).version(),
            "2012-10-17");
  EXPECT_EQ(
      PolicyDocument::parse(
          R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
          true)
          .version(),
      "2008-10-17");
}

}  // namespace
}  // namespace coffer::core::policy
