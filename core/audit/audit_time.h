// The two ways the audit trail writes a time: CloudTrail's ISO 8601 in UTC at second
// precision ("2026-12-03T10:15:00Z"), inside records and digests, and a compact form
// ("20261203T101500Z") inside file names. Both sort as text in time order.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::core::audit {

using AuditClock = std::chrono::system_clock;
using AuditTime = AuditClock::time_point;

std::string format_iso8601(AuditTime time);
std::string format_compact_time(AuditTime time);

// Exactly the forms above; nullopt for anything else.
std::optional<AuditTime> parse_iso8601(std::string_view text);
std::optional<AuditTime> parse_compact_time(std::string_view text);

// Times in the trail have whole seconds: rounding once, where a time is taken, keeps the text
// and the value in agreement.
inline AuditTime whole_seconds(AuditTime time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

}  // namespace coffer::core::audit
