#include "tests/e2e/fake_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "proto/frame_codec.h"

namespace coffer::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

FakeServer::FakeServer(Script script)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      port_(acceptor_.local_endpoint().port()) {
  thread_ = std::thread([this, script = std::move(script)] {
    for (int n = 0;; ++n) {
      Socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      script(socket, n);
    }
  });
}

FakeServer::~FakeServer() {
  stopping_ = true;
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ignored;
  Socket waker(io_);
  waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  thread_.join();
}

std::optional<v1::RequestFrame> FakeServer::read_request(Socket& socket) {
  std::uint8_t header[proto::kFrameHeaderSize];
  boost::system::error_code ec;
  asio::read(socket, asio::buffer(header), ec);
  if (ec) return std::nullopt;
  std::string body(proto::frame_length(header), '\0');
  asio::read(socket, asio::buffer(body), ec);
  v1::RequestFrame frame;
  if (ec || !frame.ParseFromString(body)) return std::nullopt;
  return frame;
}

void FakeServer::write_response(Socket& socket, const v1::ResponseFrame& response) {
  std::string bytes;
  proto::append_frame(response, bytes);
  boost::system::error_code ignored;
  asio::write(socket, asio::buffer(bytes), ignored);
}

}  // namespace coffer::testing
