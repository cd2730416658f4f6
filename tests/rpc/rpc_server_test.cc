// The rpc server against misbehaving clients: raw sockets, real frames, a real KmsService
// over a throw-away token.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <thread>

#include "coffer/v1/crypto.pb.h"
#include "coffer/v1/frame.pb.h"
#include "coffer/v1/keys.pb.h"
#include "core/auth/access_keys.h"
#include "core/store/sqlite_store.h"
#include "proto/frame_codec.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/rpc_server.h"
#include "tests/rpc/rpc_server_fixture.h"
#include "tests/support/error_matchers.h"
#include "tests/support/temp_token.h"

namespace coffer::testing {
namespace {

TEST_F(RpcServerTest, PipelinedRequestsAreAnsweredById) {
  auto s = connect();
  const std::string key_id = create_key(s);
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    v1::EncryptRequest encrypt;
    encrypt.set_key_id(key_id);
    encrypt.set_plaintext("message " + std::to_string(i));
    send(s, request(1000 + static_cast<std::uint64_t>(i), "coffer.v1.Crypto/Encrypt", encrypt));
  }
  std::set<std::uint64_t> answered;
  for (int i = 0; i < kCount; ++i) {
    auto response = receive(s);
    ASSERT_TRUE(response.has_value());
    ASSERT_TRUE(response->has_payload()) << response->error().code();
    v1::EncryptResponse encrypted;
    ASSERT_TRUE(encrypted.ParseFromString(response->payload()));
    v1::DecryptRequest decrypt;
    decrypt.set_ciphertext_blob(encrypted.ciphertext_blob());
    auto plain = kms_->decrypt(
        {core::Bytes(decrypt.ciphertext_blob().begin(), decrypt.ciphertext_blob().end()),
         {},
         std::nullopt,
         std::nullopt});
    EXPECT_EQ(std::string(plain.plaintext.data(), plain.plaintext.data() + plain.plaintext.size()),
              "message " + std::to_string(response->request_id() - 1000));
    answered.insert(response->request_id());
  }
  EXPECT_EQ(answered.size(), static_cast<std::size_t>(kCount));
}

TEST_F(RpcServerTest, ErrorsCarryAwsNames) {
  auto s = connect();
  v1::DescribeKeyRequest describe;
  describe.set_key_id("alias/none");
  send(s, request(5, "coffer.v1.Keys/DescribeKey", describe));
  auto response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->request_id(), 5u);
  EXPECT_EQ(response->error().code(), "NotFoundException");
  EXPECT_EQ(response->error().http_status(), 400);

  send(s, request(6, "coffer.v1.Keys/NoSuchMethod", describe));
  response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "UnknownOperationException");

  v1::RequestFrame garbage_payload = request(7, "coffer.v1.Keys/DescribeKey", describe);
  garbage_payload.set_payload("\xff\xff\xff");
  send(s, garbage_payload);
  response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "SerializationException");
  // The connection survives request-level errors.
  EXPECT_FALSE(create_key(s).empty());
}

TEST_F(RpcServerTest, CredentialsAreRequired) {
  auto s = connect();
  send(s, request(1, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest(), /*with_key=*/false));
  auto response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "AccessDeniedException");

  auto wrong = request(2, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest(), false);
  wrong.set_api_key(credential_.access_key_id + ":" + std::string(credential_.secret.size(), 'x'));
  send(s, wrong);
  response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "AccessDeniedException");

  auto unknown = request(3, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest(), false);
  unknown.set_api_key("AKCFNOSUCHKEY0000000:secret");
  send(s, unknown);
  response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "AccessDeniedException");

  keys_->deactivate(credential_.access_key_id);
  auto fresh = connect();
  send(fresh, request(4, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest()));
  response = receive(fresh);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "AccessDeniedException");
}

TEST_F(RpcServerTest, BrokenFramesCloseTheConnection) {
  {  // oversized length prefix: closed without reading the body
    auto s = connect();
    const std::uint8_t huge[4] = {0x7f, 0xff, 0xff, 0xff};
    asio::write(s, asio::buffer(huge));
    EXPECT_TRUE(closed_by_server(s));
  }
  {  // zero length
    auto s = connect();
    const std::uint8_t zero[4] = {0, 0, 0, 0};
    asio::write(s, asio::buffer(zero));
    EXPECT_TRUE(closed_by_server(s));
  }
  {  // not a RequestFrame
    auto s = connect();
    const std::uint8_t junk[9] = {0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff};
    asio::write(s, asio::buffer(junk));
    EXPECT_TRUE(closed_by_server(s));
  }
  // The server still serves others.
  auto s = connect();
  EXPECT_FALSE(create_key(s).empty());
}

