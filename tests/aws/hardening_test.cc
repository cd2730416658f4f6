// Issue 12 regressions on the AWS JSON request path, in process: bytes a peer chooses never
// break the error response, the signature covers every header that picks the operation,
// an unauthenticated peer creates nothing, and key policies are never silently dropped.
#include <gtest/gtest.h>

#include "common/utf8.h"
#include "tests/aws/json_api_fixture.h"

namespace coffer::server::aws {
namespace {

HttpRequest raw_request(std::initializer_list<std::pair<std::string, std::string>> headers,
                        const std::string& body = "{}") {
  HttpRequest r{http::verb::post, "/", 11};
  for (const auto& [k, v] : headers) r.set(k, v);
  r.body() = body;
  r.prepare_payload();
  return r;
}

// The answer is a JSON object in valid UTF-8 with the AWS error type in body and header.
Json error_of(const HttpResponse& res, const std::string& type) {
  EXPECT_TRUE(is_valid_utf8(res.body())) << res.body();
  Json body = Json::parse(res.body(), nullptr, false);
  EXPECT_TRUE(body.is_object()) << res.body();
  if (!body.is_object()) return Json::object();
  EXPECT_EQ(body["__type"], type) << res.body();
  EXPECT_EQ(res["x-amzn-ErrorType"], type);
  return body;
}

// Defect 1: an Authorization of one invalid byte threw type_error.316 out of the handler
// (and, on a worker, ended cofferd).
TEST_F(JsonApiTest, InvalidUtf8InAnyEchoedHeaderGetsAJsonError) {
  const std::string bad = "\xff\xfe\xc3";
  const std::vector<std::pair<std::string, std::string>> cases[] = {
      {{"Authorization", bad}},
      {{"Authorization", "AWS4-HMAC-SHA256 " + bad}},
      {{"Authorization",
        "AWS4-HMAC-SHA256 Credential=" + bad + "/x, SignedHeaders=host, Signature=00"}},
      {{"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/eu-west-1/kms/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00"},
       {"X-Amz-Date", bad}},
      {{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/2026" + bad +
                             "/eu-west-1/kms/aws4_request, "
                             "SignedHeaders=host;x-amz-date, Signature=00"},
       {"X-Amz-Date", "20260101T000000Z"}},
  };
  for (const auto& headers : cases) {
    HttpRequest r{http::verb::post, "/", 11};
    r.set("Host", "localhost");
    for (const auto& [k, v] : headers) r.set(k, v);
    const auto res = handler_->handle(r);
    EXPECT_EQ(res.result_int(), 400);
    const Json body = error_of(res, res["x-amzn-ErrorType"]);
    const std::string message = body.value("message", "");
    EXPECT_EQ(message.find('\xff'), std::string::npos) << "raw peer bytes were echoed";
  }
}

TEST_F(JsonApiTest, ErrorResponseNeverThrowsOnWhatItQuotes) {
  const auto res = RequestHandler::error_response(11, true, "ValidationException", 400,
                                                  std::string("bad \xff\x80 bytes\0 here", 18));
  error_of(res, "ValidationException");
}

// Defect 6: X-Amz-Target outside SignedHeaders let a captured DescribeKey be replayed as
// ScheduleKeyDeletion.
TEST_F(JsonApiTest, UnsignedTargetOrContentTypeIsRefusedAndRunsNothing) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  for (const std::vector<std::string>& signed_headers :
       {std::vector<std::string>{"host", "x-amz-date"},
        std::vector<std::string>{"host", "x-amz-date", "x-amz-target"}}) {
    SignedRequest s;
    s.headers = {{"Host", "localhost"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.ScheduleKeyDeletion"}};
    const std::string body = Json{{"KeyId", key}, {"PendingWindowInDays", 7}}.dump();
    s.body = body;
    sign(s, "AKIDTEST", "test-secret", amz_date_of(std::chrono::system_clock::now()), "eu-west-1",
         "kms", signed_headers);
    HttpRequest r{http::verb::post, "/", 11};
    for (const auto& [k, v] : s.headers) r.set(k, v);
    r.body() = body;
    r.prepare_payload();
    const auto res = handler_->handle(r);
    EXPECT_EQ(res.result_int(), 400);
    const Json error = error_of(res, "IncompleteSignatureException");
    EXPECT_NE(error.value("message", "").find("must be a 'SignedHeader'"), std::string::npos);
  }
  EXPECT_EQ(ok("DescribeKey", {{"KeyId", key}})["KeyMetadata"]["KeyState"], "Enabled");
}

TEST_F(JsonApiTest, OperationLabelsAreOnlyOperationsServed) {
  EXPECT_EQ(RequestHandler::operation_of(raw_request({{"X-Amz-Target", "TrentService.Encrypt"}})),
            "Encrypt");
  EXPECT_EQ(RequestHandler::operation_of(raw_request({{"X-Amz-Target", "TrentService.Made-Up-1"}})),
            "other");
  EXPECT_EQ(RequestHandler::operation_of(raw_request({{"X-Amz-Target", "Other.Encrypt"}})),
            "other");
  EXPECT_EQ(RequestHandler::operation_of(raw_request({})), "other");
}

// Defect 7: authentication decided from the cache alone on the network thread; unknown ids
// go to a worker; a refusal that needs no credentials is given at once.
TEST_F(JsonApiTest, CachedAuthenticationDecidesWithoutTheStore) {
  int store_lookups = 0;
  RequestHandler handler(
      regions_, VerifierOptions{},
      [&](const std::string&) -> std::optional<Credentials> {
        ++store_lookups;
        return Credentials{"tester", SecretBytes(as_bytes(std::string("test-secret")))};
      },
      {},
      [](const std::string& id) {
        if (id == "AKIDCACHED") {
          return CachedCredentials{
              CachedCredentials::Known::kValid,
              Credentials{"tester", SecretBytes(as_bytes(std::string("test-secret")))}};
        }
        if (id == "AKIDREFUSED")
          return CachedCredentials{CachedCredentials::Known::kInvalid, std::nullopt};
        return CachedCredentials{};
      });
  auto signed_as = [](const std::string& akid) {
    SignedRequest s;
    s.headers = {{"Host", "localhost"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.ListKeys"}};
    s.body = "{}";
    sign(s, akid, "test-secret", amz_date_of(std::chrono::system_clock::now()), "eu-west-1", "kms");
    HttpRequest r{http::verb::post, "/", 11};
    for (const auto& [k, v] : s.headers) r.set(k, v);
    r.body() = "{}";
    r.prepare_payload();
    return r;
  };
  auto cached = handler.authenticate(signed_as("AKIDCACHED"), true);
  ASSERT_TRUE(cached.verified);
  EXPECT_EQ(handler.execute(signed_as("AKIDCACHED"), *cached.verified).result_int(), 200);
  auto refused = handler.authenticate(signed_as("AKIDREFUSED"), true);
  ASSERT_TRUE(refused.refusal);
  error_of(*refused.refusal, "UnrecognizedClientException");
  auto unsigned_request = handler.authenticate(raw_request({{"Host", "x"}}), true);
  ASSERT_TRUE(unsigned_request.refusal);
  error_of(*unsigned_request.refusal, "MissingAuthenticationTokenException");
  auto unknown = handler.authenticate(signed_as("AKIDUNKNOWN"), true);
  EXPECT_FALSE(unknown.verified);
  EXPECT_FALSE(unknown.refusal);
  EXPECT_EQ(store_lookups, 0);
  EXPECT_TRUE(handler.authenticate(signed_as("AKIDUNKNOWN"), false).verified);
  EXPECT_EQ(store_lookups, 1);
}

// An anonymous peer naming a new region must not make a KmsService (and its scheduler).
TEST(AwsRegionsHardening, OnlyAuthenticatedRequestsCreateRegionsAndTheirNumberIsCapped) {
  int made = 0;
  TempToken temp;
  pkcs11::Token token(temp.config(1));
  core::SqliteStore store(temp.dir() + "/coffer.db");
  core::SystemClock clock;
  AwsRegions regions(true, [&](const std::string& region) {
    ++made;
    core::KmsConfig config;
    config.region = region;
    return std::make_unique<core::KmsService>(token, store, clock, config);
  });
  RequestHandler handler(
      regions, VerifierOptions{},
      [](const std::string&) -> std::optional<Credentials> { return std::nullopt; });
  SignedRequest s;
  s.headers = {{"Host", "localhost"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "TrentService.ListKeys"}};
  s.body = "{}";
  sign(s, "AKIDNOBODY", "guess", amz_date_of(std::chrono::system_clock::now()), "ap-anon-1", "kms");
  HttpRequest r{http::verb::post, "/", 11};
  for (const auto& [k, v] : s.headers) r.set(k, v);
  r.body() = "{}";
  r.prepare_payload();
  EXPECT_EQ(handler.handle(r).result_int(), 400);
  EXPECT_EQ(made, 0);
  EXPECT_FALSE(regions.serves("ap-anon-1"));

  for (std::size_t i = 0; i < AwsRegions::kMaxDynamicRegions; ++i)
    regions.at("r-" + std::to_string(i));
  EXPECT_EQ(made, static_cast<int>(AwsRegions::kMaxDynamicRegions));
  EXPECT_THROW(regions.at("one-too-many"), AwsError);
}

// Defect 2: a Policy was accepted and dropped. Policies are now evaluated (issue 16): what a
// key policy says is what the endpoint does, and a policy that would lock its author out is
// refused unless BypassPolicyLockoutSafetyCheck says otherwise.
TEST_F(JsonApiTest, KeyPoliciesAreStoredAndEnforced) {
  const auto before = ok("ListKeys", Json::object())["Keys"].size();
  const std::string deny_only = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
      "Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}]})";
  // Nothing allows the caller to change it again: the lockout safety check refuses it.
  error_of(call("CreateKey", Json{{"Policy", deny_only}}.dump()),
           "MalformedPolicyDocumentException");
  error_of(call("CreateKey", Json{{"Policy", "{not json"}}.dump()),
           "MalformedPolicyDocumentException");
  EXPECT_EQ(ok("ListKeys", Json::object())["Keys"].size(), before)
      << "a refused CreateKey made a key";

  // The default policy (what AWS writes when Policy is left out).
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  const Json got = ok("GetKeyPolicy", {{"KeyId", key}, {"PolicyName", "default"}});
  EXPECT_EQ(got["PolicyName"], "default");
  const std::string default_policy = got["Policy"];
  const Json policy = Json::parse(default_policy);
  EXPECT_EQ(policy["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::123456789012:root");
  EXPECT_EQ(ok("ListKeyPolicies", {{"KeyId", key}})["PolicyNames"], Json::array({"default"}));

  // The default plus a Deny of Decrypt to everyone: Encrypt works, Decrypt is denied as AWS
  // words it, and GetKeyPolicy returns the document as put.
  Json denying = policy;
  denying["Statement"].push_back(Json::parse(deny_only)["Statement"][0]);
  ok("PutKeyPolicy", {{"KeyId", key}, {"Policy", denying.dump()}, {"PolicyName", "default"}});
  EXPECT_EQ(ok("GetKeyPolicy", {{"KeyId", key}, {"PolicyName", "default"}})["Policy"],
            denying.dump());
  const Json sealed = ok("Encrypt", {{"KeyId", key}, {"Plaintext", "aGVsbG8="}});
  auto denied = call("Decrypt", Json{{"CiphertextBlob", sealed["CiphertextBlob"]}}.dump());
  const Json reason = error_of(denied, "AccessDeniedException");
  const std::string message = reason.value("message", "");
  EXPECT_NE(message.find("User: arn:aws:iam::123456789012:root is not authorized to perform: "
                         "kms:Decrypt on resource: arn:aws:kms:"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("explicit deny"), std::string::npos) << message;

  // Back to the default: Decrypt works again at once.
  ok("PutKeyPolicy", {{"KeyId", key}, {"Policy", default_policy}, {"PolicyName", "default"}});
  EXPECT_EQ(ok("Decrypt", {{"CiphertextBlob", sealed["CiphertextBlob"]}})["Plaintext"], "aGVsbG8=");
  // The lockout check can be bypassed, as AWS allows; then the key is out of reach.
  ok("PutKeyPolicy",
     {{"KeyId", key}, {"Policy", deny_only}, {"BypassPolicyLockoutSafetyCheck", true}});
  error_of(call("DescribeKey", Json{{"KeyId", key}}.dump()), "AccessDeniedException");
}

}  // namespace
}  // namespace coffer::server::aws
