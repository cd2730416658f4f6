#include "server/quota/quota_settings.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/api/aws_quotas.h"

namespace coffer::server::quota {
namespace {

constexpr double kMaxRate = 1e9;
constexpr std::size_t kMaxFileBytes = 4u << 20;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool known_quota(std::string_view name) {
  for (const auto& q : core::api::all_quotas())
    if (q.name == name) return true;
  return false;
}

double lookup(const std::map<std::string, double, std::less<>>& rates, std::string_view name,
              double fallback) {
  auto it = rates.find(name);
  return it == rates.end() ? fallback : it->second;
}

}  // namespace

double QuotaSettings::rate_of(std::string_view quota) const { return lookup(rates, quota, 0); }
double QuotaSettings::rate_of_principal(std::string_view principal) const {
  return lookup(principals, principal, principal_default);
}
double QuotaSettings::rate_of_key(std::string_view key_id) const {
  return lookup(keys, key_id, key_default);
}

QuotaSettings parse_quota_settings(std::string_view text, std::string_view origin) {
  QuotaSettings settings;
  settings.enforced = true;
  std::set<std::string, std::less<>> seen;
  std::size_t number = 0;
  auto fail = [&](const std::string& why) {
    throw std::invalid_argument(std::string(origin) + ":" + std::to_string(number) + ": " + why);
  };
  auto rate = [&](std::string_view value, double max) {
    double parsed = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(parsed) ||
        parsed < 0 || parsed > max) {
      fail("`" + std::string(value.substr(0, 64)) + "` is not a number from 0 to " +
           std::to_string(static_cast<long long>(max)));
    }
    return parsed;
  };
  bool aws_defaults = false;
  std::map<std::string, double, std::less<>> named;
  while (!text.empty()) {
    ++number;
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) fail("expected `NAME = VALUE`");
    const std::string_view name = trim(line.substr(0, equals));
    const std::string_view value = trim(line.substr(equals + 1));
    if (name.empty() || value.empty()) fail("expected `NAME = VALUE`");
    if (!seen.insert(std::string(name)).second)
      fail("`" + std::string(name.substr(0, 128)) + "` is set twice");
    if (name == "defaults") {
      if (value != "aws" && value != "none") fail("defaults is `aws` or `none`");
      aws_defaults = value == "aws";
    } else if (name == "burst_seconds") {
      settings.burst_seconds = rate(value, 3600);
      if (settings.burst_seconds <= 0) fail("burst_seconds must be above 0");
    } else if (name == "principal.default") {
      settings.principal_default = rate(value, kMaxRate);
    } else if (name == "key.default") {
      settings.key_default = rate(value, kMaxRate);
    } else if (name.starts_with("principal.") && name.size() > 10) {
      settings.principals.emplace(name.substr(10), rate(value, kMaxRate));
    } else if (name.starts_with("key.") && name.size() > 4) {
      settings.keys.emplace(name.substr(4), rate(value, kMaxRate));
    } else if (known_quota(name)) {
      named.emplace(name, rate(value, kMaxRate));
    } else {
      fail("`" + std::string(name.substr(0, 128)) +
           "` is not a quota (`coffer quotas` lists them), nor defaults, burst_seconds, "
           "principal.NAME or key.KEY_ID");
    }
  }
  for (const auto& q : core::api::all_quotas()) {
    auto it = named.find(q.name);
    const double value = it != named.end() ? it->second : aws_defaults ? q.aws_default : 0;
    settings.rates.emplace(std::string(q.name), value);
  }
  return settings;
}

QuotaSettings load_quota_settings(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot be read");
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) throw std::invalid_argument(path + ": larger than 4 MiB");
  return parse_quota_settings(text, path);
}

}  // namespace coffer::server::quota
