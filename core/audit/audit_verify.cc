#include "core/audit/audit_verify.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <system_error>

#include "common/error.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_record.h"
#include "core/audit/digest_signature.h"
#include "core/audit/digest_verification.h"
#include "core/audit/finding_list.h"
#include "core/audit/line_reader.h"
#include "core/audit/log_recovery.h"
#include "core/audit/record_chain_checker.h"

namespace coffer::core::audit {
namespace {

constexpr std::size_t kMaxPublicKeyFileBytes = 64 * 1024;

std::map<std::string, std::string> trusted_keys(const std::filesystem::path& directory,
                                                const std::optional<std::string>& trusted_pem,
                                                FindingList& findings) {
  std::map<std::string, std::string> keys;
  if (trusted_pem) {
    const auto fingerprint = public_key_fingerprint(*trusted_pem);
    if (!fingerprint)
      throw Error(ErrorCode::kValidation, "the trusted audit public key is not a PEM public key");
    keys[*fingerprint] = *trusted_pem;
    return keys;
  }
  for (const auto& item : std::filesystem::directory_iterator(directory)) {
    const std::string name = item.path().filename().string();
    if (!item.is_regular_file() || !name.starts_with("audit-public-key") || !name.ends_with(".pem"))
      continue;
    try {
      const std::string pem = read_small_file(item.path(), kMaxPublicKeyFileBytes);
      if (const auto fingerprint = public_key_fingerprint(pem)) keys[*fingerprint] = pem;
    } catch (const Error& e) {
      findings.add(FindingKind::kUnreadableFile, name, std::nullopt, std::nullopt, e.what());
    }
  }
  findings.add(FindingKind::kUntrustedKey, std::string(kPublicKeyFileName), std::nullopt,
               std::nullopt,
               "no trusted public key given: digests were checked against the key files in the "
               "directory, which whoever can rewrite the directory can replace",
               Severity::kWarning);
  return keys;
}

// The log files digests name that are not on disk, each with the sequences it would hold
// (up to the next file, present or missing).
std::vector<MissingLogFile> missing_log_files(const CheckedDigests& digests,
                                              const std::vector<LogFileName>& present) {
  std::set<std::string> present_names;
  std::map<std::uint64_t, std::string> all;  // first sequence -> name
  for (const LogFileName& file : present) {
    present_names.insert(file.name);
    all[file.first_sequence] = file.name;
  }
  std::vector<MissingLogFile> missing;
  for (const auto& [name, digest_file] : digests.listed_log_files) {
    if (present_names.count(name)) continue;
    const auto parsed = parse_log_file_name(name);
    if (!parsed) continue;
    all.emplace(parsed->first_sequence, name);
    missing.push_back({name, parsed->first_sequence, 0});
  }
  for (MissingLogFile& file : missing) {
    const auto next = all.upper_bound(file.first_sequence);
    file.last_sequence =
        next == all.end() ? std::numeric_limits<std::uint64_t>::max() : next->first - 1;
  }
  return missing;
}

struct Position {
  std::string file;
  std::uint64_t line;
  std::uint64_t sequence;
  std::string event_time;
};

class RecordWalk {
 public:
  RecordWalk(VerifyReport& report, FindingList& findings, RecordChainChecker& checker,
             std::optional<std::uint64_t> last_signed)
      : report_(report), findings_(findings), checker_(checker), last_signed_(last_signed) {}

  void walk(const std::filesystem::path& directory, const std::vector<LogFileName>& files) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      checker_.start_file(files[i]);
      try {
        LineReader reader(directory / files[i].name, kMaxRecordLineBytes);
        while (const auto line = reader.next()) take(files[i].name, *line, i + 1 == files.size());
      } catch (const std::system_error& e) {
        findings_.add(FindingKind::kUnreadableFile, files[i].name, std::nullopt, std::nullopt,
                      e.what());
      }
    }
  }

  const std::optional<Position>& first_unsigned() const { return first_unsigned_; }

