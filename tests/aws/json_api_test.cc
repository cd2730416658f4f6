// The AWS JSON API in process: signed requests through RequestHandler to a KmsService on
// a throw-away token. Checks response shapes (AWS member names, base64 blobs, epoch-second
// timestamps) and error names and statuses.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/hex.h"
#include "core/store/sqlite_store.h"
#include "server/aws/aws_error.h"
#include "server/aws/json_fields.h"
#include "server/aws/request_handler.h"
#include "tests/aws/json_api_fixture.h"
#include "tests/support/temp_token.h"

namespace coffer::server::aws {
namespace {

TEST_F(JsonApiTest, CreateKeyShape) {
  auto out = ok("CreateKey",
                {{"Description", "d"}, {"Tags", {{{"TagKey", "team"}, {"TagValue", "blue"}}}}});
  const auto& m = out["KeyMetadata"];
  EXPECT_EQ(m["AWSAccountId"], "123456789012");
  EXPECT_TRUE(m["CreationDate"].is_number());
  EXPECT_EQ(m["KeySpec"], "SYMMETRIC_DEFAULT");
  EXPECT_EQ(m["KeyUsage"], "ENCRYPT_DECRYPT");
  EXPECT_EQ(m["KeyState"], "Enabled");
  EXPECT_EQ(m["Enabled"], true);
  EXPECT_TRUE(m["Arn"].get<std::string>().starts_with("arn:aws:kms:eu-west-1:123456789012:key/"));
  EXPECT_EQ(m["EncryptionAlgorithms"], Json::array({"SYMMETRIC_DEFAULT"}));
  auto tags = ok("ListResourceTags", {{"KeyId", m["KeyId"]}});
  EXPECT_EQ(tags["Tags"], Json::parse(R"([{"TagKey":"team","TagValue":"blue"}])"));
}

TEST_F(JsonApiTest, EncryptDecryptRoundTrip) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  ok("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", key}});
  auto enc =
      ok("Encrypt",
         {{"KeyId", "alias/app"}, {"Plaintext", "aGVsbG8="}, {"EncryptionContext", {{"a", "b"}}}});
  EXPECT_EQ(enc["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
  auto dec = ok("Decrypt",
                {{"CiphertextBlob", enc["CiphertextBlob"]}, {"EncryptionContext", {{"a", "b"}}}});
  EXPECT_EQ(dec["Plaintext"], "aGVsbG8=");
  EXPECT_EQ(dec["KeyId"], enc["KeyId"]);

  auto wrong = call(
      "Decrypt",
      Json{{"CiphertextBlob", enc["CiphertextBlob"]}, {"EncryptionContext", {{"a", "c"}}}}.dump());
  EXPECT_EQ(wrong.result_int(), 400);
  EXPECT_EQ(error_type(wrong), "InvalidCiphertextException");
}

TEST_F(JsonApiTest, GenerateDataKeyAndRandom) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  auto dk = ok("GenerateDataKey", {{"KeyId", key}, {"KeySpec", "AES_256"}});
  EXPECT_EQ(from_base64(dk["Plaintext"].get<std::string>())->size(), 32u);
  auto dec = ok("Decrypt", {{"CiphertextBlob", dk["CiphertextBlob"]}});
  EXPECT_EQ(dec["Plaintext"], dk["Plaintext"]);
  auto np = ok("GenerateDataKeyWithoutPlaintext", {{"KeyId", key}, {"NumberOfBytes", 16}});
  EXPECT_FALSE(np.contains("Plaintext"));
  auto rnd = ok("GenerateRandom", {{"NumberOfBytes", 24}});
  EXPECT_EQ(from_base64(rnd["Plaintext"].get<std::string>())->size(), 24u);
}

