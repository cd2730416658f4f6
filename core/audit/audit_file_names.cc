#include "core/audit/audit_file_names.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace coffer::core::audit {
namespace {

constexpr std::size_t kNumberDigits = 20;
constexpr std::size_t kTimeChars = 16;  // 20261203T101500Z

std::string name_of(std::string_view prefix, AuditTime time, std::uint64_t number,
                    std::string_view suffix) {
  char digits[kNumberDigits + 1];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(number));
  std::string name(prefix);
  name += format_compact_time(time);
  name.push_back('-');
  name += digits;
  name += suffix;
  return name;
}

struct NameParts {
  AuditTime time;
  std::uint64_t number = 0;
};

std::optional<NameParts> parse_name(std::string_view name, std::string_view prefix,
                                    std::string_view suffix) {
  if (name.size() != prefix.size() + kTimeChars + 1 + kNumberDigits + suffix.size())
    return std::nullopt;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  const auto time = parse_compact_time(name.substr(0, kTimeChars));
  if (!time || name[kTimeChars] != '-') return std::nullopt;
  const std::string_view digits = name.substr(kTimeChars + 1, kNumberDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  NameParts parts{*time, 0};
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), parts.number);
  if (result.ec != std::errc()) return std::nullopt;  // past uint64
  return parts;
}

template <class Entry, class Parse>
std::vector<Entry> list_files(const std::filesystem::path& directory, Parse parse) {
  std::vector<Entry> entries;
  for (const auto& item : std::filesystem::directory_iterator(directory)) {
    if (!item.is_regular_file()) continue;
    if (auto entry = parse(item.path().filename().string())) entries.push_back(std::move(*entry));
  }
  return entries;
}

}  // namespace

std::string log_file_name(AuditTime created, std::uint64_t first_sequence) {
  return name_of("audit-", created, first_sequence, ".jsonl");
}

std::string digest_file_name(AuditTime end_time, std::uint64_t digest_sequence) {
  return name_of("digest-", end_time, digest_sequence, ".json");
}

std::optional<LogFileName> parse_log_file_name(std::string_view name) {
  const auto parts = parse_name(name, "audit-", ".jsonl");
  if (!parts) return std::nullopt;
  return LogFileName{std::string(name), parts->number, parts->time};
}

std::optional<DigestFileName> parse_digest_file_name(std::string_view name) {
  const auto parts = parse_name(name, "digest-", ".json");
  if (!parts) return std::nullopt;
  return DigestFileName{std::string(name), parts->number, parts->time};
}

std::vector<LogFileName> list_log_files(const std::filesystem::path& directory) {
  auto files = list_files<LogFileName>(directory, parse_log_file_name);
  std::sort(files.begin(), files.end(), [](const LogFileName& a, const LogFileName& b) {
    return a.first_sequence < b.first_sequence;
  });
  return files;
}

std::vector<DigestFileName> list_digest_files(const std::filesystem::path& directory) {
  auto files = list_files<DigestFileName>(directory, parse_digest_file_name);
  std::sort(files.begin(), files.end(), [](const DigestFileName& a, const DigestFileName& b) {
    return a.digest_sequence < b.digest_sequence;
  });
  return files;
}

}  // namespace coffer::core::audit
