#include "server/metrics/labels.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace coffer::server::metrics {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_label_name(std::string_view name) {
  if (name.empty() || !is_letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_letter(c) || is_digit(c); });
}

// Prometheus refuses a whole scrape over one label value that is not UTF-8.
bool valid_utf8(std::string_view text) {
  static constexpr std::uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};  // by trailing bytes
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t trailing = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      trailing = 1, code = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      trailing = 2, code = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      trailing = 3, code = lead & 0x07u;
    } else {
      return false;
    }
    if (text.size() - i <= trailing) return false;
    for (std::size_t k = 1; k <= trailing; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
    if (code < kSmallest[trailing] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += trailing + 1;
  }
  return true;
}

}  // namespace

bool is_sorted_by_name(const Labels& labels) noexcept {
  return std::is_sorted(labels.begin(), labels.end(),
                        [](const Label& a, const Label& b) { return a.name < b.name; });
}

Labels canonical_labels(Labels labels, std::string_view reserved) {
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& name = labels[i].name;
    if (!valid_label_name(name))
      throw Error(ErrorCode::kValidation, "invalid label name '" + name + "'");
    if (name.starts_with("__"))
      throw Error(ErrorCode::kValidation, "label name '" + name + "' is reserved");
    if (!reserved.empty() && name == reserved) {
      throw Error(ErrorCode::kValidation,
                  "label name '" + name + "' is reserved for this metric type");
    }
    if (!valid_utf8(labels[i].value)) {
      throw Error(ErrorCode::kValidation, "value of label '" + name + "' is not UTF-8");
    }
    if (i > 0 && labels[i - 1].name == name) {
      throw Error(ErrorCode::kValidation, "label name '" + name + "' given twice");
    }
  }
  return labels;
}

void check_metric_name(std::string_view name) {
  const auto head = [](char c) { return is_letter(c) || c == ':'; };
  const bool ok =
      !name.empty() && head(name.front()) &&
      std::all_of(name.begin(), name.end(), [&](char c) { return head(c) || is_digit(c); });
  if (!ok) throw Error(ErrorCode::kValidation, "invalid metric name '" + std::string(name) + "'");
}

}  // namespace coffer::server::metrics
