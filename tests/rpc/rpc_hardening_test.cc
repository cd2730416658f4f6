// Issue 12 regressions on the rpc listener: slow and idle peers, one host taking every
// slot, peers that do not read, deadlines of any value, metric labels chosen by peers,
// authentication that must not wait for (or occupy) the token workers.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>

#include "server/net/byte_budget.h"
#include "server/rpc/request_pipeline.h"
#include "tests/rpc/rpc_server_fixture.h"

namespace coffer::testing {
namespace {

// Defect 4: the read timeout restarted on every byte, so a byte every few seconds held a
// connection (and its slot) for ever.
TEST_F(RpcServerTest, TrickledFrameIsCutAtTheReadTimeoutFromItsFirstByte) {
  server::rpc::RpcServerOptions options;
  options.read_timeout = 500ms;
  start_server(options);
  auto s = connect();
  const std::uint8_t header[4] = {0, 0, 0, 100};
  asio::write(s, asio::buffer(header));
  const auto started = std::chrono::steady_clock::now();
  boost::system::error_code ec;
  for (int i = 0; i < 40 && !ec; ++i) {  // 4 s of one byte per 100 ms
    std::this_thread::sleep_for(100ms);
    const std::uint8_t byte = 1;
    asio::write(s, asio::buffer(&byte, 1), ec);
    if (std::chrono::steady_clock::now() - started > 1500ms) break;
  }
  EXPECT_TRUE(closed_by_server(s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms)
      << "the trickle kept the frame open";
}

TEST_F(RpcServerTest, UnauthenticatedConnectionsGetTheShortIdleTimeout) {
  server::rpc::RpcServerOptions options;
  options.idle_timeout = 30s;
  options.unauthenticated_idle_timeout = 300ms;
  start_server(options);
  auto anonymous = connect();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_server(anonymous));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

  // A refused request does not earn the long timeout...
  auto refused = connect();
  send(refused, request(1, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest(), /*with_key=*/false));
  auto answer = receive(refused);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error().code(), "AccessDeniedException");
  EXPECT_TRUE(closed_by_server(refused));
  // ...an authentic one does.
  auto member = connect();
  EXPECT_FALSE(create_key(member).empty());
  std::this_thread::sleep_for(900ms);
  send(member, request(2, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest()));
  answer = receive(member);
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->has_payload());
}

TEST_F(RpcServerTest, OneSourceCannotTakeEverySlot) {
  server::rpc::RpcServerOptions options;
  options.max_connections = 100;
  options.max_connections_per_source = 2;
  start_server(options);
  std::vector<tcp::socket> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(connect());
    EXPECT_FALSE(create_key(held.back()).empty());
  }
  auto third = connect();
  boost::system::error_code ec;
  send(third, request(1, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest()));
  EXPECT_TRUE(closed_by_server(third));
  // Another host (127.0.0.2 is loopback too) still gets in.
  tcp::socket other(io_);
  other.open(tcp::v4());
  other.bind({asio::ip::make_address("127.0.0.2"), 0});
  other.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  EXPECT_FALSE(create_key(other).empty());
}

// Defect 8: responses to a peer that never reads piled up without limit.
TEST_F(RpcServerTest, PeerThatDoesNotReadStopsBeingRead) {
  server::rpc::RpcServerOptions options;
  options.max_unsent_bytes = 64 << 10;
  options.read_timeout = 1s;
  start_server(options);
  auto s = connect();
  std::string burst;
  v1::RequestFrame frame;
  frame.set_request_id(7);
  frame.set_method("coffer.v1.Keys/ListKeys");  // no credentials: answered at once
  frame.set_payload(std::string(64, 'x'));
  while (burst.size() < (256 << 10)) proto::append_frame(frame, burst);
  s.non_blocking(true);
  std::size_t written = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (written < (512u << 20) && std::chrono::steady_clock::now() - last_progress < 2s) {
    boost::system::error_code ec;
    const std::size_t n = s.write_some(asio::buffer(burst), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(10ms);
      continue;
    }
    if (ec) break;  // closed by the server: also a bound
    written += n;
    last_progress = std::chrono::steady_clock::now();
  }
  EXPECT_LT(written, 128u << 20) << "the server kept reading a peer that does not read";
  // And the connection is dropped rather than held for ever.
  EXPECT_TRUE([&] {
    for (int i = 0; i < 500; ++i) {
      if (server_->connections() == 0) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }());
}

// Defect 10: seconds -> nanoseconds overflowed (undefined behaviour; UBSan stops the test).
TEST_F(RpcServerTest, DeadlinesOfAnyValueAreSafe) {
  auto s = connect();
  auto far_future = request(1, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest());
  far_future.mutable_deadline()->set_seconds(std::numeric_limits<std::int64_t>::max());
  send(s, far_future);
  auto answer = receive(s);
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->has_payload()) << answer->error().message();

  auto far_past = request(2, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest());
  far_past.mutable_deadline()->set_seconds(std::numeric_limits<std::int64_t>::min());
  far_past.mutable_deadline()->set_nanos(-5);
  send(s, far_past);
  answer = receive(s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error().code(), "DependencyTimeoutException");
}

