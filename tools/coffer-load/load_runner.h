// Drives the load: each io thread owns some connections and keeps `in_flight` requests
// outstanding on each, sending the next one the moment a response arrives. Latency is
// from handing a request to the connection to its response, for the successful ones.
// With options.rate (open loop) each connection sends on its SendSchedule instead, and
// latency runs from a request's scheduled time, so that a slow server cannot hide its
// delays by slowing the sender down (coordinated omission).
// The requests go out on client::Connection directly, never through RpcClient, so a
// ThrottlingException is never retried: each one is counted.
// With options.create_keys the run is a count, not a time: that many requests in all.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/coffer-load/latency_histogram.h"
#include "tools/coffer-load/load_options.h"
#include "tools/coffer-load/operations.h"

namespace coffer::tools::load {

struct OperationStats {
  std::uint64_t ok = 0;
  LatencyHistogram latency;
};

struct LoadResult {
  std::chrono::duration<double> measured{0};    // the measurement window
  std::vector<OperationStats> per_operation;    // in the order of the operations run
  LatencyHistogram latency;                     // every successful operation
  std::uint64_t operations = 0;                 // successful, completed in the window
  std::map<std::string, std::uint64_t> errors;  // error code -> count, in the window
  std::uint64_t reconnects = 0;
  std::uint64_t unanswered = 0;  // still in flight when the run gave up waiting
  // --rate: the sends scheduled in the window that went out, and those skipped because the
  // connection had --in-flight outstanding already or was reconnecting.
  std::uint64_t sent = 0;
  std::uint64_t dropped_by_client = 0;
  std::vector<std::string> created_key_ids;  // --create-keys: the ids the responses carry

  std::uint64_t error_count() const;  // every error, throttled ones included
  std::uint64_t throttled() const;    // the ThrottlingException errors
};

// Runs for options.warmup + options.duration, then waits up to a few seconds for the
// requests still in flight. Counts what completes inside the measurement window. With
// options.create_keys: sends that many requests and measures until the last is answered.
LoadResult run_load(const LoadOptions& options, const std::vector<Operation>& operations);

}  // namespace coffer::tools::load
