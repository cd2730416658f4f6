// The typed values of the Numeric, Date, Bool and IpAddress operators, read from a policy (where
// a value that does not parse makes the document malformed) and from a request (where it makes
// the value match nothing).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coffer::core::policy {

// Integers and decimals: "42", "-1.5".
std::optional<double> parse_number(std::string_view text);

// Milliseconds since the epoch, from epoch seconds ("1700000000") or ISO 8601 as AWS writes it:
// "2024-05-01", "2024-05-01T12:00Z", "2024-05-01T12:00:00.123Z", "2024-05-01T14:00:00+02:00"
// (no zone means UTC).
std::optional<std::int64_t> parse_date(std::string_view text);

// "true" or "false", in any case.
std::optional<bool> parse_bool(std::string_view text);

// An IPv4 or IPv6 range in CIDR notation; a bare address is a range of one.
class IpRange {
 public:
  static std::optional<IpRange> parse(std::string_view cidr);

  bool contains(std::string_view address) const;
  int prefix_length() const { return prefix_length_; }

 private:
  bool v6_ = false;
  std::array<std::uint8_t, 16> network_{};
  int prefix_length_ = 0;
};

}  // namespace coffer::core::policy
