#include "tools/coffer/cli_args.h"

#include <charconv>

namespace coffer::tools::cli {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::required(const std::string& name) const {
  auto value = get(name);
  if (!value) throw UsageError("--" + name + " is required");
  return *value;
}

std::optional<std::int64_t> Args::get_int(const std::string& name) const {
  auto text = get(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    throw UsageError("--" + name + " must be a whole number");
  }
  return value;
}

}  // namespace coffer::tools::cli
