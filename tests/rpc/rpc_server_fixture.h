// A plaintext loopback RpcServer over a real KmsService on a throw-away token, and raw
// socket helpers: the fixture of the rpc server tests.
#pragma once

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
#include "tests/support/temp_token.h"

namespace coffer::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

class RpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start_server({}); }
  void TearDown() override { server_.reset(); }

  void start_server(server::rpc::RpcServerOptions options, std::size_t queue_capacity = 256) {
    server_.reset();
    work_.reset();
    if (!token_) {
      token_ = std::make_unique<pkcs11::Token>(temp_.config(4));
      store_ = std::make_unique<core::SqliteStore>(temp_.dir() + "/coffer.db");
      kms_ = std::make_unique<core::KmsService>(*token_, *store_, clock_, core::KmsConfig{});
      keys_ = std::make_unique<core::AccessKeys>(*token_, *store_, clock_);
      server::rpc::register_kms_handlers(dispatcher_, *kms_);
      credential_ = keys_->create("alice");
    }
    work_ = std::make_unique<server::rpc::WorkQueue>(2, queue_capacity);
    options.listen = "127.0.0.1:0";
    options.tls = false;
    options.allow_plaintext_loopback = true;
    server_ = std::make_unique<server::rpc::RpcServer>(
        options, dispatcher_, *work_, [this](std::string_view k) { return keys_->authenticate(k); },
        observe_);
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

  v1::RequestFrame request(std::uint64_t id, const std::string& method,
                           const google::protobuf::Message& payload, bool with_key = true) {
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
  server::rpc::Dispatcher dispatcher_;
  std::unique_ptr<server::rpc::WorkQueue> work_;
  std::unique_ptr<server::rpc::RpcServer> server_;
  server::RequestObserver observe_;  // set before start_server to watch metrics
  asio::io_context io_;
};

}  // namespace coffer::testing
