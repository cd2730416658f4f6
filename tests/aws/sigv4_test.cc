// SigV4 verification: signatures botocore made (sigv4_botocore_vectors.json, generated once
// with botocore.auth.SigV4Auth), AWS's published "get-vanilla" example, and every way a
// request can fail authentication.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "server/aws/aws_error.h"
#include "server/aws/sigv4.h"

namespace coffer::server::aws {
namespace {

using Clock = std::chrono::system_clock;

Clock::time_point at(const std::string& amz_date) {
  std::tm tm{};
  strptime(amz_date.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  return Clock::from_time_t(timegm(&tm));
}

SigV4Verifier verifier_for(const std::string& akid, const std::string& secret,
                           VerifierOptions options = {}) {
  return SigV4Verifier(std::move(options),
                       [akid, secret](const std::string& id) -> std::optional<Credentials> {
                         if (id != akid) return std::nullopt;
                         return Credentials{"alice", SecretBytes(as_bytes(secret))};
                       });
}

std::string failure_of(const SigV4Verifier& v, const SignedRequest& r, Clock::time_point now) {
  try {
    v.verify(r, now);
  } catch (const AwsError& e) {
    return e.type();
  }
  return "none";
}

TEST(SigV4, BotocoreVectorsVerify) {
  std::ifstream in(COFFER_SIGV4_VECTORS);
  ASSERT_TRUE(in);
  auto doc = nlohmann::json::parse(in);
  ASSERT_GE(doc["vectors"].size(), 3u);
  for (const auto& v : doc["vectors"]) {
    SignedRequest r;
    r.method = v["method"];
    r.target = v["target"];
    for (const auto& h : v["headers"]) r.headers.emplace_back(h[0], h[1]);
    const std::string body = v["body"];
    r.body = body;
    auto verified = verifier_for(v["access_key_id"], v["secret"]).verify(r, at(v["now"]));
    EXPECT_EQ(verified.principal, "alice");
    EXPECT_EQ(verified.region, v["region"]);

    // The same request signed by Coffer's signer gives botocore's signature.
    SignedRequest ours;
    ours.method = r.method;
    ours.target = r.target;
    for (const auto& [k, value] : r.headers) {
      if (k != "Authorization" && k != "X-Amz-Date") ours.headers.emplace_back(k, value);
    }
    ours.body = body;
    sign(ours, v["access_key_id"], std::string(v["secret"]), v["now"], v["region"], "kms");
    EXPECT_EQ(*ours.header("Authorization"), *r.header("Authorization"));
  }
}

// AWS's SigV4 test suite, "get-vanilla".
TEST(SigV4, AwsTestSuiteGetVanilla) {
  SignedRequest r;
  r.method = "GET";
  r.target = "/";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  const auto canonical = canonical_request(r, {"host", "x-amz-date"}, sha256_hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto key =
      signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
  const auto sts =
      string_to_sign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
  EXPECT_EQ(signature_hex(key, sts),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// AWS's documented signing-key example (IAM, 20150830, us-east-1).
TEST(SigV4, AwsSigningKeyExample) {
  const auto key =
      signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
  EXPECT_EQ(to_hex(key.span()), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

class SigV4Negative : public ::testing::Test {
 protected:
  SignedRequest signed_request(const std::string& secret = "right-secret",
                               const std::string& date = "20261128T120000Z") {
    SignedRequest r;
    r.headers = {{"Host", "127.0.0.1:4599"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.ListKeys"}};
    r.body = body_;
    sign(r, "AKIDALICE", secret, date, "us-east-1", "kms");
    return r;
  }
  // A request whose headers include `name`, all signed (as SDKs sign every x-amz-* header).
  SignedRequest signed_with(const std::string& name, const std::string& value) {
    SignedRequest r;
    r.headers = {{"Host", "127.0.0.1:4599"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.ListKeys"},
                 {name, value}};
    r.body = body_;
    std::string lower_name = name;
    for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sign(r, "AKIDALICE", "right-secret", "20261128T120000Z", "us-east-1", "kms",
         {"content-type", "host", "x-amz-date", "x-amz-target", lower_name});
    return r;
  }
  void set_header(SignedRequest& r, const std::string& name, const std::string& value) {
    for (auto& [k, v] : r.headers) {
      if (k == name) v = value;
    }
  }
  SigV4Verifier verifier_ = verifier_for("AKIDALICE", "right-secret");
  Clock::time_point now_ = at("20261128T120500Z");
  std::string body_ = "{}";
};

TEST_F(SigV4Negative, GoodRequestPasses) {
  EXPECT_EQ(failure_of(verifier_, signed_request(), now_), "none");
}

TEST_F(SigV4Negative, WrongSecret) {
  EXPECT_EQ(failure_of(verifier_, signed_request("wrong-secret"), now_),
            "InvalidSignatureException");
}

TEST_F(SigV4Negative, ExpiredDate) {
  EXPECT_EQ(failure_of(verifier_, signed_request("right-secret", "20261128T114959Z"), now_),
            "InvalidSignatureException");
  EXPECT_EQ(failure_of(verifier_, signed_request("right-secret", "20261128T115000Z"), now_),
            "none");
}

TEST_F(SigV4Negative, FutureDate) {
  EXPECT_EQ(failure_of(verifier_, signed_request("right-secret", "20261128T122001Z"), now_),
            "InvalidSignatureException");
}

// Found by fuzz_aws_request: a date of year 9999 overflowed the clock conversion.
TEST_F(SigV4Negative, DatesOutsideTheClockRangeAreMalformed) {
  for (const char* date : {"99991231T000000Z", "19000101T000000Z", "20260001T000000Z"}) {
    auto r = signed_request();
    set_header(r, "X-Amz-Date", date);
    EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException") << date;
  }
}

TEST_F(SigV4Negative, AlteredBody) {
  auto r = signed_request();
  std::string other = R"({"Limit":1})";
  r.body = other;
  EXPECT_EQ(failure_of(verifier_, r, now_), "InvalidSignatureException");
}

TEST_F(SigV4Negative, AlteredSignedHeader) {
  auto r = signed_request();
  set_header(r, "X-Amz-Target", "TrentService.CreateKey");
  EXPECT_EQ(failure_of(verifier_, r, now_), "InvalidSignatureException");
}

TEST_F(SigV4Negative, UnsignedHeaderMayChange) {
  auto r = signed_request();
  r.headers.emplace_back("User-Agent", "anything");
  EXPECT_EQ(failure_of(verifier_, r, now_), "none");
}

TEST_F(SigV4Negative, UnknownAccessKey) {
  auto other = verifier_for("AKIDBOB", "right-secret");
  EXPECT_EQ(failure_of(other, signed_request(), now_), "UnrecognizedClientException");
}

TEST_F(SigV4Negative, MissingAuthorization) {
  auto r = signed_request();
  std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_EQ(failure_of(verifier_, r, now_), "MissingAuthenticationTokenException");
}

TEST_F(SigV4Negative, MalformedAuthorization) {
  auto r = signed_request();
  set_header(r, "Authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDALICE/20261128/us-east-1/kms/aws4_request");
  EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException");
  set_header(r, "Authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException");
}

TEST_F(SigV4Negative, MissingDateHeader) {
  auto r = signed_request();
  std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException");
}

TEST_F(SigV4Negative, HostMustBeSigned) {
  SignedRequest r;
  r.headers = {{"Host", "h"}, {"X-Amz-Target", "TrentService.ListKeys"}};
  r.body = body_;
  sign(r, "AKIDALICE", "right-secret", "20261128T120000Z", "us-east-1", "kms",
       {"x-amz-date", "x-amz-target"});
  EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException");
}

TEST_F(SigV4Negative, WrongServiceInScope) {
  SignedRequest r;
  r.headers = {{"Host", "h"}};
  r.body = body_;
  sign(r, "AKIDALICE", "right-secret", "20261128T120000Z", "us-east-1", "s3",
       {"host", "x-amz-date"});
  EXPECT_EQ(failure_of(verifier_, r, now_), "InvalidSignatureException");
}

TEST_F(SigV4Negative, ContentHashHeaderMustMatchBody) {
  auto r = signed_with("X-Amz-Content-Sha256", sha256_hex("something else"));
  EXPECT_EQ(failure_of(verifier_, r, now_), "InvalidSignatureException");
}

// Issue 12, defect 6: a header that changes what the request means must be signed.
TEST_F(SigV4Negative, UnsignedAmzHeadersAndContentTypeAreRefused) {
  auto r = signed_request();
  r.headers.emplace_back("X-Amz-Content-Sha256", sha256_hex(body_));
  EXPECT_EQ(failure_of(verifier_, r, now_), "IncompleteSignatureException");
  SignedRequest no_target;
  no_target.headers = {{"Host", "h"},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "TrentService.ScheduleKeyDeletion"}};
  no_target.body = body_;
  sign(no_target, "AKIDALICE", "right-secret", "20261128T120000Z", "us-east-1", "kms",
       {"content-type", "host", "x-amz-date"});
  EXPECT_EQ(failure_of(verifier_, no_target, now_), "IncompleteSignatureException");
  SignedRequest no_type;
  no_type.headers = {
      {"Host", "h"}, {"Content-Type", "text/plain"}, {"X-Amz-Target", "TrentService.ListKeys"}};
  no_type.body = body_;
  sign(no_type, "AKIDALICE", "right-secret", "20261128T120000Z", "us-east-1", "kms",
       {"host", "x-amz-date", "x-amz-target"});
  EXPECT_EQ(failure_of(verifier_, no_type, now_), "IncompleteSignatureException");
}

TEST_F(SigV4Negative, SecurityTokenOnlyWhereConfigured) {
  auto r = signed_with("X-Amz-Security-Token", "token");
  EXPECT_EQ(failure_of(verifier_, r, now_), "UnrecognizedClientException");
  VerifierOptions options;
  options.accept_security_token = true;
  EXPECT_EQ(failure_of(verifier_for("AKIDALICE", "right-secret", options), r, now_), "none");
}

TEST_F(SigV4Negative, RegionNotServed) {
  SigV4Verifier v(
      {},
      [](const std::string&) -> std::optional<Credentials> {
        return Credentials{"a", SecretBytes()};
      },
      [](const std::string& region) {
        if (region != "eu-west-1")
          throw invalid_signature("Credential should be scoped to a valid region");
      });
  EXPECT_EQ(failure_of(v, signed_request(), now_), "InvalidSignatureException");
}

}  // namespace
}  // namespace coffer::server::aws
