// Bytes from the network are not text until checked. These helpers let error messages and
// logs quote what a peer sent without ever emitting invalid UTF-8 (which JSON encoders
// refuse) or control characters (which forge log lines).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coffer {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view s);

// At most `max_bytes` of `s` as printable ASCII: other bytes become "\xNN", and a cut is
// marked with "...". Safe to put in any error message or log field.
[[nodiscard]] std::string quoted_excerpt(std::string_view s, std::size_t max_bytes = 64);

// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string valid_utf8(std::string_view s);

}  // namespace coffer
