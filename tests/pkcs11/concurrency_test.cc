// Many threads on one Token with fewer sessions than threads: 8 threads x 10,000 AES-GCM
// encryptions over a pool of 4 sessions, then 8 threads decrypting all of them. No call may
// fail, every ciphertext must decrypt to its own plaintext, and no IV may repeat.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include "common/error.h"
#include "tests/support/token_fixture.h"

namespace coffer::testing {
namespace {

using pkcs11::Bytes;

constexpr std::size_t kThreads = 8;
constexpr std::size_t kOperationsPerThread = 10'000;

// The plaintext of operation i of thread t: 32 bytes that name both.
Bytes plaintext_for(std::size_t thread, std::size_t i) {
  const std::string text = "thread " + std::to_string(thread) + " operation " + std::to_string(i);
  Bytes out(32, 0);
  std::copy_n(text.begin(), std::min(text.size(), out.size()), out.begin());
  return out;
}

Bytes aad_for(std::size_t thread) { return Bytes{'t', static_cast<std::uint8_t>(thread)}; }

class Concurrency : public TokenTest {};

TEST_F(Concurrency, EightThreadsShareFourSessionsForAesGcm) {
  ASSERT_LT(kPoolSessions, kThreads) << "the test needs more threads than sessions";
  const std::string key = unique_id("concurrent-aes");
  token().generate_aes256(key, {.lifetime = pkcs11::Lifetime::kSession});

  std::vector<std::vector<pkcs11::GcmCiphertext>> sealed(kThreads);
  std::atomic<std::size_t> errors{0};
  std::vector<std::string> first_error(kThreads);

  auto run = [&](auto&& body) {
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          body(t);
        } catch (const std::exception& e) {
          errors.fetch_add(1);
          first_error[t] = e.what();
        }
      });
    }
    for (auto& thread : threads) thread.join();
  };

  const auto start = std::chrono::steady_clock::now();
  run([&](std::size_t t) {
    sealed[t].reserve(kOperationsPerThread);
    const Bytes aad = aad_for(t);
    for (std::size_t i = 0; i < kOperationsPerThread; ++i) {
      sealed[t].push_back(token().gcm_encrypt(key, aad, plaintext_for(t, i)));
    }
  });
  const auto encrypted = std::chrono::steady_clock::now();

  std::atomic<std::size_t> mismatches{0};
  run([&](std::size_t t) {
    // Each thread opens another thread's ciphertexts, so that sessions mix freely.
    const std::size_t owner = (t + 1) % kThreads;
    const Bytes aad = aad_for(owner);
    for (std::size_t i = 0; i < sealed[owner].size(); ++i) {
      const SecretBytes opened =
          token().gcm_decrypt(key, sealed[owner][i].iv, aad, sealed[owner][i].ciphertext);
      const Bytes expected = plaintext_for(owner, i);
      if (opened.size() != expected.size() ||
          std::memcmp(opened.data(), expected.data(), expected.size()) != 0) {
        mismatches.fetch_add(1);
      }
    }
  });
  const auto decrypted = std::chrono::steady_clock::now();

  for (std::size_t t = 0; t < kThreads; ++t) EXPECT_EQ(first_error[t], "") << "thread " << t;
  EXPECT_EQ(errors.load(), 0u);
  EXPECT_EQ(mismatches.load(), 0u);

  std::set<std::array<std::uint8_t, 12>> ivs;
  std::size_t total = 0;
  for (const auto& per_thread : sealed) {
    EXPECT_EQ(per_thread.size(), kOperationsPerThread);
    for (const auto& s : per_thread) ivs.insert(s.iv);
    total += per_thread.size();
  }
  EXPECT_EQ(total, kThreads * kOperationsPerThread);
  EXPECT_EQ(ivs.size(), total) << "an IV was used twice";

  const pkcs11::SessionPoolStats stats = token().pool().stats();
  EXPECT_LE(stats.open, kPoolSessions);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.timeouts, 0u);
  EXPECT_EQ(stats.reopened, 0u);

  using ms = std::chrono::milliseconds;
  const auto encrypt_ms = std::chrono::duration_cast<ms>(encrypted - start).count();
  const auto decrypt_ms = std::chrono::duration_cast<ms>(decrypted - encrypted).count();
  std::cout << kThreads << " threads x " << kOperationsPerThread << " AES-GCM operations over "
            << kPoolSessions << " sessions: encrypt " << encrypt_ms << " ms, decrypt " << decrypt_ms
            << " ms, " << stats.open << " sessions open\n";
}

}  // namespace
}  // namespace coffer::testing
