#include "core/audit/audit_time.h"

#include <cstdio>
#include <ctime>

namespace coffer::core::audit {
namespace {

struct Fields {
  int year, month, day, hour, minute, second;
};

Fields fields_of(AuditTime time) {
  const std::time_t seconds = AuditClock::to_time_t(whole_seconds(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec};
}

// Digits at [pos, pos + n) as a number; -1 if any is not a digit.
int digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

std::optional<AuditTime> from_fields(const Fields& f) {
  using namespace std::chrono;
  // AuditTime counts nanoseconds in 64 bits: it ends in 2262, so later years are refused
  // rather than overflowed (fuzz_audit_verify found it).
  if (f.year < 1970 || f.year > 2261 || f.hour > 23 || f.minute > 59 || f.second > 59)
    return std::nullopt;
  const year_month_day date{year{f.year}, month{static_cast<unsigned>(f.month)},
                            day{static_cast<unsigned>(f.day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date} + hours{f.hour} + minutes{f.minute} + seconds{f.second};
}

}  // namespace

std::string format_iso8601(AuditTime time) {
  const Fields f = fields_of(time);
  char text[80];  // room for any int, so -Wformat-truncation has nothing to say
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour,
                f.minute, f.second);
  return text;
}

std::string format_compact_time(AuditTime time) {
  const Fields f = fields_of(time);
  char text[80];  // room for any int, so -Wformat-truncation has nothing to say
  std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02dZ", f.year, f.month, f.day, f.hour,
                f.minute, f.second);
  return text;
}

std::optional<AuditTime> parse_iso8601(std::string_view s) {
  // 2026-12-03T10:15:00Z
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  const Fields f{digits_at(s, 0, 4),  digits_at(s, 5, 2),  digits_at(s, 8, 2),
                 digits_at(s, 11, 2), digits_at(s, 14, 2), digits_at(s, 17, 2)};
  if (f.year < 0 || f.month < 0 || f.day < 0 || f.hour < 0 || f.minute < 0 || f.second < 0)
    return std::nullopt;
  return from_fields(f);
}

std::optional<AuditTime> parse_compact_time(std::string_view s) {
  // 20261203T101500Z
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  const Fields f{digits_at(s, 0, 4), digits_at(s, 4, 2),  digits_at(s, 6, 2),
                 digits_at(s, 9, 2), digits_at(s, 11, 2), digits_at(s, 13, 2)};
  if (f.year < 0 || f.month < 0 || f.day < 0 || f.hour < 0 || f.minute < 0 || f.second < 0)
    return std::nullopt;
  return from_fields(f);
}

}  // namespace coffer::core::audit
