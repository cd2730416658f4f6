// Exact exposition text, checked against the format 0.0.4 rules: HELP/TYPE lines, label
// escaping, cumulative buckets ending in +Inf, _sum and _count.
#include "server/metrics/prometheus_text.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace coffer::server::metrics {
namespace {

TEST(PrometheusText, CountersSortLabelsAndSeries) {
  Registry registry;
  auto& requests = registry.counter("coffer_requests_total", "Requests handled.");
  requests.series({{"method", "Encrypt"}, {"code", "OK"}}).inc(3);
  requests.series({{"code", "Throttling"}, {"method", "Decrypt"}}).inc();
  registry.counter("coffer_a_total", "Sorted first.").series().inc(0);
  EXPECT_EQ(render_prometheus(registry),
            "# HELP coffer_a_total Sorted first.\n"
            "# TYPE coffer_a_total counter\n"
            "coffer_a_total 0\n"
            "# HELP coffer_requests_total Requests handled.\n"
            "# TYPE coffer_requests_total counter\n"
            "coffer_requests_total{code=\"OK\",method=\"Encrypt\"} 3\n"
            "coffer_requests_total{code=\"Throttling\",method=\"Decrypt\"} 1\n");
}

TEST(PrometheusText, FamiliesWithoutSeriesAreLeftOut) {
  Registry registry;
  registry.counter("unused_total", "No series yet.");
  registry.histogram("unused_seconds", "No series yet.");
  EXPECT_EQ(render_prometheus(registry), "");
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter("escapes_total", "Back\\slash, \"quotes\" and\nnewline.")
      .series({{"v", "a\"b\\c\nd"}})
      .inc();
  EXPECT_EQ(render_prometheus(registry),
            "# HELP escapes_total Back\\\\slash, \"quotes\" and\\nnewline.\n"
            "# TYPE escapes_total counter\n"
            "escapes_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(PrometheusText, GaugesSetAddAndCallbacksInLabelOrder) {
  Registry registry;
  auto& sessions = registry.gauge("coffer_sessions", "Token sessions.");
  sessions.series({{"state", "busy"}}).set(2.5);
  sessions.series({{"state", "busy"}}).add(-1);
  GaugeCallback idle = sessions.callback({{"state", "idle"}}, [] { return 7.0; });
  GaugeCallback broken = sessions.callback({{"state", "broken"}}, []() -> double { throw 1; });
  sessions.series({{"state", "queued"}}).set(-0.5);
  const std::string header =
      "# HELP coffer_sessions Token sessions.\n# TYPE coffer_sessions gauge\n";
  EXPECT_EQ(render_prometheus(registry), header +
                                             "coffer_sessions{state=\"busy\"} 1.5\n"
                                             "coffer_sessions{state=\"idle\"} 7\n"
                                             "coffer_sessions{state=\"queued\"} -0.5\n");
  idle.reset();
  EXPECT_EQ(render_prometheus(registry), header +
                                             "coffer_sessions{state=\"busy\"} 1.5\n"
                                             "coffer_sessions{state=\"queued\"} -0.5\n");
}

TEST(PrometheusText, FloatsAreWrittenAsGoWritesThem) {
  Registry registry;
  auto& g = registry.gauge("g", "Values.");
  const std::pair<double, const char*> cases[] = {
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {0.00025, "0.00025"},
      {123456, "123456"},
      {1e6, "1e+06"},
      {1234567.5, "1.2345675e+06"},
      {0.1, "0.1"},
      {-2.5e-7, "-2.5e-07"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& [value, text] : cases) {
    g.series({{"v", text}}).set(value);
  }
  const std::string out = render_prometheus(registry);
  for (const auto& [value, text] : cases) {
    const std::string line = std::string("g{v=\"") + text + "\"} " + text + "\n";
    EXPECT_NE(out.find(line), std::string::npos) << line << "in\n" << out;
  }
}

TEST(PrometheusText, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& latency = registry.histogram("coffer_latency_seconds", "Latency.", {0.25, 0.5, 1});
  Histogram& h = latency.series({{"method", "Sign"}});
  for (double v : {0.125, 0.25, 0.375, 0.75, 4.0}) h.observe(v);  // 0.25 lands in le="0.25"
  EXPECT_EQ(render_prometheus(registry),
            "# HELP coffer_latency_seconds Latency.\n"
            "# TYPE coffer_latency_seconds histogram\n"
            "coffer_latency_seconds_bucket{method=\"Sign\",le=\"0.25\"} 2\n"
            "coffer_latency_seconds_bucket{method=\"Sign\",le=\"0.5\"} 3\n"
            "coffer_latency_seconds_bucket{method=\"Sign\",le=\"1\"} 4\n"
            "coffer_latency_seconds_bucket{method=\"Sign\",le=\"+Inf\"} 5\n"
            "coffer_latency_seconds_sum{method=\"Sign\"} 5.5\n"
            "coffer_latency_seconds_count{method=\"Sign\"} 5\n");
}

TEST(PrometheusText, DefaultLatencyBucketsSpan10usTo10s) {
  Registry registry;
  registry.histogram("rpc_seconds", "Latency.").series().observe(0.003);
  // 0.003 s is first counted at le="0.005".
  const std::pair<const char*, int> buckets[] = {
      {"1e-05", 0},  {"2.5e-05", 0}, {"5e-05", 0},  {"0.0001", 0}, {"0.00025", 0},
      {"0.0005", 0}, {"0.001", 0},   {"0.0025", 0}, {"0.005", 1},  {"0.01", 1},
      {"0.025", 1},  {"0.05", 1},    {"0.1", 1},    {"0.25", 1},   {"0.5", 1},
      {"1", 1},      {"2.5", 1},     {"5", 1},      {"10", 1},     {"+Inf", 1}};
  std::string expected = "# HELP rpc_seconds Latency.\n# TYPE rpc_seconds histogram\n";
  for (const auto& [le, count] : buckets) {
    expected +=
        std::string("rpc_seconds_bucket{le=\"") + le + "\"} " + std::to_string(count) + "\n";
  }
  expected += "rpc_seconds_sum 0.003\nrpc_seconds_count 1\n";
  EXPECT_EQ(render_prometheus(registry), expected);
}

TEST(PrometheusText, RendersWhileOtherThreadsWrite) {
  Registry registry;
  auto& requests = registry.counter("requests_total", "R.");
  auto& latency = registry.histogram("latency_seconds", "L.", {0.5});
  auto& pool = registry.gauge("pool_sessions", "P.");
  std::atomic<bool> done = false;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      const Labels labels = {{"thread", std::to_string(t)}};
      for (int i = 0; i < 2000; ++i) {
        requests.series(labels).inc();
        latency.series(labels).observe(0.25);
        // Callbacks come and go while scrapes run them.
        GaugeCallback cb =
            pool.callback({{"thread", std::to_string(t)}}, [i] { return double(i); });
      }
    });
  }
  std::thread scraper([&] {
    while (!done) (void)render_prometheus(registry);
  });
  for (auto& w : writers) w.join();
  done = true;
  scraper.join();
  const std::string out = render_prometheus(registry);
  for (int t = 0; t < 4; ++t) {
    const std::string l = "{thread=\"" + std::to_string(t) + "\"}";
    EXPECT_NE(out.find("requests_total" + l + " 2000\n"), std::string::npos) << out;
    EXPECT_NE(out.find("latency_seconds_sum" + l + " 500\n"), std::string::npos) << out;
  }
  EXPECT_EQ(out.find("pool_sessions"), std::string::npos);  // every callback was removed
}

}  // namespace
}  // namespace coffer::server::metrics
