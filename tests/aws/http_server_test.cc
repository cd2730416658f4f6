// The AWS listener over real sockets: the connection cap closes connections beyond
// max_connections at once and frees a slot when a connection ends.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <thread>

#include "server/aws/aws_http_server.h"

namespace coffer::server::aws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One unsigned request; the answer is AWS's MissingAuthenticationTokenException.
constexpr char kRequest[] =
    "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
    "X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 2\r\n\r\n{}";

// Sends kRequest and reads what comes back until the response's body or EOF.
std::string exchange(tcp::socket& socket) {
  asio::write(socket, asio::buffer(kRequest, sizeof kRequest - 1));
  std::string received;
  char buffer[4096];
  boost::system::error_code ec;
  while (received.find("}") == std::string::npos) {
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec) break;
    received.append(buffer, n);
  }
  return received;
}

template <class Predicate>
bool eventually(Predicate p) {
  for (int i = 0; i < 400; ++i) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return p();
}

TEST(AwsHttpServer, ConnectionsBeyondTheCapAreClosed) {
  AwsRegions regions;
  RequestHandler handler(regions, VerifierOptions{},
                         [](const std::string&) { return std::nullopt; });
  AwsServerOptions options;
  options.listen = "127.0.0.1:0";
  options.max_connections = 2;
  AwsHttpServer server(options, handler, [](coffer::server::net::WorkJob job) {
    job.run();
    return true;
  });
  server.start();
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
  asio::io_context io;

  tcp::socket a(io), b(io);
  a.connect(endpoint);
  b.connect(endpoint);
  EXPECT_NE(exchange(a).find("MissingAuthenticationTokenException"), std::string::npos);
  EXPECT_NE(exchange(b).find("MissingAuthenticationTokenException"), std::string::npos);
  EXPECT_EQ(server.connections(), 2u);

  tcp::socket c(io);
  c.connect(endpoint);
  boost::system::error_code ec;
  asio::write(c, asio::buffer(kRequest, sizeof kRequest - 1), ec);
  char byte;
  c.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();

  a.close();
  ASSERT_TRUE(eventually([&] { return server.connections() == 1; }));
  tcp::socket d(io);
  d.connect(endpoint);
  EXPECT_NE(exchange(d).find("MissingAuthenticationTokenException"), std::string::npos);
  // The connection that was still open keeps working.
  EXPECT_NE(exchange(b).find("MissingAuthenticationTokenException"), std::string::npos);
  server.stop();
}

}  // namespace
}  // namespace coffer::server::aws
