// What a coffer-load run does: where to connect, how many connections and requests in
// flight, for how long, and which operations in which proportions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "client/client_config.h"

namespace coffer::tools::load {

// One entry of --mix: an operation name (encrypt, decrypt, generate-data-key,
// generate-data-key-without-plaintext, generate-random, describe-key) and its weight.
struct MixEntry {
  std::string operation;
  unsigned weight;
};

struct LoadOptions {
  client::ClientConfig client;
  unsigned connections = 1;
  // Per connection: the requests kept outstanding, or with `rate` the most outstanding.
  unsigned in_flight = 64;
  // Requests per second for the whole run, sent on a fixed schedule whatever the responses
  // (open loop); 0 sends the next request when a response arrives (closed loop).
  std::uint64_t rate = 0;
  unsigned threads = 1;  // io threads; connections are spread over them
  std::chrono::duration<double> duration{10.0};
  std::chrono::duration<double> warmup{0.0};  // run but not measured
  std::vector<MixEntry> mix{{"encrypt", 100}};
  std::string key_id;
  bool create_key = false;
  // --key-ids-file: each request picks one of these uniformly (empty: the one key above).
  std::vector<std::string> key_ids;
  // --create-keys: above 0, the run is not timed but sends this many CreateKey requests
  // (mix "create-key") and ends when the last is answered.
  std::uint64_t create_keys = 0;
  std::string write_key_ids;  // where to write the ids of the keys created, when not empty
  unsigned payload_bytes = 32;
  bool json = false;
};

// "encrypt=80,generate-data-key=20"; throws std::invalid_argument for unknown names or bad
// weights.
std::vector<MixEntry> parse_mix(const std::string& text);

// The operations --mix knows.
const std::vector<std::string>& known_operations();

}  // namespace coffer::tools::load
