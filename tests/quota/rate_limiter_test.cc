// The token bucket (GCRA): a full bucket lets `burst` requests through at once, then one per
// 1/rate; concurrent takers never get more than that between them.
#include "server/quota/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace coffer::server::quota {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(RateLimiter, WithoutARateEverythingPasses) {
  RateLimiter unlimited;
  EXPECT_FALSE(unlimited.limited());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unlimited.try_acquire(0));
  RateLimiter zero(0, 10);
  EXPECT_TRUE(zero.try_acquire(0));
}

TEST(RateLimiter, AFullBucketLetsTheBurstThroughThenRefills) {
  RateLimiter limiter(10, 5);  // 10/s, 5 at once
  const std::int64_t t0 = 100 * kSecond;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.try_acquire(t0)) << i;
  EXPECT_FALSE(limiter.try_acquire(t0));
  EXPECT_FALSE(limiter.try_acquire(t0 + kSecond / 10 - 1));
  EXPECT_TRUE(limiter.try_acquire(t0 + kSecond / 10));  // one token per 100 ms
  EXPECT_FALSE(limiter.try_acquire(t0 + kSecond / 10));
  EXPECT_FALSE(limiter.idle(t0 + kSecond / 10));
  // Long idle: the bucket is full again, but never fuller than the burst.
  EXPECT_TRUE(limiter.idle(t0 + 10 * kSecond));
  int passed = 0;
  while (limiter.try_acquire(t0 + 10 * kSecond)) ++passed;
  EXPECT_EQ(passed, 5);
}

TEST(RateLimiter, SustainedRateIsTheConfiguredRate) {
  RateLimiter limiter(1000, 1);
  int passed = 0;
  // Offered at 10,000/s for one second: 1,000 pass (the first at t=0 included).
  for (std::int64_t t = 0; t < kSecond; t += kSecond / 10000)
    passed += limiter.try_acquire(kSecond + t) ? 1 : 0;
  EXPECT_EQ(passed, 1000);
}

TEST(RateLimiter, ConcurrentTakersShareOneBucket) {
  RateLimiter limiter(1, 1000);  // 1,000 tokens, hardly any refill during the test
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (limiter.try_acquire(kSecond)) passed.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(passed.load(), 1000);
}

TEST(RateLimiter, FractionalRatesAndBursts) {
  RateLimiter limiter(0.5, 0.2);  // one request per two seconds; a burst below 1 is 1
  EXPECT_EQ(limiter.burst(), 1);
  EXPECT_TRUE(limiter.try_acquire(0));
  EXPECT_FALSE(limiter.try_acquire(kSecond));
  EXPECT_TRUE(limiter.try_acquire(2 * kSecond));
}

}  // namespace
}  // namespace coffer::server::quota
