#include "core/policy/condition_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

#include "core/policy/wildcard_match.h"

namespace coffer::core::policy {
namespace {

// Reads exactly `digits` decimal digits at `pos`, moving past them.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool read_char(std::string_view text, std::size_t& pos, char expected) {
  if (pos >= text.size() || text[pos] != expected) return false;
  ++pos;
  return true;
}

std::optional<std::int64_t> parse_epoch_seconds(std::string_view text) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  if (seconds > std::int64_t{253402300799}) return std::nullopt;  // past 9999-12-31
  return seconds * 1000;
}

// "Z", "+hh:mm", "-hhmm" or nothing (UTC): the offset in minutes east of UTC.
std::optional<int> parse_zone(std::string_view text, std::size_t& pos) {
  if (pos == text.size()) return 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    return 0;
  }
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  const auto hours = read_digits(text, pos, 2);
  read_char(text, pos, ':');
  const auto minutes = read_digits(text, pos, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 60 + *minutes);
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !read_char(text, pos, '-')) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !read_char(text, pos, '-')) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;

  int hour = 0, minute = 0, second = 0, millis = 0, zone_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') return std::nullopt;
    ++pos;
    const auto h = read_digits(text, pos, 2);
    if (!h || !read_char(text, pos, ':')) return std::nullopt;
    const auto m = read_digits(text, pos, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (read_char(text, pos, ':')) {
      const auto s = read_digits(text, pos, 2);
      if (!s) return std::nullopt;
      second = *s;
      if (read_char(text, pos, '.')) {
        // Any number of fraction digits; milliseconds are kept.
        int scale = 100;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    const auto zone = parse_zone(text, pos);
    if (!zone) return std::nullopt;
    zone_minutes = *zone;
  }
  if (pos != text.size()) return std::nullopt;

  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 +
                               second - zone_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.find('-') == std::string_view::npos) return parse_epoch_seconds(text);
  return parse_iso8601(text);
}

std::optional<bool> parse_bool(std::string_view text) {
  if (equals_ignoring_case(text, "true")) return true;
  if (equals_ignoring_case(text, "false")) return false;
  return std::nullopt;
}

std::optional<IpRange> IpRange::parse(std::string_view cidr) {
  IpRange range;
  const auto slash = cidr.find('/');
  const std::string address(cidr.substr(0, slash));
  range.v6_ = address.find(':') != std::string::npos;
  const int family = range.v6_ ? AF_INET6 : AF_INET;
  if (inet_pton(family, address.c_str(), range.network_.data()) != 1) return std::nullopt;
  const int max_prefix = range.v6_ ? 128 : 32;
  range.prefix_length_ = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = cidr.substr(slash + 1);
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), range.prefix_length_);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        range.prefix_length_ < 0 || range.prefix_length_ > max_prefix) {
      return std::nullopt;
    }
  }
  return range;
}

bool IpRange::contains(std::string_view address) const {
  const std::string text(address);
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(v6_ ? AF_INET6 : AF_INET, text.c_str(), bytes.data()) != 1) return false;
  const int whole_bytes = prefix_length_ / 8;
  for (int i = 0; i < whole_bytes; ++i) {
    if (bytes[i] != network_[i]) return false;
  }
  const int rest_bits = prefix_length_ % 8;
  if (rest_bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest_bits));
  return (bytes[whole_bytes] & mask) == (network_[whole_bytes] & mask);
}

}  // namespace coffer::core::policy
