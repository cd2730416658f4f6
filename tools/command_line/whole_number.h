// A CLI11 check for counts, sizes and timeouts: decimal digits only (no sign, no 0x, no
// octal from a leading zero, no fraction), within [min, max].
#pragma once

#include <cstdint>

#include <CLI/CLI.hpp>

namespace coffer::tools {

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);

}  // namespace coffer::tools