TEST_F(RpcServerTest, SlowClientsAreDropped) {
  server::rpc::RpcServerOptions options;
  options.read_timeout = 300ms;
  options.idle_timeout = 600ms;
  options.unauthenticated_idle_timeout = 600ms;  // the idle connection below never authenticates
  start_server(options);
  {  // half a frame, then nothing: dropped after the read timeout
    auto s = connect();
    const std::uint8_t partial[6] = {0, 0, 0, 100, 1, 2};
    asio::write(s, asio::buffer(partial));
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(closed_by_server(s));
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 3s);
  }
  {  // idle connection: dropped after the idle timeout
    auto s = connect();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(closed_by_server(s));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 500ms);
  }
}

TEST_F(RpcServerTest, ConnectionCapRefusesTheExtraConnection) {
  server::rpc::RpcServerOptions options;
  options.max_connections = 3;
  start_server(options);
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect());
    EXPECT_FALSE(create_key(held.back()).empty());  // each is really being served
  }
  auto extra = connect();
  EXPECT_TRUE(closed_by_server(extra));
  held.pop_back();  // one leaves; a new one gets in
  std::this_thread::sleep_for(100ms);
  auto again = connect();
  EXPECT_FALSE(create_key(again).empty());
}

TEST_F(RpcServerTest, FullQueueAnswersThrottlingAtOnce) {
  start_server({}, /*queue_capacity=*/1);
  auto s = connect();
  const std::string key_id = create_key(s);
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    v1::EncryptRequest encrypt;
    encrypt.set_key_id(key_id);
    encrypt.set_plaintext("x");
    send(s, request(static_cast<std::uint64_t>(i), "coffer.v1.Crypto/Encrypt", encrypt));
  }
  int ok = 0, throttled = 0;
  for (int i = 0; i < kCount; ++i) {
    auto response = receive(s);
    ASSERT_TRUE(response.has_value());
    if (response->has_payload())
      ++ok;
    else if (response->error().code() == "ThrottlingException")
      ++throttled;
    else
      ADD_FAILURE() << response->error().code();
  }
  EXPECT_EQ(ok + throttled, kCount);
  EXPECT_GT(throttled, 0);
  EXPECT_GT(ok, 0);
}

TEST_F(RpcServerTest, ExpiredDeadlineIsNotRun) {
  auto s = connect();
  auto frame = request(9, "coffer.v1.Keys/CreateKey", v1::CreateKeyRequest());
  frame.mutable_deadline()->set_seconds(1);  // 1970
  send(s, frame);
  auto response = receive(s);
  ASSERT_TRUE(response && response->has_error());
  EXPECT_EQ(response->error().code(), "DependencyTimeoutException");
  EXPECT_EQ(response->error().http_status(), 503);
  EXPECT_TRUE(kms_->list_keys({}).keys.empty());
}

TEST_F(RpcServerTest, ShutdownDrainsInFlightRequests) {
  auto s = connect();
  const std::string key_id = create_key(s);
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) {
    v1::EncryptRequest encrypt;
    encrypt.set_key_id(key_id);
    encrypt.set_plaintext("drain");
    send(s, request(static_cast<std::uint64_t>(i), "coffer.v1.Crypto/Encrypt", encrypt));
  }
  std::this_thread::sleep_for(
      200ms);  // let the server read them (generous: CI machines are loaded)
  std::thread stopper([this] { server_->shutdown(10s); });
  int answered = 0;
  while (auto response = receive(s)) {
    EXPECT_TRUE(response->has_payload());
    ++answered;
  }
  stopper.join();
  EXPECT_EQ(answered, kCount);
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(RpcServerTest, PlaintextAwayFromLoopbackIsRefused) {
  server::rpc::RpcServerOptions options;
  options.listen = "0.0.0.0:0";
  options.tls = false;
  options.allow_plaintext_loopback = true;
  server::rpc::WorkQueue work(1, 1);
  server::rpc::RpcServer server(options, dispatcher_, work, nullptr);
  // start_server() forces loopback; build this one by hand.
  EXPECT_THAT([&] { server.start(); },
              ThrowsError(ErrorCode::kValidation, ::testing::HasSubstr("loopback")));
}

}  // namespace
}  // namespace coffer::testing
