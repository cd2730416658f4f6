// One line of an audit log file (JSON Lines):
//
//   {"sequence":N,"previousHash":"<64 hex>","event":{...CloudTrail event...}}\n
//
// The members come in that order, with no white space, exactly as written by
// record_line_head() + the event text + "}". A record's hash is SHA-256 over its line's
// bytes as stored, without the newline; the next record's previousHash is that hash in
// lower-case hex, and the first record ever (sequence 0) has 64 zeros. The verifier never
// re-serializes a record: the stored bytes are the canonical form.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/audit/sha256.h"

namespace coffer::core::audit {

// Longer lines are never written, and readers treat them as damage without holding them.
inline constexpr std::size_t kMaxRecordLineBytes = std::size_t{1} << 20;
// Deeper JSON is refused before parsing, so that no reader recurses on hostile input.
inline constexpr int kMaxRecordJsonDepth = 64;

// `{"sequence":N,"previousHash":"<hex>","event":` in a fixed buffer: built under the log's
// lock, where an allocation would stretch the time every other appender waits.
struct RecordLineHead {
  char bytes[128];
  std::size_t size = 0;
  std::string_view view() const { return {bytes, size}; }
};
RecordLineHead record_line_head(std::uint64_t sequence, const Sha256Digest& previous_hash);

// The whole line, without the newline.
std::string format_record_line(std::uint64_t sequence, const Sha256Digest& previous_hash,
                               std::string_view event_json);

struct ParsedRecord {
  std::uint64_t sequence = 0;
  Sha256Digest previous_hash{};
  nlohmann::json event;
};

// A record, or nullopt with `error` saying why the line is not one. Never throws, whatever
// the bytes.
std::optional<ParsedRecord> parse_record_line(std::string_view line, std::string* error = nullptr);

// True when `text`'s objects and arrays nest at most `max_depth` deep (strings are skipped).
bool json_depth_within(std::string_view text, int max_depth);

}  // namespace coffer::core::audit
