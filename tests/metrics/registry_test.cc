// Families and series: identity, lifetime of references, and what the registry refuses.
#include "server/metrics/registry.h"

#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::server::metrics {
namespace {

using coffer::testing::ThrowsError;

TEST(Registry, SameNameAndTypeIsTheSameFamily) {
  Registry registry;
  auto& a = registry.counter("x_total", "X.");
  EXPECT_EQ(&a, &registry.counter("x_total", "X."));
  auto& h = registry.histogram("h_seconds", "H.", {0.1, 1});
  EXPECT_EQ(&h, &registry.histogram("h_seconds", "H.", {0.1, 1}));
  EXPECT_EQ(registry.families().size(), 2u);
}

TEST(Registry, RefusesConflictingRegistrations) {
  Registry registry;
  registry.counter("x_total", "X.");
  registry.histogram("lat_seconds", "Latency.", {0.1, 1});
  EXPECT_THAT([&] { registry.gauge("x_total", "X."); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { registry.counter("x_total", "Other help."); },
              ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { registry.histogram("lat_seconds", "Latency.", {0.5}); },
              ThrowsError(ErrorCode::kValidation));
  // A histogram renders as name_bucket, name_sum and name_count.
  EXPECT_THAT([&] { registry.counter("lat_seconds_count", "C."); },
              ThrowsError(ErrorCode::kValidation));
  registry.gauge("depth_sum", "S.");
  EXPECT_THAT([&] { registry.histogram("depth", "D."); }, ThrowsError(ErrorCode::kValidation));
}

TEST(Registry, RefusesInvalidNames) {
  Registry registry;
  EXPECT_THAT([&] { registry.counter("", "X."); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { registry.counter("9lives", "X."); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { registry.counter("has-dash", "X."); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(registry.counter("coffer:rule_total", "Colons are allowed."));
  auto& c = registry.counter("c_total", "C.");
  EXPECT_THAT([&] { c.series({{"bad-name", "v"}}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { c.series({{"__reserved", "v"}}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { c.series({{"a", "1"}, {"a", "2"}}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(c.series({{"le", "counters may use le"}}));
  EXPECT_NO_THROW(c.series({{"v", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"}}));
  for (const char* bad :
       {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xe2\x82"}) {
    EXPECT_THAT([&] { c.series({{"v", bad}}); }, ThrowsError(ErrorCode::kValidation)) << bad;
  }
  auto& h = registry.histogram("h_seconds", "H.");
  EXPECT_THAT([&] { h.series({{"le", "1"}}); }, ThrowsError(ErrorCode::kValidation));
}

TEST(Registry, RefusesBadBucketBounds) {
  Registry registry;
  EXPECT_THAT([&] { registry.histogram("a", "A.", {1, 1}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT([&] { registry.histogram("b", "B.", {2, 1}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        registry.histogram("c", "C.", {1, std::numeric_limits<double>::infinity()});
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_NO_THROW(registry.histogram("d", "Only +Inf.", {}));
}

TEST(Registry, SeriesAreStableWhateverTheLabelOrder) {
  Registry registry;
  auto& c = registry.counter("requests_total", "R.");
  Counter& first = c.series({{"method", "Encrypt"}, {"code", "OK"}});
  for (int i = 0; i < 100; ++i)
    c.series({{"method", "m" + std::to_string(i)}});  // rebalance the map
  EXPECT_EQ(&first, &c.series({{"code", "OK"}, {"method", "Encrypt"}}));
  EXPECT_EQ(&first, &c.series({{"method", "Encrypt"}, {"code", "OK"}}));
  EXPECT_NE(&first, &c.series({{"method", "Encrypt"}, {"code", "NotFound"}}));
}

TEST(Registry, ConcurrentLookupsCreateOneSeries) {
  Registry registry;
  auto& c = registry.counter("racy_total", "R.");
  std::vector<Counter*> seen(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        Counter& s = c.series({{"k", "v"}});
        s.inc();
        seen[static_cast<std::size_t>(t)] = &s;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (Counter* s : seen) EXPECT_EQ(s, seen[0]);
  EXPECT_EQ(seen[0]->value(), 8000u);
}

TEST(Registry, GaugeCallbacksAndSetSeriesDoNotShareLabels) {
  Registry registry;
  auto& g = registry.gauge("pool", "P.");
  g.series({{"state", "idle"}});
  EXPECT_THAT(
      [&] {
        (void)g.callback({{"state", "idle"}}, [] { return 1.0; });
      },
      ThrowsError(ErrorCode::kValidation));
  GaugeCallback busy = g.callback({{"state", "busy"}}, [] { return 1.0; });
  EXPECT_THAT([&] { g.series({{"state", "busy"}}); }, ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        (void)g.callback({{"state", "busy"}}, [] { return 2.0; });
      },
      ThrowsError(ErrorCode::kValidation));
  EXPECT_THAT(
      [&] {
        (void)g.callback({{"state", "x"}}, nullptr);
      },
      ThrowsError(ErrorCode::kValidation));

  GaugeCallback moved = std::move(busy);
  busy.reset();  // moved-from: no effect
  int calls = 0;
  g.visit_values([&](const Labels&, double) { ++calls; });
  EXPECT_EQ(calls, 2);
  moved = GaugeCallback();  // unregisters; the labels are free again
  EXPECT_NO_THROW(g.series({{"state", "busy"}}));
}

}  // namespace
}  // namespace coffer::server::metrics
