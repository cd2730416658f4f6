// A scripted stand-in for cofferd, for client behaviour a real server will not show on
// demand: silence, a dropped connection, answers out of order, unknown error codes.
// Connections are served one at a time, on the server's own thread.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "coffer/v1/frame.pb.h"

namespace coffer::testing {

class FakeServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  // Runs for each accepted connection, numbered from 0.
  using Script = std::function<void(Socket& socket, int connection)>;

  explicit FakeServer(Script script);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }

  // Blocking frame I/O for scripts; read_request is empty once the client has gone.
  static std::optional<v1::RequestFrame> read_request(Socket& socket);
  static void write_response(Socket& socket, const v1::ResponseFrame& response);

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace coffer::testing
