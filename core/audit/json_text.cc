#include "core/audit/json_text.h"

#include <array>
#include <charconv>
#include <cstring>

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

// Bytes that stand for themselves inside a JSON string: printable ASCII but '"' and '\\'.
constexpr auto kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

bool is_plain_ascii(std::string_view s) {
  for (char ch : s)
    if (!kPlain[static_cast<unsigned char>(ch)]) return false;
  return true;
}

}  // namespace

void append_json_string(std::string& out, std::string_view raw) {
  if (is_plain_ascii(raw)) {  // the common case: ids, ARNs, names, times
    const std::size_t at = out.size();
    out.resize(at + raw.size() + 2);
    char* p = out.data() + at;
    *p = '"';
    if (!raw.empty()) std::memcpy(p + 1, raw.data(), raw.size());
    p[raw.size() + 1] = '"';
    return;
  }
  out.push_back('"');
  if (is_valid_utf8(raw)) {
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

void append_json_value(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      append_json_uint(out, value.get<std::uint64_t>());
      return;
    case nlohmann::json::value_t::number_integer: {
      char digits[24];
      const auto result = std::to_chars(digits, digits + sizeof digits, value.get<std::int64_t>());
      out.append(digits, result.ptr);
      return;
    }
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [name, member] : value.items()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, name);
        out.push_back(':');
        append_json_value(out, member);
      }
      out.push_back('}');
      return;
    }
    case nlohmann::json::value_t::array: {
      out.push_back('[');
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_value(out, value[i]);
      }
      out.push_back(']');
      return;
    }
    default:  // null, floating point, binary: rare, and nlohmann spells them
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace coffer::core::audit
