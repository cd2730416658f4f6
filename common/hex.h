// Hex and base64 for logs, tests, identifiers and text formats.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffer {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Empty optional for odd lengths or non-hex characters.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

std::string to_base64(std::span<const std::uint8_t> bytes);
// Empty optional for anything that is not canonical padded base64.
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace coffer
