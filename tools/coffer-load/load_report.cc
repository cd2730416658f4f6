#include "tools/coffer-load/load_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace coffer::tools::load {
namespace {

double ms(std::chrono::nanoseconds ns) { return static_cast<double>(ns.count()) / 1e6; }

double per_second(std::uint64_t count, const LoadResult& r) {
  return r.measured.count() > 0 ? static_cast<double>(count) / r.measured.count() : 0.0;
}

std::string mix_text(const LoadOptions& options) {
  std::string out;
  for (const auto& e : options.mix)
    out += (out.empty() ? "" : ",") + e.operation + "=" + std::to_string(e.weight);
  return out;
}

nlohmann::json latency_json(const LatencyHistogram& h) {
  return {{"count", h.count()},
          {"min", ms(h.min())},
          {"mean", ms(h.mean())},
          {"p50", ms(h.percentile(0.5))},
          {"p90", ms(h.percentile(0.9))},
          {"p99", ms(h.percentile(0.99))},
          {"p99_9", ms(h.percentile(0.999))},
          {"max", ms(h.max())}};
}

// How many keys the requests were spread over (--key-ids-file), or created (--create-keys).
std::size_t key_count(const LoadOptions& options, const LoadResult& r) {
  if (options.create_keys > 0) return r.created_key_ids.size();
  return std::max<std::size_t>(options.key_ids.size(), 1);
}

// The errors other than ThrottlingException, by code: the throttled are reported apart,
// being the server shedding load as designed rather than failing.
std::map<std::string, std::uint64_t> other_errors(const LoadResult& r) {
  auto others = r.errors;
  others.erase(std::string(error_name(ErrorCode::kThrottling)));
  return others;
}

// "4 connections x 64 in flight", or with --rate "20000/s open loop over 4 connections, at
// most 64 in flight each".
std::string load_shape(const LoadOptions& options) {
  const std::string connections =
      std::to_string(options.connections) + " connection" + (options.connections == 1 ? "" : "s");
  if (options.rate == 0)
    return connections + " x " + std::to_string(options.in_flight) + " in flight";
  return std::to_string(options.rate) + "/s open loop over " + connections + ", at most " +
         std::to_string(options.in_flight) + " in flight each";
}

void print_latency_line(const char* label, const LatencyHistogram& h) {
  std::printf("%-36s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f)\n", label,
              ms(h.percentile(0.5)), ms(h.percentile(0.9)), ms(h.percentile(0.99)),
              ms(h.percentile(0.999)), ms(h.max()), ms(h.mean()));
}

}  // namespace

void print_text_report(const LoadOptions& options, const std::vector<Operation>& operations,
                       const LoadResult& r) {
  std::printf("coffer-load: %s (%s), %s, %u thread%s, %.1f s measured, mix %s, %u-byte payloads\n",
              options.client.endpoint.c_str(), options.client.tls ? "TLS" : "plaintext TCP",
              load_shape(options).c_str(), options.threads, options.threads == 1 ? "" : "s",
              r.measured.count(), mix_text(options).c_str(), options.payload_bytes);
  if (options.create_keys > 0 || options.key_ids.size() > 1) {
    std::printf("%-36s %10zu\n", options.create_keys > 0 ? "keys created" : "keys",
                key_count(options, r));
  }
  std::printf("%-36s %10llu  %10.1f ops/s\n", "operations",
              static_cast<unsigned long long>(r.operations), per_second(r.operations, r));
  for (std::size_t i = 0; i < operations.size(); ++i) {
    std::printf("  %-34s %10llu  %10.1f ops/s\n", operations[i].name.c_str(),
                static_cast<unsigned long long>(r.per_operation[i].ok),
                per_second(r.per_operation[i].ok, r));
  }
  if (options.rate > 0) {
    std::printf("%-36s %10llu  %10.1f req/s\n", "sent (offered)",
                static_cast<unsigned long long>(r.sent), per_second(r.sent, r));
    std::printf("%-36s %10llu\n", "dropped by client",
                static_cast<unsigned long long>(r.dropped_by_client));
  }
  std::printf("%-36s %10llu  %10.1f req/s\n", "throttled",
              static_cast<unsigned long long>(r.throttled()), per_second(r.throttled(), r));
  const auto others = other_errors(r);
  std::printf("%-36s %10llu\n", "errors (other)",
              static_cast<unsigned long long>(r.error_count() - r.throttled()));
  for (const auto& [code, count] : others) {
    std::printf("  %-34s %10llu\n", code.c_str(), static_cast<unsigned long long>(count));
  }
  if (r.reconnects > 0)
    std::printf("%-36s %10llu\n", "reconnects", static_cast<unsigned long long>(r.reconnects));
  if (r.unanswered > 0)
    std::printf("%-36s %10llu\n", "unanswered", static_cast<unsigned long long>(r.unanswered));
  print_latency_line("latency ms", r.latency);
  if (operations.size() > 1) {
    for (std::size_t i = 0; i < operations.size(); ++i) {
      print_latency_line(("  " + operations[i].name).c_str(), r.per_operation[i].latency);
    }
  }
}

void print_json_report(const LoadOptions& options, const std::vector<Operation>& operations,
                       const LoadResult& r) {
  nlohmann::json mix = nlohmann::json::object();
  for (const auto& e : options.mix) mix[e.operation] = e.weight;
  nlohmann::json by_operation = nlohmann::json::object();
  for (std::size_t i = 0; i < operations.size(); ++i) {
    by_operation[operations[i].name] = {{"operations", r.per_operation[i].ok},
                                        {"ops_per_second", per_second(r.per_operation[i].ok, r)},
                                        {"latency_ms", latency_json(r.per_operation[i].latency)}};
  }
  nlohmann::json report = {
      {"endpoint", options.client.endpoint},
      {"tls", options.client.tls},
      {"connections", options.connections},
      {"in_flight_per_connection", options.in_flight},
      {"rate", options.rate},
      {"threads", options.threads},
      {"duration_seconds", r.measured.count()},
      {"warmup_seconds", options.warmup.count()},
      {"payload_bytes", options.payload_bytes},
      {"mix", mix},
      {options.create_keys > 0 ? "keys_created" : "keys", key_count(options, r)},
      {"operations", r.operations},
      {"ops_per_second", per_second(r.operations, r)},
      // The same as ops_per_second (only successes count there), named for overload runs.
      {"goodput_per_second", per_second(r.operations, r)},
      {"throttled", r.throttled()},
      // total and by_code: every error, the throttled included.
      {"errors", {{"total", r.error_count()}, {"by_code", r.errors}}},
      {"reconnects", r.reconnects},
      {"unanswered", r.unanswered},
      {"latency_ms", latency_json(r.latency)},
      {"by_operation", by_operation},
  };
  if (options.rate > 0) {
    report["sent"] = r.sent;
    report["offered_per_second"] = per_second(r.sent, r);
    report["dropped_by_client"] = r.dropped_by_client;
  }
  std::printf("%s\n", report.dump(2).c_str());
}

}  // namespace coffer::tools::load