TEST_F(JsonApiTest, RotationAndDeletionShapes) {
  const std::string key = ok("CreateKey", Json::object())["KeyMetadata"]["KeyId"];
  ok("EnableKeyRotation", {{"KeyId", key}, {"RotationPeriodInDays", 90}});
  auto status = ok("GetKeyRotationStatus", {{"KeyId", key}});
  EXPECT_EQ(status["KeyRotationEnabled"], true);
  EXPECT_EQ(status["RotationPeriodInDays"], 90);
  EXPECT_TRUE(status["NextRotationDate"].is_number());
  ok("RotateKeyOnDemand", {{"KeyId", key}});
  auto rotations = ok("ListKeyRotations", {{"KeyId", key}});
  ASSERT_GE(rotations["Rotations"].size(), 1u);
  EXPECT_EQ(rotations["Rotations"][0]["RotationType"], "ON_DEMAND");
  auto del = ok("ScheduleKeyDeletion", {{"KeyId", key}, {"PendingWindowInDays", 7}});
  EXPECT_EQ(del["KeyState"], "PendingDeletion");
  EXPECT_TRUE(del["DeletionDate"].is_number());
  ok("CancelKeyDeletion", {{"KeyId", key}});
  EXPECT_EQ(ok("DescribeKey", {{"KeyId", key}})["KeyMetadata"]["KeyState"], "Disabled");
}

TEST_F(JsonApiTest, Errors) {
  auto unknown_key = call("DescribeKey", R"({"KeyId":"alias/none"})");
  EXPECT_EQ(unknown_key.result_int(), 400);
  EXPECT_EQ(error_type(unknown_key), "NotFoundException");

  EXPECT_EQ(error_type(call("NoSuchThing", "{}")), "UnknownOperationException");
  EXPECT_EQ(error_type(call("ListKeys", "{not json")), "SerializationException");
  EXPECT_EQ(error_type(call("ListKeys", "[]")), "SerializationException");

  // AWS's deserializer refuses a value of the wrong JSON type before validating anything.
  auto wrong_type = call("DescribeKey", R"({"KeyId":123})");
  EXPECT_EQ(error_type(wrong_type), "SerializationException");
  EXPECT_NE(Json::parse(wrong_type.body())["message"].get<std::string>().find("'keyId'"),
            std::string::npos);

  auto missing = call("DescribeKey", "{}");
  EXPECT_EQ(error_type(missing), "ValidationException");

  EXPECT_EQ(error_type(call("Encrypt", R"({"KeyId":"k","Plaintext":"%%%"})")),
            "SerializationException");
  EXPECT_EQ(error_type(call("ListKeys", R"({"Limit":0})")), "ValidationException");
  EXPECT_EQ(error_type(call("EnableKeyRotation", R"({"KeyId":"k","RotationPeriodInDays":89})")),
            "ValidationException");

  auto bad_region = call("ListKeys", "{}", "mars-north-1");
  EXPECT_EQ(error_type(bad_region), "InvalidSignatureException");
  EXPECT_NE(bad_region.body().find("valid region"), std::string::npos);
}

TEST_F(JsonApiTest, UnsignedRequestIsRefused) {
  HttpRequest r{http::verb::post, "/", 11};
  r.set("X-Amz-Target", "TrentService.ListKeys");
  r.body() = "{}";
  auto res = handler_->handle(r);
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(error_type(res), "MissingAuthenticationTokenException");
}

TEST_F(JsonApiTest, AcceptAnyRegionMakesKeyspaceOnFirstUse) {
  int made = 0;
  AwsRegions regions(true, [&](const std::string& region) {
    ++made;
    core::KmsConfig config;
    config.region = region;
    return std::make_unique<core::KmsService>(*token_, *store_, clock_, config);
  });
  EXPECT_FALSE(regions.serves("ap-south-2"));
  regions.at("ap-south-2");
  EXPECT_EQ(&regions.at("ap-south-2").kms, &regions.at("ap-south-2").kms);
  EXPECT_EQ(made, 1);
  EXPECT_TRUE(regions.serves("ap-south-2"));
  EXPECT_THROW(regions.at("Not A Region"), AwsError);
  AwsRegions strict;
  EXPECT_THROW(strict.at("ap-south-2"), AwsError);
}

}  // namespace
}  // namespace coffer::server::aws
