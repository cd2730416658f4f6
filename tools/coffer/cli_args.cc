#include "tools/coffer/cli_args.h"

#include <algorithm>
#include <charconv>

namespace coffer::tools::cli {
namespace {

const OptionSpec* find_spec(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

void Args::parse(std::span<const OptionSpec> specs, std::span<char* const> tokens,
                 bool stop_at_word, std::size_t* stopped_at) {
  std::size_t i = 0;
  for (; i < tokens.size(); ++i) {
    std::string_view token = tokens[i];
    if (token.size() < 3 || token.substr(0, 2) != "--") {
      if (stop_at_word) break;
      throw UsageError("unexpected argument '" + std::string(token) + "'");
    }
    token.remove_prefix(2);
    std::optional<std::string> inline_value;
    if (auto eq = token.find('='); eq != std::string_view::npos) {
      inline_value = std::string(token.substr(eq + 1));
      token = token.substr(0, eq);
    }
    const OptionSpec* spec = find_spec(specs, token);
    if (spec == nullptr) throw UsageError("unknown option --" + std::string(token));
    auto& slot = values_[spec->name];
    if (!slot.empty() && !spec->repeatable) throw UsageError("--" + spec->name + " given twice");
    if (spec->value_name.empty()) {
      if (inline_value) throw UsageError("--" + spec->name + " takes no value");
      slot.emplace_back();
      continue;
    }
    if (inline_value) {
      slot.push_back(std::move(*inline_value));
    } else if (i + 1 < tokens.size()) {
      slot.emplace_back(tokens[++i]);
    } else {
      throw UsageError("--" + spec->name + " needs a value (" + spec->value_name + ")");
    }
  }
  if (stopped_at != nullptr) *stopped_at = i;
}

void Args::check_required(std::span<const OptionSpec> specs) const {
  for (const auto& spec : specs) {
    if (spec.required && !has(spec.name)) throw UsageError("--" + spec.name + " is required");
  }
}

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

std::optional<std::int64_t> Args::get_int(const std::string& name, std::int64_t min,
                                          std::int64_t max) const {
  auto text = get(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw UsageError("--" + name + " must be an integer from " + std::to_string(min) + " to " +
                     std::to_string(max));
  }
  return value;
}

std::string describe_options(std::span<const OptionSpec> specs) {
  std::vector<std::string> heads;
  std::size_t width = 0;
  for (const auto& spec : specs) {
    std::string head = "  --" + spec.name + (spec.value_name.empty() ? "" : " " + spec.value_name);
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string out;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    out += heads[i] + std::string(width - heads[i].size() + 2, ' ') + specs[i].help;
    if (specs[i].required) out += " (required)";
    if (specs[i].repeatable) out += " (repeatable)";
    out += '\n';
  }
  return out;
}

}  // namespace coffer::tools::cli