TEST(DeadlinePassed, ComparesWithoutConversion) {
  const auto now =
      std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000) + 500ms);
  EXPECT_TRUE(server::rpc::deadline_passed(1'799'999'999, 999'999'999, now));
  EXPECT_TRUE(server::rpc::deadline_passed(1'800'000'000, 400'000'000, now));
  EXPECT_FALSE(server::rpc::deadline_passed(1'800'000'000, 600'000'000, now));
  EXPECT_FALSE(server::rpc::deadline_passed(std::numeric_limits<std::int64_t>::max(), 0, now));
  EXPECT_TRUE(server::rpc::deadline_passed(std::numeric_limits<std::int64_t>::min(), 0, now));
}

// Defect 5: every method name a peer invented became a metric series.
TEST_F(RpcServerTest, MetricsLabelOnlyMethodsServed) {
  std::mutex mutex;
  std::multiset<std::string> labels;
  observe_ = [&](const std::string& method, std::string_view, double) {
    std::lock_guard lock(mutex);
    labels.insert(method);
  };
  start_server({});
  auto s = connect();
  for (int i = 0; i < 50; ++i) {
    send(s, request(i, "coffer.v1.Made/Up" + std::to_string(i), v1::ListKeysRequest(), i % 2 == 0));
    ASSERT_TRUE(receive(s));
  }
  send(s, request(99, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest()));
  ASSERT_TRUE(receive(s));
  std::lock_guard lock(mutex);
  EXPECT_EQ(labels.count("other"), 50u);
  EXPECT_EQ(labels.count("coffer.v1.Keys/ListKeys"), 1u);
  EXPECT_EQ(labels.size(), 51u);
}

// Defect 7: credentials the cache does not know are checked on the authentication pool,
// so junk keys neither wait behind nor occupy the token workers.
TEST_F(RpcServerTest, AuthenticationDoesNotNeedTheTokenWorkers) {
  server::rpc::WorkQueue authentication(1, 16);
  server::rpc::RpcServerOptions options;
  options.authentication_queue = &authentication;
  options.cached_authenticate = [this](std::string_view key) {
    auto cached = keys_->authenticate_cached(key);
    using Known = server::rpc::CachedAuthentication::Known;
    return server::rpc::CachedAuthentication{
        cached.known == core::AccessKeys::Known::kValid     ? Known::kValid
        : cached.known == core::AccessKeys::Known::kInvalid ? Known::kInvalid
                                                            : Known::kUnknown,
        cached.principal};
  };
  start_server(options, /*queue_capacity=*/1);
  // Both workers busy, the queue's one slot taken.
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  auto block = [&] {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return release; });
  };
  struct Release {  // even when an assertion fails, or the workers never finish
    std::mutex& mutex;
    std::condition_variable& cv;
    bool& release;
    ~Release() {
      {
        std::lock_guard lock(mutex);
        release = true;
      }
      cv.notify_all();
    }
  } releaser{mutex, cv, release};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(work_->try_submit(block));
    for (int wait = 0; i < 2 && wait < 200 && work_->queued() > 0; ++wait)
      std::this_thread::sleep_for(5ms);
  }
  ASSERT_FALSE(work_->try_submit([] {})) << "the workers and their queue should be full";

  auto s = connect();
  for (const std::string key :
       {"AKCFAAAAAAAAAAAAAAAA:junk", "not-a-key", "AKCFAAAAAAAAAAAAAAAA:junk"}) {
    auto frame = request(1, "coffer.v1.Keys/ListKeys", v1::ListKeysRequest(), false);
    frame.set_api_key(key);
    send(s, frame);
    auto answer = receive(s);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->error().code(), "AccessDeniedException") << key;
  }
}

TEST_F(RpcServerTest, RequestsBeyondTheByteBudgetAreThrottled) {
  server::rpc::RpcServerOptions options;
  options.budget = std::make_shared<server::net::ByteBudget>(1024);
  start_server(options);
  auto s = connect();
  v1::EncryptRequest big;
  big.set_key_id("alias/none");
  big.set_plaintext(std::string(4000, 'p'));
  send(s, request(1, "coffer.v1.Crypto/Encrypt", big));
  auto answer = receive(s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->error().code(), "ThrottlingException");
  EXPECT_FALSE(create_key(s).empty()) << "a small request still fits";
}

}  // namespace
}  // namespace coffer::testing
