#include "core/audit/json_text.h"

#include <charconv>

#include "common/utf8.h"

namespace coffer::core::audit {
namespace {

void append_escaped(std::string& out, std::string_view valid) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : valid) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0x0f]);
        } else {
          out.push_back(ch);
        }
    }
  }
}

bool is_plain_ascii(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void append_json_string(std::string& out, std::string_view raw) {
  out.push_back('"');
  if (is_plain_ascii(raw)) {
    out.append(raw);  // the common case: ids, ARNs, names, times
  } else if (is_valid_utf8(raw)) {
    append_escaped(out, raw);
  } else {
    append_escaped(out, valid_utf8(raw));
  }
  out.push_back('"');
}

void append_json_uint(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace coffer::core::audit
