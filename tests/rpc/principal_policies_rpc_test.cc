// coffer.v1.Principals over a real RpcServer, KmsService, token and audit trail (issue 16):
// the account's root attaches identity policies online and they take effect on the next
// request; a role may manage policies only when an identity policy grants it
// iam:PutRolePolicy (...) on the role's ARN, and an explicit Deny wins; bad documents, names
// and principals are refused with nothing stored; every call is audited.
#include <gmock/gmock.h>

#include "coffer/v1/principals.pb.h"
#include "core/audit/audit_log.h"
#include "core/audit/audit_query.h"
#include "core/audit/openssl_digest_signer.h"
#include "server/audit/request_auditor.h"
#include "tests/rpc/rpc_server_fixture.h"

namespace coffer::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr const char* kAccount = "111122223333";  // KmsConfig's default
constexpr const char* kRoleArn = "arn:aws:iam::111122223333:role/AppRole";
constexpr const char* kAllowEncrypt =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]})";

std::string allow(const std::string& action, const std::string& resource = "*") {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action +
         R"(","Resource":")" + resource + R"("}]})";
}

class PrincipalPoliciesRpcTest : public RpcServerTest {
 protected:
  void SetUp() override {
    core::audit::AuditLog::Options audit_options;
    audit_dir_ = temp_.dir() + "/audit";
    audit_options.directory = audit_dir_;
    audit_options.signer =
        core::audit::openssl_digest_signer(core::audit::generate_ec_private_key_pem());
    log_ = core::audit::AuditLog::open(std::move(audit_options));
    auditor_ = std::make_unique<server::audit::RequestAuditor>(*log_);
    server::rpc::RpcServerOptions options;
    options.auditor = auditor_.get();
    options.audit_region = "us-east-1";
    options.audit_account_id = kAccount;
    start_server(options);
    root_ = api_key();
    const auto role = keys_->create("role/AppRole");
    role_ = role.access_key_id + ":" + role.secret;
    role_key_id_ = role.access_key_id;
    auto socket = connect();
    key_id_ = create_key(socket);
  }
  void TearDown() override {
    server_.reset();
    auditor_.reset();
    log_.reset();
  }

  // One request on a fresh connection as the holder of `key`.
  v1::ResponseFrame call(const std::string& key, std::string_view operation,
                         const google::protobuf::Message& payload) {
    auto socket = connect();
    v1::RequestFrame frame;
    frame.set_request_id(++request_id_);
    frame.set_method(std::string(core::api::rpc_method(*op_named(operation))));
    frame.set_payload(payload.SerializeAsString());
    frame.set_api_key(key);
    send(socket, frame);
    auto response = receive(socket);
    EXPECT_TRUE(response.has_value());
    return response ? *response : v1::ResponseFrame();
  }
  static std::optional<core::api::Operation> op_named(std::string_view name) {
    for (const auto& op : core::api::all_operations())
      if (op.aws_name == name && !op.rpc_method.empty()) return op.operation;
    ADD_FAILURE() << "no rpc operation " << name;
    return std::nullopt;
  }
  static std::string error_of(const v1::ResponseFrame& response) {
    return response.has_error() ? response.error().code() : "OK";
  }

