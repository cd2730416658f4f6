// The endpoint over real TCP on 127.0.0.1 with an ephemeral port, with a plain Asio client
// so the server's parser is not also the test's.
#include "server/metrics/http_endpoint.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/error.h"
#include "server/metrics/prometheus_text.h"
#include "tests/support/error_matchers.h"

namespace coffer::server::metrics {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using coffer::testing::ThrowsError;

struct Reply {
  std::string raw;  // empty when the server dropped the request

  int status() const { return raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0; }
  std::string body() const {
    const auto end = raw.find("\r\n\r\n");
    return end == std::string::npos ? "" : raw.substr(end + 4);
  }
  bool has_header(std::string_view line) const {
    return raw.find(std::string(line) + "\r\n") != std::string::npos;
  }
};

tcp::socket connect(net::io_context& io, std::uint16_t port) {
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  return socket;
}

// Reads until the server closes; a reset counts as a close.
std::string read_all(tcp::socket& socket) {
  std::string raw;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(raw), ec);
  return raw;
}

Reply round_trip(std::uint16_t port, std::string_view request) {
  net::io_context io;
  tcp::socket socket = connect(io, port);
  boost::system::error_code ec;
  net::write(socket, net::buffer(request), ec);
  return Reply{read_all(socket)};
}

Reply get(std::uint16_t port, std::string_view path) {
  return round_trip(port, "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

HttpEndpoint::Options local() { return {.bind = "127.0.0.1:0"}; }

TEST(HttpEndpoint, ServesMetrics) {
  Registry registry;
  registry.counter("coffer_requests_total", "Requests.")
      .series({{"method", "Encrypt"}, {"code", "OK"}})
      .inc(2);
  registry.histogram("coffer_latency_seconds", "Latency.").series().observe(0.002);
  HttpEndpoint endpoint(registry, local());
  EXPECT_EQ(endpoint.port(), 0);
  endpoint.start();
  ASSERT_NE(endpoint.port(), 0);

  const Reply reply = get(endpoint.port(), "/metrics");
  EXPECT_EQ(reply.status(), 200);
  EXPECT_TRUE(reply.has_header("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
      << reply.raw;
  EXPECT_TRUE(reply.has_header("Connection: close")) << reply.raw;
  EXPECT_EQ(reply.body(), render_prometheus(registry));
  EXPECT_NE(reply.body().find("coffer_requests_total{code=\"OK\",method=\"Encrypt\"} 2\n"),
            std::string::npos);
}

TEST(HttpEndpoint, ReadyFollowsTheCallback) {
  Registry registry;
  std::atomic<bool> ready = false;
  HttpEndpoint endpoint(registry, local(), [&] { return ready.load(); });
  endpoint.start();
  Reply reply = get(endpoint.port(), "/ready");
  EXPECT_EQ(reply.status(), 503);
  EXPECT_EQ(reply.body(), "not ready");
  ready = true;
  reply = get(endpoint.port(), "/ready");
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.body(), "ready");
}

TEST(HttpEndpoint, ReadyCallbackThatThrowsMeansNotReady) {
  Registry registry;
  HttpEndpoint endpoint(registry, local(),
                        []() -> bool { throw Error(ErrorCode::kInternal, "probe failed"); });
  endpoint.start();
  EXPECT_EQ(get(endpoint.port(), "/ready").status(), 503);
}

TEST(HttpEndpoint, LiveUnknownPathsAndMethods) {
  Registry registry;
  HttpEndpoint endpoint(registry, local());
  endpoint.start();
  EXPECT_EQ(get(endpoint.port(), "/live").status(), 200);
  EXPECT_EQ(get(endpoint.port(), "/ready").status(), 200);  // no callback: always ready
  EXPECT_EQ(get(endpoint.port(), "/metrics?name[]=x").status(), 200);
  EXPECT_EQ(get(endpoint.port(), "/").status(), 404);
  EXPECT_EQ(get(endpoint.port(), "/metricsx").status(), 404);
  const Reply post = round_trip(endpoint.port(), "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(post.status(), 405);
  EXPECT_TRUE(post.has_header("Allow: GET")) << post.raw;
}

TEST(HttpEndpoint, DropsOversizedRequests) {
  Registry registry;
  HttpEndpoint endpoint(registry, local());
  endpoint.start();
  const std::string big =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(9 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(round_trip(endpoint.port(), big).raw, "");
  const std::string body = "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  EXPECT_EQ(round_trip(endpoint.port(), body).raw, "");
  EXPECT_EQ(get(endpoint.port(), "/live").status(), 200);  // still serving
}

TEST(HttpEndpoint, DropsSlowRequests) {
  Registry registry;
  HttpEndpoint::Options options = local();
  options.request_timeout = std::chrono::milliseconds(200);
  HttpEndpoint endpoint(registry, options);
  endpoint.start();
  net::io_context io;
  tcp::socket socket = connect(io, endpoint.port());
  net::write(socket,
             net::buffer(std::string_view("GET /metrics HTTP/1.1\r\n")));  // and never finishes
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(read_all(socket), "");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
}

TEST(HttpEndpoint, ClosesConnectionsPastTheLimit) {
  Registry registry;
  HttpEndpoint::Options options = local();
  options.max_connections = 1;
  HttpEndpoint endpoint(registry, options);
  endpoint.start();
  net::io_context io;
  std::optional<tcp::socket> idle = connect(io, endpoint.port());
  EXPECT_EQ(get(endpoint.port(), "/live").raw,
            "");  // accepted after the idle one, so over the limit
  idle.reset();
  // The server notices the idle client leave on its own schedule.
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
    status = get(endpoint.port(), "/live").status();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpEndpoint, StopClosesIdleConnectionsAndTheListener) {
  Registry registry;
  HttpEndpoint endpoint(registry, local());
  endpoint.start();
  const std::uint16_t port = endpoint.port();
  net::io_context io;
  tcp::socket idle = connect(io, port);  // would otherwise hold the server for 5 s
  const auto begin = std::chrono::steady_clock::now();
  endpoint.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
  EXPECT_EQ(read_all(idle), "");
  endpoint.stop();  // idempotent
  EXPECT_THROW(connect(io, port), boost::system::system_error);
}

TEST(HttpEndpoint, StartErrors) {
  Registry registry;
  HttpEndpoint bad(registry, {.bind = "localhost:0"});
  EXPECT_THAT([&] { bad.start(); }, ThrowsError(ErrorCode::kValidation));  // a name, not an address

  HttpEndpoint first(registry, local());
  first.start();
  EXPECT_THAT([&] { first.start(); },
              ThrowsError(ErrorCode::kInvalidState, ::testing::HasSubstr("already started")));
  HttpEndpoint second(registry, {.bind = "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_THAT([&] { second.start(); }, ThrowsError(ErrorCode::kInternal));  // the port is in use
}

}  // namespace
}  // namespace coffer::server::metrics
