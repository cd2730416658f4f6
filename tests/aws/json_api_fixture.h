// A KmsService on a throw-away token behind a RequestHandler, and helpers to send it
// signed requests: the fixture of the in-process AWS JSON API tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/hex.h"
#include "core/store/sqlite_store.h"
#include "server/aws/aws_error.h"
#include "server/aws/json_fields.h"
#include "server/aws/request_handler.h"
#include "tests/support/temp_token.h"

namespace coffer::server::aws {

using coffer::testing::TempToken;

class JsonApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_ = std::make_unique<pkcs11::Token>(temp_.config(2));
    store_ = std::make_unique<core::SqliteStore>(temp_.dir() + "/coffer.db");
    core::KmsConfig config;
    config.region = "eu-west-1";
    config.account_id = "123456789012";
    kms_ = std::make_unique<core::KmsService>(*token_, *store_, clock_, config);
    regions_.add("eu-west-1", *kms_);
    handler_ = std::make_unique<RequestHandler>(
        regions_, VerifierOptions{}, [](const std::string& id) -> std::optional<Credentials> {
          if (id != "AKIDTEST") return std::nullopt;
          return Credentials{"tester", SecretBytes(as_bytes(std::string("test-secret")))};
        });
  }

  HttpResponse call(const std::string& op, const std::string& body,
                    const std::string& region = "eu-west-1") {
    SignedRequest s;
    s.headers = {{"Host", "localhost"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService." + op}};
    s.body = body;
    sign(s, "AKIDTEST", "test-secret", amz_date_of(std::chrono::system_clock::now()), region,
         "kms");
    HttpRequest r{http::verb::post, "/", 11};
    for (const auto& [k, v] : s.headers) r.set(k, v);
    r.body() = body;
    r.prepare_payload();
    return handler_->handle(r);
  }

  Json ok(const std::string& op, const Json& body) {
    auto res = call(op, body.dump());
    EXPECT_EQ(res.result_int(), 200) << op << ": " << res.body();
    return res.body().empty() ? Json::object() : Json::parse(res.body());
  }

  std::string error_type(const HttpResponse& res) { return Json::parse(res.body())["__type"]; }

  TempToken temp_;
  core::SystemClock clock_;
  std::unique_ptr<pkcs11::Token> token_;
  std::unique_ptr<core::SqliteStore> store_;
  std::unique_ptr<core::KmsService> kms_;
  AwsRegions regions_;
  std::unique_ptr<RequestHandler> handler_;
};

}  // namespace coffer::server::aws