  v1::ResponseFrame put(const std::string& key, const std::string& principal,
                        const std::string& name, const std::string& document) {
    v1::PutPrincipalPolicyRequest request;
    request.set_principal(principal);
    request.set_policy_name(name);
    request.set_policy_document(document);
    return call(key, "PutPrincipalPolicy", request);
  }
  // Get or Delete of one named policy.
  template <class Request>
  v1::ResponseFrame named(std::string_view operation, const std::string& key,
                          const std::string& principal, const std::string& name) {
    Request request;
    request.set_principal(principal);
    request.set_policy_name(name);
    return call(key, operation, request);
  }
  v1::ResponseFrame get(const std::string& key, const std::string& principal,
                        const std::string& name) {
    return named<v1::GetPrincipalPolicyRequest>("GetPrincipalPolicy", key, principal, name);
  }
  v1::ResponseFrame remove(const std::string& key, const std::string& principal,
                           const std::string& name) {
    return named<v1::DeletePrincipalPolicyRequest>("DeletePrincipalPolicy", key, principal, name);
  }
  v1::ListPrincipalPoliciesResponse list(const std::string& principal,
                                         std::optional<int> max_items = std::nullopt,
                                         std::optional<std::string> marker = std::nullopt) {
    v1::ListPrincipalPoliciesRequest request;
    request.set_principal(principal);
    if (max_items) request.set_max_items(*max_items);
    if (marker) request.set_marker(*marker);
    const auto response = call(root_, "ListPrincipalPolicies", request);
    EXPECT_EQ(error_of(response), "OK") << response.error().message();
    v1::ListPrincipalPoliciesResponse out;
    out.ParseFromString(response.payload());
    return out;
  }
  v1::ResponseFrame encrypt(const std::string& key) {
    v1::EncryptRequest request;
    request.set_key_id(key_id_);
    request.set_plaintext("hello");
    return call(key, "Encrypt", request);
  }
  std::vector<Json> events(const std::string& event_name) {
    core::audit::AuditFilter filter;
    filter.event_name = event_name;
    filter.limit = 0;
    return core::audit::query_audit(audit_dir_, filter);
  }

  std::string audit_dir_;
  std::unique_ptr<core::audit::AuditLog> log_;
  std::unique_ptr<server::audit::RequestAuditor> auditor_;
  std::string root_, role_, role_key_id_, key_id_;
  std::uint64_t request_id_ = 100;
};

TEST_F(PrincipalPoliciesRpcTest, TheRootAttachesAPolicyAndTheRoleMayEncryptAtOnce) {
  const auto before = encrypt(role_);
  EXPECT_EQ(error_of(before), "AccessDeniedException");
  EXPECT_THAT(before.error().message(), HasSubstr("User: " + std::string(kRoleArn) +
                                                  " is not authorized to perform: "
                                                  "kms:Encrypt"));
  // The refusal above cached the role's (empty) policies: the put must drop that entry.
  ASSERT_EQ(error_of(put(root_, "role/AppRole", "Encrypt", kAllowEncrypt)), "OK");
  EXPECT_EQ(error_of(encrypt(role_)), "OK");
}

TEST_F(PrincipalPoliciesRpcTest, TheRoleMayNotManagePoliciesUnlessAnIdentityPolicyAllows) {
  const auto refused = put(role_, "role/AppRole", "Mine", allow("*"));
  EXPECT_EQ(error_of(refused), "AccessDeniedException");
  EXPECT_EQ(refused.error().message(),
            "User: " + std::string(kRoleArn) +
                " is not authorized to perform: "
                "iam:PutRolePolicy on resource: " +
                kRoleArn + " because no identity-based policy allows the iam:PutRolePolicy action");
  EXPECT_EQ(list("role/AppRole").policy_names_size(), 0);

  ASSERT_EQ(error_of(put(root_, "role/AppRole", "SelfService",
                         allow("iam:PutRolePolicy", "arn:aws:iam::*:role/AppRole"))),
            "OK");
  EXPECT_EQ(error_of(put(role_, "role/AppRole", "Encrypt", kAllowEncrypt)), "OK");
  EXPECT_EQ(error_of(encrypt(role_)), "OK");
  // Only what was granted: not Get, not another role, and a user is iam:PutUserPolicy.
  EXPECT_EQ(error_of(get(role_, "role/AppRole", "Encrypt")), "AccessDeniedException");
  EXPECT_EQ(error_of(put(role_, "role/Other", "Encrypt", kAllowEncrypt)), "AccessDeniedException");
  const auto user = put(role_, "user/bob", "Encrypt", kAllowEncrypt);
  EXPECT_THAT(user.error().message(), HasSubstr("iam:PutUserPolicy on resource: "
                                                "arn:aws:iam::111122223333:user/bob"));
}

