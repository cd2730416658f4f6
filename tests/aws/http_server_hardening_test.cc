// Issue 12 regressions on the AWS listener over real sockets: plaintext only on loopback,
// a whole-request deadline, a short idle time for anonymous peers, a per-source cap, a
// byte budget, metric labels, and authentication that does not need the token workers.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.h"
#include "server/aws/aws_http_server.h"
#include "tests/support/error_matchers.h"

namespace coffer::server::aws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using coffer::testing::ThrowsError;

constexpr char kUnsigned[] =
    "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
    "X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 2\r\n\r\n{}";

std::string read_answer(tcp::socket& socket) {
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

bool closed_by_server(tcp::socket& s) {
  char c;
  boost::system::error_code ec;
  s.read_some(asio::buffer(&c, 1), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

class AwsListenerTest : public ::testing::Test {
 protected:
  AwsListenerTest()
      : handler_(regions_, VerifierOptions{},
                 [this](const std::string&) -> std::optional<Credentials> {
                   ++store_lookups_;
                   return std::nullopt;
                 }) {}

  void start(AwsServerOptions options) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<AwsHttpServer>(
        options, handler_,
        [this](coffer::server::net::WorkJob job) {
          ++work_submissions_;
          job.run();
          return true;
        },
        [this](coffer::server::net::WorkJob job) {
          ++authentication_submissions_;
          job.run();
          return true;
        });
    server_->start();
  }

  tcp::socket connect(const char* from = nullptr) {
    tcp::socket s(io_);
    if (from) {
      s.open(tcp::v4());
      s.bind({asio::ip::make_address(from), 0});
    }
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return s;
  }

  // Any region passes the pre-authentication check; no request here gets past
  // authentication, so no service is ever made.
  AwsRegions regions_{true, [](const std::string&) { return std::unique_ptr<core::KmsService>(); }};
  std::atomic<int> store_lookups_{0}, work_submissions_{0}, authentication_submissions_{0};
  RequestHandler handler_;
  std::unique_ptr<AwsHttpServer> server_;
  asio::io_context io_;
};

// Defect 3: --aws-listen 0.0.0.0 served Decrypt plaintexts in the clear.
TEST_F(AwsListenerTest, PlaintextAwayFromLoopbackIsRefused) {
  AwsServerOptions options;
  options.listen = "0.0.0.0:0";
  AwsHttpServer server(options, handler_, [](coffer::server::net::WorkJob) { return false; });
  EXPECT_THAT([&] { server.start(); },
              ThrowsError(ErrorCode::kValidation, ::testing::HasSubstr("loopback")));
}

// Defect 4: after one request an anonymous connection got the full 300 s idle timeout.
TEST_F(AwsListenerTest, AnonymousConnectionsGetTheShortIdleTimeout) {
  AwsServerOptions options;
  options.idle_timeout = 60s;
  options.unauthenticated_idle_timeout = 300ms;
  start(options);
  auto silent = connect();
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_server(silent));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

  auto refused = connect();
  asio::write(refused, asio::buffer(kUnsigned, sizeof kUnsigned - 1));
  EXPECT_NE(read_answer(refused).find("MissingAuthenticationTokenException"), std::string::npos);
  started = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_server(refused));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(AwsListenerTest, TrickledRequestIsCutAtTheReadTimeoutFromItsFirstByte) {
  AwsServerOptions options;
  options.read_timeout = 500ms;
  options.unauthenticated_idle_timeout = 5s;
  start(options);
  auto s = connect();
  const std::string request(kUnsigned, sizeof kUnsigned - 1);
  const auto started = std::chrono::steady_clock::now();
  boost::system::error_code ec;
  for (std::size_t i = 0; i + 1 < request.size() && !ec; ++i) {
    asio::write(s, asio::buffer(&request[i], 1), ec);
    std::this_thread::sleep_for(100ms);
    if (std::chrono::steady_clock::now() - started > 1500ms) break;
  }
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

TEST_F(AwsListenerTest, OneSourceCannotTakeEverySlot) {
  AwsServerOptions options;
  options.max_connections_per_source = 2;
  start(options);
  auto a = connect(), b = connect();
  asio::write(a, asio::buffer(kUnsigned, sizeof kUnsigned - 1));
  EXPECT_NE(read_answer(a).find("MissingAuthenticationTokenException"), std::string::npos);
  auto c = connect();
  boost::system::error_code ec;
  asio::write(c, asio::buffer(kUnsigned, sizeof kUnsigned - 1), ec);
  EXPECT_TRUE(closed_by_server(c));
  auto other = connect("127.0.0.2");
  asio::write(other, asio::buffer(kUnsigned, sizeof kUnsigned - 1));
  EXPECT_NE(read_answer(other).find("MissingAuthenticationTokenException"), std::string::npos);
}

TEST_F(AwsListenerTest, BodiesBeyondTheByteBudgetAreThrottledBeforeTheyAreRead) {
  AwsServerOptions options;
  options.budget = std::make_shared<net::ByteBudget>(8 << 10);
  start(options);
  auto s = connect();
  const std::string head =
      "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: TrentService.Encrypt\r\n"
      "Content-Length: 65536\r\n\r\n";
  asio::write(s, asio::buffer(head));
  EXPECT_NE(read_answer(s).find("ThrottlingException"), std::string::npos);
  EXPECT_EQ(options.budget->in_use(), 0u);
}

// Defect 7 and 5: refusals that need no credentials are answered on the network thread;
// an unknown access key id goes to the authentication pool, never the token workers; and
// operations a peer invents are counted as "other".
TEST_F(AwsListenerTest, AuthenticationAndLabelsBeforeAnyWorker) {
  std::mutex mutex;
  std::multiset<std::string> labels;
  AwsServerOptions options;
  options.observe = [&](const std::string& operation, std::string_view, double) {
    std::lock_guard lock(mutex);
    labels.insert(operation);
  };
  start(options);
  auto s = connect();
  for (int i = 0; i < 20; ++i) {
    const std::string request =
        "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: TrentService.Invented" +
        std::to_string(i) + "\r\nContent-Length: 2\r\n\r\n{}";
    asio::write(s, asio::buffer(request));
    EXPECT_NE(read_answer(s).find("MissingAuthenticationTokenException"), std::string::npos);
  }
  EXPECT_EQ(work_submissions_, 0);
  EXPECT_EQ(authentication_submissions_, 0);

  // Signed by an id nobody knows: the pool looks it up, the workers never see it.
  const std::string signed_request =
      "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Target: TrentService.ListKeys\r\nX-Amz-Date: " +
      amz_date_of(std::chrono::system_clock::now()) +
      "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKCFAAAAAAAAAAAAAAAA/" +
      amz_date_of(std::chrono::system_clock::now()).substr(0, 8) +
      "/us-east-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=0000\r\nContent-Length: 2\r\n\r\n{}";
  asio::write(s, asio::buffer(signed_request));
  EXPECT_NE(read_answer(s).find("UnrecognizedClientException"), std::string::npos);
  EXPECT_EQ(authentication_submissions_, 1);
  EXPECT_EQ(store_lookups_, 1);
  EXPECT_EQ(work_submissions_, 0);
  std::lock_guard lock(mutex);
  EXPECT_EQ(labels.count("other"), 20u);
  EXPECT_EQ(labels.count("ListKeys"), 1u);
}

}  // namespace
}  // namespace coffer::server::aws
