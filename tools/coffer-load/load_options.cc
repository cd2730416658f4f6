#include "tools/coffer-load/load_options.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace coffer::tools::load {

const std::vector<std::string>& known_operations() {
  static const std::vector<std::string> names = {
      "encrypt",         "decrypt",      "generate-data-key", "generate-data-key-without-plaintext",
      "generate-random", "describe-key", "get-secret-value"};
  return names;
}

std::vector<MixEntry> parse_mix(const std::string& text) {
  std::vector<MixEntry> mix;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq);
    unsigned weight = 1;
    if (eq != std::string::npos) {
      const char* first = item.data() + eq + 1;
      const char* last = item.data() + item.size();
      auto [end, ec] = std::from_chars(first, last, weight);
      if (ec != std::errc() || end != last)
        throw std::invalid_argument("--mix: bad weight in '" + item + "'");
    }
    const auto& known = known_operations();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw std::invalid_argument("--mix: unknown operation '" + name + "'");
    }
    if (std::any_of(mix.begin(), mix.end(),
                    [&](const MixEntry& e) { return e.operation == name; })) {
      throw std::invalid_argument("--mix: '" + name + "' given twice");
    }
    if (weight > 0) mix.push_back({name, weight});
  }
  if (mix.empty()) throw std::invalid_argument("--mix names no operation with a weight above 0");
  return mix;
}

}  // namespace coffer::tools::load
