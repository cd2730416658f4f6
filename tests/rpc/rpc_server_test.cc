// The rpc server against misbehaving clients: raw sockets, real frames, a real KmsService
// over a throw-away token.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <thread>

#include "coffer/v1/crypto.pb.h"
#include "coffer/v1/frame.pb.h"
#include "coffer/v1/keys.pb.h"
#include "core/access_keys.h"
#include "core/sqlite_store.h"
#include "proto/frame_codec.h"
#include "server/rpc/kms_handlers.h"
#include "server/rpc/rpc_server.h"
#include "tests/support/temp_token.h"

namespace coffer::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

class RpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start_server({}); }
  void TearDown() override { server_.reset(); }

  void start_server(server::RpcServerOptions options, std::size_t queue_capacity = 256) {
    server_.reset();
    work_.reset();
    if (!token_) {
      token_ = std::make_unique<pkcs11::Token>(temp_.config(4));
      store_ = std::make_unique<core::SqliteStore>(temp_.dir() + "/coffer.db");
      kms_ = std::make_unique<core::KmsService>(*token_, *store_, clock_, core::KmsConfig{});
      keys_ = std::make_unique<core::AccessKeys>(*token_, *store_, clock_);
      server::register_kms_handlers(dispatcher_, *kms_);
      credential_ = keys_->create("alice");
    }
    work_ = std::make_unique<server::WorkQueue>(2, queue_capacity);
    options.listen = "127.0.0.1:0";
    options.tls = false;
    options.allow_plaintext_loopback = true;
    server_ = std::make_unique<server::RpcServer>(
        options, dispatcher_, *work_, [this](std::string_view k) { return keys_->authenticate(k); });
    server_->start();
  }

  tcp::socket connect() {
    tcp::socket socket(io_);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return socket;
  }

  std::string api_key() const { return credential_.access_key_id + ":" + credential_.secret; }

  static void send(tcp::socket& s, const v1::RequestFrame& frame) {
    std::string bytes;
    proto::append_frame(frame, bytes);
    asio::write(s, asio::buffer(bytes));
  }

  // Reads one response; nullopt when the server closed the connection.
  static std::optional<v1::ResponseFrame> receive(tcp::socket& s) {
    std::uint8_t header[4];
    boost::system::error_code ec;
    asio::read(s, asio::buffer(header), ec);
    if (ec) return std::nullopt;
    std::string body(proto::frame_length(header), '\0');
    asio::read(s, asio::buffer(body), ec);
    if (ec) return std::nullopt;
    v1::ResponseFrame response;
    EXPECT_TRUE(response.ParseFromString(body));
    return response;
  }

  static bool closed_by_server(tcp::socket& s) {
    char c;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  v1::RequestFrame request(std::uint64_t id, const std::string& method, const google::protobuf::Message& payload,
                           bool with_key = true) {
    v1::RequestFrame frame;
    frame.set_request_id(id);
    frame.set_method(method);
    frame.set_payload(payload.SerializeAsString());
    if (with_key) frame.set_api_key(api_key());
    return frame;
  }

  std::string create_key(tcp::socket& s) {
    send(s, request(1, "coffer.v1.Keys/CreateKey", v1::CreateKeyRequest()));
    auto response = receive(s);
    EXPECT_TRUE(response && response->has_payload());
    v1::CreateKeyResponse created;
    created.ParseFromString(response->payload());
    return created.key_metadata().key_id();
  }

  TempToken temp_;
  core::ManualClock clock_{core::from_millis(1767225600000)};
  std::unique_ptr<pkcs11::Token> token_;
  std::unique_ptr<core::SqliteStore> store_;
  std::unique_ptr<core::KmsService> kms_;
  std::unique_ptr<core::AccessKeys> keys_;
  core::NewAccessKey credential_;
  server::Dispatcher dispatcher_;
  std::unique_ptr<server::WorkQueue> work_;
  std::unique_ptr<server::RpcServer> server_;
  asio::io_context io_;
};

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
    auto plain = kms_->decrypt({core::Bytes(decrypt.ciphertext_blob().begin(), decrypt.ciphertext_blob().end()), {},
                                std::nullopt, std::nullopt});
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
  server::RpcServerOptions options;
  options.read_timeout = 300ms;
  options.idle_timeout = 600ms;
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
  server::RpcServerOptions options;
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
    if (response->has_payload()) ++ok;
    else if (response->error().code() == "ThrottlingException") ++throttled;
    else ADD_FAILURE() << response->error().code();
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
  std::this_thread::sleep_for(20ms);  // let the server read them
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
  server::RpcServerOptions options;
  options.listen = "0.0.0.0:0";
  options.tls = false;
  options.allow_plaintext_loopback = true;
  server::WorkQueue work(1, 1);
  server::RpcServer server(options, dispatcher_, work, nullptr);
  // start_server() forces loopback; build this one by hand.
  try {
    server.start();
    ADD_FAILURE() << "plaintext on 0.0.0.0 was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidation);
  }
}

}  // namespace
}  // namespace coffer::testing
