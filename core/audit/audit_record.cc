#include "core/audit/audit_record.h"

#include <charconv>
#include <cstring>

namespace coffer::core::audit {
namespace {

void append(RecordLineHead& head, std::string_view text) {
  std::memcpy(head.bytes + head.size, text.data(), text.size());
  head.size += text.size();
}

std::optional<ParsedRecord> refuse(std::string* error, std::string_view why) {
  if (error != nullptr) *error = why;
  return std::nullopt;
}

}  // namespace

RecordLineHead record_line_head(std::uint64_t sequence, const Sha256Digest& previous_hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  RecordLineHead head;
  append(head, R"({"sequence":)");
  const auto digits = std::to_chars(head.bytes + head.size, head.bytes + 40, sequence);
  head.size = static_cast<std::size_t>(digits.ptr - head.bytes);
  append(head, R"(,"previousHash":")");
  for (std::uint8_t b : previous_hash) {
    head.bytes[head.size++] = kHex[b >> 4];
    head.bytes[head.size++] = kHex[b & 0x0f];
  }
  append(head, R"(","event":)");
  return head;
}

std::string format_record_line(std::uint64_t sequence, const Sha256Digest& previous_hash,
                               std::string_view event_json) {
  std::string line(record_line_head(sequence, previous_hash).view());
  line.append(event_json);
  line.push_back('}');
  return line;
}

bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

std::optional<ParsedRecord> parse_record_line(std::string_view line, std::string* error) {
  if (line.size() > kMaxRecordLineBytes) return refuse(error, "line too long");
  if (!json_depth_within(line, kMaxRecordJsonDepth)) return refuse(error, "JSON nested too deep");
  nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return refuse(error, "not JSON");
  if (!parsed.is_object() || parsed.size() != 3)
    return refuse(error, "not an object of sequence, previousHash and event");
  const auto sequence = parsed.find("sequence");
  const auto previous = parsed.find("previousHash");
  const auto event = parsed.find("event");
  if (sequence == parsed.end() || !sequence->is_number_unsigned())
    return refuse(error, "no unsigned sequence");
  if (previous == parsed.end() || !previous->is_string()) return refuse(error, "no previousHash");
  const auto previous_hash = hash_from_hex(previous->get_ref<const std::string&>());
  if (!previous_hash) return refuse(error, "previousHash is not 64 hex digits");
  if (event == parsed.end() || !event->is_object()) return refuse(error, "no event object");
  ParsedRecord record;
  record.sequence = sequence->get<std::uint64_t>();
  record.previous_hash = *previous_hash;
  record.event = std::move(*event);
  return record;
}

}  // namespace coffer::core::audit
