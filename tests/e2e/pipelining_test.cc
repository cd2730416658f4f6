// Many requests in flight on one connection: every answer reaches its own caller, in
// whatever order the server finishes them.
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "client/methods.h"
#include "tests/e2e/kms_fixture.h"

namespace coffer::testing {
namespace {

// Collects async results until `expected` have arrived.
class Collector {
 public:
  explicit Collector(std::size_t expected) : results_(expected), remaining_(expected) {}
  client::RpcClient::Callback slot(std::size_t i) {
    return [this, i](client::RpcResult result) {
      std::lock_guard lock(mutex_);
      if (result.ok())
        results_[i] = std::move(result.payload());
      else
        errors_.push_back(std::string(result.error().name()) + ": " + result.error().what());
      order_.push_back(i);
      if (--remaining_ == 0) done_.notify_all();
    };
  }
  bool wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, timeout, [&] { return remaining_ == 0; });
  }
  std::vector<std::string> results_;
  std::vector<std::string> errors_;
  std::vector<std::size_t> order_;

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t remaining_;
};

// PROTOCOL.md's queue limit (4 x sessions x 64 = 1024 with 4 sessions), set explicitly
// so that 1000 requests in flight are all queued rather than throttled.
class PipelineE2eTest : public KmsE2eTest {
 protected:
  CofferdOptions daemon_options() override {
    CofferdOptions options;
    options.extra_args = {"--queue-capacity", "1024"};
    return options;
  }
  client::ClientConfig client_config() override {
    auto config = KmsE2eTest::client_config();
    config.max_throttle_retries = 0;  // a throttled request would be a failure here
    return config;
  }
};

TEST_F(PipelineE2eTest, ThousandRequestsInFlightOnOneConnection) {
  constexpr std::size_t kCalls = 1000;
  const std::string key = create_key();
  auto& rpc = kms_->rpc();

  Collector sealed(kCalls);
  for (std::size_t i = 0; i < kCalls; ++i) {
    v1::EncryptRequest request;
    request.set_key_id(key);
    request.set_plaintext("message number " + std::to_string(i));
    (*request.mutable_encryption_context())["n"] = std::to_string(i);
    rpc.call_async(client::method::kEncrypt, request, sealed.slot(i));
  }
  ASSERT_TRUE(sealed.wait(std::chrono::seconds(300)));
  ASSERT_TRUE(sealed.errors_.empty()) << sealed.errors_.front();

  Collector opened(kCalls);
  for (std::size_t i = 0; i < kCalls; ++i) {
    auto response =
        client::RpcClient::parse<v1::EncryptResponse>(client::method::kEncrypt, sealed.results_[i]);
    v1::DecryptRequest request;
    request.set_ciphertext_blob(response.ciphertext_blob());
    (*request.mutable_encryption_context())["n"] = std::to_string(i);
    rpc.call_async(client::method::kDecrypt, request, opened.slot(i));
  }
  ASSERT_TRUE(opened.wait(std::chrono::seconds(300)));
  ASSERT_TRUE(opened.errors_.empty()) << opened.errors_.front();
  for (std::size_t i = 0; i < kCalls; ++i) {
    auto response =
        client::RpcClient::parse<v1::DecryptResponse>(client::method::kDecrypt, opened.results_[i]);
    ASSERT_EQ(response.plaintext(), "message number " + std::to_string(i));
  }
}

TEST_F(KmsE2eTest, ThreadsShareOneClient) {
  const std::string key = create_key();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string text = std::to_string(t) + "/" + std::to_string(i);
        v1::EncryptRequest encrypt;
        encrypt.set_key_id(key);
        encrypt.set_plaintext(text);
        v1::DecryptRequest decrypt;
        try {
          decrypt.set_ciphertext_blob(kms_->encrypt(encrypt).ciphertext_blob());
          if (kms_->decrypt(decrypt).plaintext() != text) ++failures;
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(KmsE2eTest, SyncCallInsideCallbackIsRefused) {
  auto& rpc = kms_->rpc();
  std::promise<std::string> seen;
  v1::GenerateRandomRequest random;
  random.set_number_of_bytes(4);
  rpc.call_async(client::method::kGenerateRandom, random, [&](client::RpcResult) {
    try {
      rpc.call(client::method::kGenerateRandom, v1::GenerateRandomRequest()).value();
      seen.set_value("no error");
    } catch (const Error& e) {
      seen.set_value(std::string(e.name()));
    }
  });
  EXPECT_EQ(seen.get_future().get(), "KMSInternalException");
}

}  // namespace
}  // namespace coffer::testing
