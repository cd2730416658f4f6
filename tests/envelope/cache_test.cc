// The data-key cache: limits by age, messages and bytes; entries keyed by keys and
// context; least-recently-used eviction; evicted secrets released; many threads.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/envelope/record.h"
#include "tests/envelope/fake_key_service.h"
#include "tests/envelope/stream_test_util.h"

namespace coffer::testing {
namespace {

using namespace core::envelope;
using namespace std::chrono_literals;

class CacheTest : public ::testing::Test {
 protected:
  DataKeyCache make_cache(CacheLimits limits) {
    return DataKeyCache(limits, [this] { return now_; });
  }
  std::shared_ptr<EncryptionSession> session(DataKeyCache& cache, const std::string& key,
                                             core::EncryptionContext context = {},
                                             std::uint64_t bytes = 1) {
    return cache.session(DataKeyCache::encryption_key({key}, context), bytes,
                         [&] { return make_encryption_materials(service_, {key}, context); });
  }

  FakeKeyService service_;
  std::chrono::steady_clock::time_point now_{};
};

TEST_F(CacheTest, ReusesADataKeyWithinTheLimits) {
  auto cache = make_cache({});
  auto a = session(cache, "k1");
  auto b = session(cache, "k1");
  EXPECT_EQ(a, b);
  EXPECT_EQ(service_.generate_calls, 1);
  EXPECT_EQ(cache.stats().hits, 1u);
}

TEST_F(CacheTest, KeyAndContextAreBothPartOfTheCacheKey) {
  auto cache = make_cache({});
  auto a = session(cache, "k1", {{"tenant", "1"}});
  EXPECT_NE(a, session(cache, "k1", {{"tenant", "2"}}));
  EXPECT_NE(a, session(cache, "k2", {{"tenant", "1"}}));
  EXPECT_EQ(a, session(cache, "k1", {{"tenant", "1"}}));
  EXPECT_EQ(service_.generate_calls, 3);
  // Key lists are joined unambiguously.
  EXPECT_NE(DataKeyCache::encryption_key({"ab", "c"}, {}),
            DataKeyCache::encryption_key({"a", "bc"}, {}));
}

TEST_F(CacheTest, RetiresByAge) {
  auto cache = make_cache({.max_age = 10s});
  auto a = session(cache, "k1");
  now_ += 9s;
  EXPECT_EQ(session(cache, "k1"), a);
  now_ += 1s;
  EXPECT_NE(session(cache, "k1"), a);
  EXPECT_EQ(service_.generate_calls, 2);
}

TEST_F(CacheTest, RetiresByMessages) {
  auto cache = make_cache({.max_messages = 3});
  auto a = session(cache, "k1");
  EXPECT_EQ(session(cache, "k1"), a);
  EXPECT_EQ(session(cache, "k1"), a);
  auto b = session(cache, "k1");  // the fourth message
  EXPECT_NE(b, a);
  EXPECT_EQ(session(cache, "k1"), b);
}

TEST_F(CacheTest, RetiresByBytes) {
  auto cache = make_cache({.max_bytes = 1000});
  auto a = session(cache, "k1", {}, 600);
  EXPECT_EQ(session(cache, "k1", {}, 400), a);  // exactly 1000
  EXPECT_NE(session(cache, "k1", {}, 1), a);
  // A message larger than the limit never uses or enters the cache.
  const auto before = service_.generate_calls;
  auto big1 = session(cache, "k1", {}, 5000);
  auto big2 = session(cache, "k1", {}, 5000);
  EXPECT_NE(big1, big2);
  EXPECT_EQ(service_.generate_calls, before + 2);
}

TEST_F(CacheTest, EvictsLeastRecentlyUsedAndReleasesTheSecrets) {
  auto cache = make_cache({.capacity = 2});
  std::weak_ptr<EncryptionSession> first = session(cache, "k1");
  (void)session(cache, "k2");
  (void)session(cache, "k1");  // k1 used more recently than k2
  (void)session(cache, "k3");  // evicts k2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(first.expired());
  (void)session(cache, "k4");    // evicts k1
  EXPECT_TRUE(first.expired());  // no one holds it: data key and cipher contexts wiped
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CacheTest, AnEntryInUseOutlivesItsEvictionUntilTheMessageIsDone) {
  auto cache = make_cache({.capacity = 1});
  auto held = session(cache, "k1");
  (void)session(cache, "k2");
  EXPECT_EQ(held->materials.data_key.size(), 32u);  // still usable by its message
}

TEST_F(CacheTest, TenThousandSmallMessagesCostAtLeast99PercentFewerCalls) {
  const auto message = pattern(1024);
  FakeKeyService uncached_service;
  RecordSealer uncached(uncached_service, nullptr, {"k1"}, {{"app", "x"}});
  for (int i = 0; i < 10000; ++i) (void)uncached.seal(message);

  DataKeyCache cache;  // default limits
  RecordSealer cached(service_, &cache, {"k1"}, {{"app", "x"}});
  for (int i = 0; i < 10000; ++i) (void)cached.seal(message);
  EXPECT_EQ(uncached_service.calls(), 10000);
  EXPECT_LE(service_.calls() * 100, uncached_service.calls());
}

TEST_F(CacheTest, ManyThreadsShareOneDataKeyAndNeverRepeatANonce) {
  DataKeyCache cache;
  RecordSealer sealer(service_, &cache, {"k1"}, {});
  std::vector<std::vector<core::Bytes>> records(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < records.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i)
        records[t].push_back(sealer.seal(pattern(100, static_cast<std::uint32_t>(t))));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(service_.generate_calls, 1);
  std::set<core::Bytes> nonces;  // header (salt) || record number: just before ciphertext || tag
  RecordOpener opener(service_, &cache);
  for (std::size_t t = 0; t < records.size(); ++t) {
    for (const auto& r : records[t]) {
      nonces.emplace(r.begin(), r.end() - 100 - 16);
      EXPECT_EQ(opener.open(r).size(), 100u);
    }
  }
  EXPECT_EQ(nonces.size(), 2000u);
  EXPECT_EQ(service_.decrypt_calls, 1);
}

}  // namespace
}  // namespace coffer::testing
