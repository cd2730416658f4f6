#include "tools/command_line/whole_number.h"

#include <charconv>
#include <string>

namespace coffer::tools {

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  const std::string range = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  auto check = [min, max, range](std::string& text) -> std::string {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error == std::errc::invalid_argument || stop != end) {
      return "must be a whole number, not '" + text + "'";
    }
    if (error == std::errc::result_out_of_range || value < min || value > max) {
      return "must be within " + range + ", not " + text;
    }
    // CLI11 converts with strtoull(base 0): "010" would be octal.
    text = std::to_string(value);
    return "";
  };
  return CLI::Validator(check, range, "whole number");
}

}  // namespace coffer::tools