TEST_F(PrincipalPoliciesRpcTest, AnExplicitDenyWins) {
  ASSERT_EQ(error_of(put(root_, "role/AppRole", "Everything", allow("*"))), "OK");
  ASSERT_EQ(error_of(put(root_, "role/AppRole", "NoIam",
                         R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
                         R"("Action":["iam:*","kms:Encrypt"],"Resource":"*"}]})")),
            "OK");
  const auto refused = put(role_, "role/AppRole", "Mine", allow("*"));
  EXPECT_EQ(error_of(refused), "AccessDeniedException");
  EXPECT_THAT(refused.error().message(),
              HasSubstr("with an explicit deny in an identity-based policy"));
  EXPECT_EQ(error_of(encrypt(role_)), "AccessDeniedException");
  EXPECT_EQ(error_of(remove(role_, "role/AppRole", "NoIam")), "AccessDeniedException");
  // The root holds every permission no Deny names; no identity policy is read for it.
  EXPECT_EQ(error_of(remove(root_, "role/AppRole", "NoIam")), "OK");
  EXPECT_EQ(error_of(encrypt(role_)), "OK");
}

TEST_F(PrincipalPoliciesRpcTest, GetReturnsTheDocumentAndDeleteTakesTheAccessAway) {
  ASSERT_EQ(error_of(put(root_, kRoleArn, "Encrypt", kAllowEncrypt)), "OK");
  const auto got = get(root_, "role/AppRole", "Encrypt");
  ASSERT_EQ(error_of(got), "OK");
  v1::GetPrincipalPolicyResponse document;
  ASSERT_TRUE(document.ParseFromString(got.payload()));
  EXPECT_EQ(document.policy_document(), kAllowEncrypt);
  EXPECT_EQ(document.principal(), kRoleArn);
  EXPECT_EQ(document.policy_name(), "Encrypt");
  EXPECT_EQ(error_of(encrypt(role_)), "OK");

  ASSERT_EQ(error_of(remove(root_, "role/AppRole", "Encrypt")), "OK");
  EXPECT_EQ(error_of(encrypt(role_)), "AccessDeniedException");  // at once, not after 1 s
  const auto missing = get(root_, "role/AppRole", "Encrypt");
  EXPECT_EQ(error_of(missing), "NotFoundException");
  EXPECT_EQ(missing.error().message(),
            "The role policy with name Encrypt cannot be found on " + std::string(kRoleArn) + ".");
  EXPECT_EQ(error_of(remove(root_, "role/AppRole", "Encrypt")), "NotFoundException");
}

TEST_F(PrincipalPoliciesRpcTest, AMalformedDocumentIsRefusedAndNothingIsStored) {
  EXPECT_EQ(error_of(put(root_, "role/AppRole", "Bad", "{not json")),
            "MalformedPolicyDocumentException");
  // IAM's rules: an identity policy names no Principal.
  EXPECT_EQ(error_of(put(root_, "role/AppRole", "Bad",
                         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                         R"("Principal":"*","Action":"kms:*","Resource":"*"}]})")),
            "MalformedPolicyDocumentException");
  EXPECT_EQ(error_of(put(root_, "role/AppRole", "Bad", std::string(10241, ' '))),
            "MalformedPolicyDocumentException");
  EXPECT_EQ(list("role/AppRole").policy_names_size(), 0);
  EXPECT_EQ(error_of(encrypt(role_)), "AccessDeniedException");
}

TEST_F(PrincipalPoliciesRpcTest, BadPrincipalsAndNamesAreValidationErrors) {
  for (const std::string principal :
       {"admin", "root", "arn:aws:iam::111122223333:root", "arn:aws:iam::999999999999:role/AppRole",
        "group/x", "role/", "role/a//b", "arn:aws:kms:us-east-1:111122223333:key/x", "role/a b"}) {
    const auto refused = put(root_, principal, "P", kAllowEncrypt);
    EXPECT_EQ(error_of(refused), "ValidationException") << principal;
    EXPECT_EQ(error_of(get(root_, principal, "P")), "ValidationException") << principal;
  }
  for (const std::string& name : std::vector<std::string>{"", "bad name", std::string(129, 'n')}) {
    EXPECT_EQ(error_of(put(root_, "role/AppRole", name, kAllowEncrypt)), "ValidationException")
        << name;
  }
  EXPECT_EQ(list("role/AppRole").policy_names_size(), 0);
}

