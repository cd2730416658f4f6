// Checking an audit directory: every record against its neighbours (sequence and hash
// chain), every digest against its signature, its predecessor and the records it vouches
// for. Every file is treated as hostile: lines are bounded (kMaxRecordLineBytes), JSON errors
// are findings, never exceptions, and memory does not grow with the size of the trail
// (beyond one entry per digest and per sequence gap).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::core::audit {

enum class FindingKind {
  kAlteredRecord,     // a record's bytes do not hash to what the next record or a digest holds,
                      // or a line is not a record at all
  kRemovedRecords,    // a gap in the sequence
  kInsertedRecord,    // a sequence that repeats (a copied line) or a line that does not belong
  kReorderedRecord,   // a record that comes after records that follow it
  kRemovedLogFile,    // a log file a digest names, or that the sequence needs, is gone
  kTruncatedLogFile,  // a log file lost its last records, or ends inside a line
  kTornLine,          // warning: the newest file ends inside a line (a crash; cut at next open)
  kMissingInterval,   // a digest is missing: the digest chain skips a number, a time or a hash
  kBadDigest,         // a digest file that does not parse or contradicts itself
  kBadSignature,      // a digest whose signature does not verify, or by a key not trusted
  kUnsignedTail,      // warning: the newest records are not yet covered by a digest
  kUntrustedKey,      // warning: signatures were checked against the directory's own key file
  kUnreadableFile,    // a file that could not be read
};

enum class Severity { kError, kWarning };

std::string_view finding_kind_name(FindingKind kind);  // "altered-record", ...

struct Finding {
  FindingKind kind;
  Severity severity = Severity::kError;
  std::string file;                       // a name in the directory; empty when none applies
  std::optional<std::uint64_t> line;      // 1-based, in `file`
  std::optional<std::uint64_t> sequence;  // the record's, or the first of a range
  std::string message;
};

struct VerifySummary {
  std::uint64_t records_checked = 0;
  std::uint64_t log_files = 0;
  std::uint64_t digests = 0;
  std::optional<std::uint64_t> first_sequence;
  std::optional<std::uint64_t> last_sequence;
  std::string first_event_time;  // the earliest and latest eventTime seen
  std::string last_event_time;
  std::uint64_t findings_left_out = 0;  // past the cap on findings (a hopelessly damaged trail)
};

struct VerifyReport {
  std::vector<Finding> findings;
  VerifySummary summary;
  // No finding of severity error.
  bool ok() const;
};

// `trusted_public_key_pem`: the digest signer's key as the verifier knows it from elsewhere
// (recommended). Without it, the keys stored in the directory are used, and a kUntrustedKey
// warning says so: whoever can rewrite the directory can also replace them. Throws
// Error(kValidation) if the trusted key is not a PEM public key, and Error(kNotFound) if
// the directory does not exist; everything inside the directory becomes findings.
VerifyReport verify_audit_directory(const std::filesystem::path& directory,
                                    std::optional<std::string> trusted_public_key_pem);

}  // namespace coffer::core::audit