 private:
  void take(const std::string& file, const Line& line, bool newest_file) {
    if (!line.terminated) {
      if (newest_file) {
        findings_.add(FindingKind::kTornLine, file, line.number, std::nullopt,
                      "the file ends inside a line: an append that never finished (the log "
                      "cuts it away when it is next opened)",
                      Severity::kWarning);
      } else {
        findings_.add(FindingKind::kTruncatedLogFile, file, line.number, std::nullopt,
                      "the file ends inside a line");
      }
      return;
    }
    if (line.too_long) {
      checker_.unparsable_line(line.number, kZeroDigest, "longer than a record may be");
      return;
    }
    const Sha256Digest hash = sha256(line.text);
    std::string error;
    const auto record = parse_record_line(line.text, &error);
    if (!record) {
      checker_.unparsable_line(line.number, hash, error);
      return;
    }
    VerifySummary& summary = report_.summary;
    ++summary.records_checked;
    summary.first_sequence =
        std::min(summary.first_sequence.value_or(record->sequence), record->sequence);
    summary.last_sequence = std::max(summary.last_sequence.value_or(0), record->sequence);
    const std::string event_time = note_event_time(record->event);
    if (!first_unsigned_ && (!last_signed_ || record->sequence > *last_signed_))
      first_unsigned_ = Position{file, line.number, record->sequence, event_time};
    checker_.record(line.number, record->sequence, record->previous_hash, hash);
  }

  // The event's time, when it has a valid one, and the summary's range updated with it.
  std::string note_event_time(const nlohmann::json& event) {
    const auto time = event.find("eventTime");
    if (time == event.end() || !time->is_string()) return {};
    const std::string& text = time->get_ref<const std::string&>();
    if (!parse_iso8601(text)) return {};
    VerifySummary& summary = report_.summary;
    if (summary.first_event_time.empty() || text < summary.first_event_time)
      summary.first_event_time = text;
    if (text > summary.last_event_time) summary.last_event_time = text;
    return text;
  }

  VerifyReport& report_;
  FindingList& findings_;
  RecordChainChecker& checker_;
  std::optional<std::uint64_t> last_signed_;
  std::optional<Position> first_unsigned_;
};

}  // namespace

std::string_view finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::kAlteredRecord:
      return "altered-record";
    case FindingKind::kRemovedRecords:
      return "removed-records";
    case FindingKind::kInsertedRecord:
      return "inserted-record";
    case FindingKind::kReorderedRecord:
      return "reordered-record";
    case FindingKind::kRemovedLogFile:
      return "removed-log-file";
    case FindingKind::kTruncatedLogFile:
      return "truncated-log-file";
    case FindingKind::kTornLine:
      return "torn-line";
    case FindingKind::kMissingInterval:
      return "missing-interval";
    case FindingKind::kBadDigest:
      return "bad-digest";
    case FindingKind::kBadSignature:
      return "bad-signature";
    case FindingKind::kUnsignedTail:
      return "unsigned-tail";
    case FindingKind::kUntrustedKey:
      return "untrusted-key";
    case FindingKind::kUnreadableFile:
      return "unreadable-file";
  }
  return "unknown";
}

bool VerifyReport::ok() const {
  return std::none_of(findings.begin(), findings.end(),
                      [](const Finding& f) { return f.severity == Severity::kError; });
}

VerifyReport verify_audit_directory(const std::filesystem::path& directory,
                                    std::optional<std::string> trusted_public_key_pem) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    throw Error(ErrorCode::kNotFound, "no audit directory " + directory.string());

  VerifyReport report;
  FindingList findings(report);
  std::vector<LogFileName> log_files;
  std::vector<DigestFileName> digest_files;
  std::map<std::string, std::string> keys;
  try {
    keys = trusted_keys(directory, trusted_public_key_pem, findings);
    log_files = list_log_files(directory);
    digest_files = list_digest_files(directory);
  } catch (const std::filesystem::filesystem_error& e) {
    findings.add(FindingKind::kUnreadableFile, "", std::nullopt, std::nullopt, e.what());
    return report;
  }
  report.summary.log_files = log_files.size();
  report.summary.digests = digest_files.size();

  const CheckedDigests digests = check_digests(directory, digest_files, keys, findings);
  RecordChainChecker checker(findings, digests.heads);
  RecordWalk walk(report, findings, checker, digests.last_signed_sequence);
  walk.walk(directory, log_files);
  checker.finish(missing_log_files(digests, log_files),
                 log_files.empty() ? std::string() : log_files.back().name);

  if (const auto& tail = walk.first_unsigned()) {
    const std::uint64_t last = report.summary.last_sequence.value_or(tail->sequence);
    findings.add(FindingKind::kUnsignedTail, tail->file, tail->line, tail->sequence,
                 (tail->sequence == last ? "record " + std::to_string(last) + " is"
                                         : "records " + std::to_string(tail->sequence) + ".." +
                                               std::to_string(last) + " are") +
                     " not covered by a digest yet" +
                     (tail->event_time.empty() ? "" : " (since " + tail->event_time + ")"),
                 Severity::kWarning);
  }
  return report;
}

}  // namespace coffer::core::audit