TEST_F(PrincipalPoliciesRpcTest, ListPagesInNameOrder) {
  for (const std::string name : {"c", "a", "b"})
    ASSERT_EQ(error_of(put(root_, "role/AppRole", name, kAllowEncrypt)), "OK");
  const auto first = list("role/AppRole", 2);
  ASSERT_EQ(first.policy_names_size(), 2);
  EXPECT_EQ(first.policy_names(0), "a");
  EXPECT_EQ(first.policy_names(1), "b");
  EXPECT_TRUE(first.is_truncated());
  ASSERT_TRUE(first.has_marker());
  const auto second = list("role/AppRole", 2, first.marker());
  ASSERT_EQ(second.policy_names_size(), 1);
  EXPECT_EQ(second.policy_names(0), "c");
  EXPECT_FALSE(second.is_truncated());
  EXPECT_FALSE(second.has_marker());
  EXPECT_EQ(list("role/AppRole").policy_names_size(), 3);
}

TEST_F(PrincipalPoliciesRpcTest, GetCallerIdentityNeedsNoPermission) {
  const auto response = call(role_, "GetCallerIdentity", v1::GetCallerIdentityRequest());
  ASSERT_EQ(error_of(response), "OK");
  v1::GetCallerIdentityResponse identity;
  ASSERT_TRUE(identity.ParseFromString(response.payload()));
  EXPECT_EQ(identity.arn(), kRoleArn);
  EXPECT_EQ(identity.account(), kAccount);
  EXPECT_EQ(identity.access_key_id(), role_key_id_);
  EXPECT_EQ(identity.user_id(), role_key_id_);
  const auto root = call(root_, "GetCallerIdentity", v1::GetCallerIdentityRequest());
  ASSERT_TRUE(identity.ParseFromString(root.payload()));
  EXPECT_EQ(identity.arn(), "arn:aws:iam::111122223333:root");
}

TEST_F(PrincipalPoliciesRpcTest, EveryCallIsAuditedWithoutTheDocument) {
  ASSERT_EQ(error_of(put(root_, "role/AppRole", "Encrypt", kAllowEncrypt)), "OK");
  EXPECT_EQ(error_of(put(role_, "role/AppRole", "Mine", kAllowEncrypt)), "AccessDeniedException");
  ASSERT_EQ(error_of(remove(root_, "role/AppRole", "Encrypt")), "OK");
  call(role_, "GetCallerIdentity", v1::GetCallerIdentityRequest());

  const auto puts = events("PutPrincipalPolicy");
  ASSERT_EQ(puts.size(), 2u);
  EXPECT_EQ(puts[0]["eventSource"], "iam.amazonaws.com");
  EXPECT_EQ(puts[0]["readOnly"], false);
  EXPECT_EQ(puts[0]["userIdentity"]["arn"], "arn:aws:iam::111122223333:root");
  EXPECT_EQ(puts[0]["requestParameters"]["principal"], "role/AppRole");
  EXPECT_EQ(puts[0]["requestParameters"]["policyName"], "Encrypt");
  EXPECT_FALSE(puts[0]["requestParameters"].contains("policyDocument"));
  EXPECT_FALSE(puts[0].contains("errorCode"));
  EXPECT_EQ(puts[1]["userIdentity"]["arn"], kRoleArn);
  EXPECT_EQ(puts[1]["errorCode"], "AccessDeniedException");
  EXPECT_EQ(events("DeletePrincipalPolicy").size(), 1u);
  const auto whoami = events("GetCallerIdentity");
  ASSERT_EQ(whoami.size(), 1u);
  EXPECT_EQ(whoami[0]["eventSource"], "sts.amazonaws.com");
  EXPECT_EQ(whoami[0]["readOnly"], true);
}

}  // namespace
}  // namespace coffer::testing
