// One connection to a Coffer server: connects (TCP, optionally TLS), writes request
// frames as they come and matches response frames to their requests by request_id, so
// any number of requests are in flight at once and may be answered in any order.
//
// Not thread-safe: every member is called on the thread that runs the io_context, and
// every handler runs there too.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "coffer/v1/frame.pb.h"
#include "common/error.h"
#include "proto/frame_codec.h"

namespace coffer::client {

struct ConnectionOptions {
  std::string host;
  std::string port;
  boost::asio::ssl::context* tls = nullptr;  // nullptr: plaintext TCP
  std::chrono::milliseconds connect_timeout{10'000};
  std::size_t max_frame = proto::kDefaultMaxFrame;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Why a request got no response. `maybe_delivered` is false when the connection was
  // never established, so the server cannot have run the request.
  struct Failure {
    Error error;
    bool maybe_delivered;
  };
  // Runs exactly once per sent request (unless forgotten): with the response, or with
  // the failure that closed the connection first.
  using Handler = std::function<void(v1::ResponseFrame* response, const Failure* failure)>;

  static std::shared_ptr<Connection> create(boost::asio::io_context& io, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves, connects and handshakes within the connect timeout. Requests sent before
  // the connection is ready wait in the outgoing buffer.
  void start();
  // Assigns frame.request_id, queues the frame, and returns the id.
  std::uint64_t send(v1::RequestFrame& frame, Handler handler);
  // Drops the handler of a request that no longer matters (its deadline passed).
  void forget(std::uint64_t request_id) { pending_.erase(request_id); }
  // Fails every pending request with `why` and closes the socket.
  void close(const Error& why);

  bool closed() const noexcept { return state_ == State::kClosed; }
  bool ready() const noexcept { return state_ == State::kReady; }
  std::size_t in_flight() const noexcept { return pending_.size(); }
  const std::string& peer() const noexcept { return peer_; }

 private:
  enum class State { kIdle, kConnecting, kReady, kClosed };

  Connection(boost::asio::io_context& io, ConnectionOptions options);
  void on_connected(const boost::system::error_code& ec);
  void on_ready();
  void write_more();
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t size);
  bool dispatch(const std::string& body);
  void fail(Error error);
  boost::asio::ip::tcp::socket& socket();

  ConnectionOptions options_;
  std::string peer_;  // host:port, for messages
  State state_ = State::kIdle;
  bool timed_out_ = false;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::ip::tcp::socket plain_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;

  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Handler> pending_;
  // Frames queue in outbox_ while writing_ is on the wire: one write carries every frame
  // that arrived meanwhile, so pipelined requests cost one syscall per batch.
  std::string outbox_;
  std::string writing_;
  bool write_in_progress_ = false;
  std::array<char, 64 * 1024> read_buffer_;
  proto::FrameDecoder decoder_;
};

}  // namespace coffer::client
