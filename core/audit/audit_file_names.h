// The files of an audit directory and how they are named:
//
//   audit-20261203T101500Z-00000000000000000042.jsonl   a log file: creation time, first sequence
//   digest-20261203T111500Z-00000000000000000007.json   a digest: end time, digest sequence
//   audit-public-key.pem                                the digest signer's public key
//
// Numbers have 20 digits (any uint64), so `ls` shows files in order. Code orders them by the
// number, never by the time: a clock that steps back must not reorder the trail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_time.h"

namespace coffer::core::audit {

inline constexpr std::string_view kPublicKeyFileName = "audit-public-key.pem";

struct LogFileName {
  std::string name;
  std::uint64_t first_sequence = 0;
  AuditTime created;
};

struct DigestFileName {
  std::string name;
  std::uint64_t digest_sequence = 0;
  AuditTime end_time;
};

std::string log_file_name(AuditTime created, std::uint64_t first_sequence);
std::string digest_file_name(AuditTime end_time, std::uint64_t digest_sequence);

std::optional<LogFileName> parse_log_file_name(std::string_view name);
std::optional<DigestFileName> parse_digest_file_name(std::string_view name);

// The directory's log files by first sequence, and its digests by digest sequence. Names that
// do not parse are not listed. Throws std::filesystem::filesystem_error if the directory
// cannot be read.
std::vector<LogFileName> list_log_files(const std::filesystem::path& directory);
std::vector<DigestFileName> list_digest_files(const std::filesystem::path& directory);

}  // namespace coffer::core::audit
