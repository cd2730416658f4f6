#include "core/audit/record_chain_checker.h"

#include <iterator>

namespace coffer::core::audit {
namespace {

std::string range_text(std::uint64_t first, std::uint64_t last) {
  return first == last ? "record " + std::to_string(first)
                       : "records " + std::to_string(first) + ".." + std::to_string(last);
}

}  // namespace

RecordChainChecker::RecordChainChecker(FindingList& findings,
                                       std::map<std::uint64_t, HeadExpectation> heads)
    : findings_(findings), heads_(std::move(heads)) {}

void RecordChainChecker::start_file(const LogFileName& file) {
  if (!file_.empty()) previous_file_ = file_;
  file_ = file.name;
  file_first_sequence_ = file.first_sequence;
  first_record_of_file_ = true;
}

void RecordChainChecker::report_altered(const Position& at, std::optional<std::uint64_t> sequence,
                                        std::string message) {
  if (!altered_reported_.insert({at.file, at.line}).second) return;
  findings_.add(FindingKind::kAlteredRecord, at.file, at.line, sequence, std::move(message));
}

void RecordChainChecker::check_head(const Position& at, std::uint64_t sequence,
                                    const Sha256Digest& hash) {
  const auto head = heads_.find(sequence);
  if (head == heads_.end()) return;
  head->second.seen = true;
  if (head->second.head_hash != hash)
    report_altered(at, sequence,
                   "record " + std::to_string(sequence) + " does not hash to the headHash of " +
                       head->second.digest_file);
}

void RecordChainChecker::accept(const Position& at, std::uint64_t sequence,
                                const Sha256Digest& hash, bool already_reported) {
  previous_ = Accepted{sequence, hash, at, already_reported};
}

void RecordChainChecker::open_gap(std::uint64_t first, std::uint64_t last, const Position& at,
                                  const Sha256Digest& hash_of_last) {
  gaps_[first] =
      Gap{last, at, first_record_of_file_, file_first_sequence_, previous_file_, hash_of_last};
}

void RecordChainChecker::resolve_unparsable(std::uint64_t sequence,
                                            const Sha256Digest& previous_hash) {
  if (!unparsable_) return;
  const Unparsable damaged = std::move(*unparsable_);
  unparsable_.reset();
  const std::uint64_t expected = previous_ ? previous_->sequence + 1 : 0;
  const Sha256Digest expected_previous = previous_ ? previous_->hash : kZeroDigest;
  if (sequence == expected + 1) {
    // The next record skips exactly one place: the damaged line held it.
    report_altered(
        damaged.position, expected,
        "line is not a record (" + damaged.why + "); it held record " + std::to_string(expected));
    check_head(damaged.position, expected, damaged.hash);
    accept(damaged.position, expected, damaged.hash, /*already_reported=*/true);
  } else if (sequence == expected && previous_hash == expected_previous) {
    findings_.add(FindingKind::kInsertedRecord, damaged.position.file, damaged.position.line,
                  std::nullopt, "a line that is not a record (" + damaged.why + ") was inserted");
  } else {
    report_altered(damaged.position, std::nullopt, "line is not a record (" + damaged.why + ")");
  }
}

void RecordChainChecker::record(std::uint64_t line, std::uint64_t sequence,
                                const Sha256Digest& previous_hash, const Sha256Digest& hash) {
  const Position here{file_, line};
  resolve_unparsable(sequence, previous_hash);
  check_head(here, sequence, hash);

  if (!previous_) {
    if (sequence > 0) {
      open_gap(0, sequence - 1, here, previous_hash);
    } else if (previous_hash != kZeroDigest) {
      report_altered(here, sequence, "the first record's previousHash is not 64 zeros");
    }
    accept(here, sequence, hash);
  } else if (sequence == previous_->sequence + 1) {
    if (previous_hash != previous_->hash && !previous_->already_reported)
      report_altered(previous_->position, previous_->sequence,
                     "record " + std::to_string(previous_->sequence) +
                         " does not hash to the previousHash of record " +
                         std::to_string(sequence) + " (" + file_ + " line " + std::to_string(line) +
                         ")");
    accept(here, sequence, hash);
  } else if (sequence > previous_->sequence + 1) {
    open_gap(previous_->sequence + 1, sequence - 1, here, previous_hash);
    accept(here, sequence, hash);
  } else {
    // Back in the sequence: either a record a gap is waiting for, or one seen before.
    auto gap = gaps_.upper_bound(sequence);
    const bool fills_gap = gap != gaps_.begin() && std::prev(gap)->second.last >= sequence;
    if (fills_gap) {
      --gap;
      findings_.add(FindingKind::kReorderedRecord, file_, line, sequence,
                    "record " + std::to_string(sequence) + " comes after record " +
                        std::to_string(previous_->sequence));
      const std::uint64_t first = gap->first;
      Gap rest = gap->second;
      if (sequence == rest.last && rest.hash_of_last && *rest.hash_of_last != hash)
        report_altered(here, sequence,
                       "record " + std::to_string(sequence) +
                           " does not hash to the previousHash of the record after it");
      gaps_.erase(gap);
      if (first < sequence)
        gaps_[first] =
            Gap{sequence - 1,       rest.found_at, rest.at_file_start, rest.file_first_sequence,
                rest.previous_file, std::nullopt};
      if (sequence < rest.last) {
        rest.at_file_start = false;
        gaps_[sequence + 1] = rest;
      }
    } else {
      findings_.add(FindingKind::kInsertedRecord, file_, line, sequence,
                    "sequence " + std::to_string(sequence) + " appears again after record " +
                        std::to_string(previous_->sequence));
    }
  }
  first_record_of_file_ = false;
}

void RecordChainChecker::unparsable_line(std::uint64_t line, const Sha256Digest& hash,
                                         const std::string& why) {
  if (unparsable_)
    report_altered(unparsable_->position, std::nullopt,
                   "line is not a record (" + unparsable_->why + ")");
  unparsable_ = Unparsable{{file_, line}, hash, why};
}

void RecordChainChecker::report_gap(std::uint64_t first, const Gap& gap,
                                    const std::vector<MissingLogFile>& missing_files,
                                    std::set<std::string>& reported_missing) {
  const std::string range = range_text(first, gap.last);
  for (const MissingLogFile& missing : missing_files) {
    if (missing.first_sequence >= first && missing.first_sequence <= gap.last) {
      reported_missing.insert(missing.name);
      findings_.add(FindingKind::kRemovedLogFile, missing.name, std::nullopt, first,
                    "log file named by a digest is missing; " + range + " are gone");
      return;
    }
  }
  if (gap.at_file_start && gap.file_first_sequence > first) {
    if (gap.previous_file.empty()) {
      findings_.add(FindingKind::kRemovedLogFile, "", std::nullopt, first,
                    "the log files before " + gap.found_at.file + " are missing (" + range + ")");
    } else {
      findings_.add(FindingKind::kTruncatedLogFile, gap.previous_file, std::nullopt, first,
                    range + " missing at the end of " + gap.previous_file +
                        " (or in a whole file between it and " + gap.found_at.file + ")");
    }
    return;
  }
  findings_.add(FindingKind::kRemovedRecords, gap.found_at.file, gap.found_at.line, first,
                range + " missing before this line");
}

void RecordChainChecker::finish(const std::vector<MissingLogFile>& missing_files,
                                const std::string& newest_file) {
  if (unparsable_) {
    report_altered(unparsable_->position, std::nullopt,
                   "line is not a record (" + unparsable_->why + ")");
    unparsable_.reset();
  }
  std::set<std::string> reported_missing;
  for (const auto& [first, gap] : gaps_) report_gap(first, gap, missing_files, reported_missing);

  for (const MissingLogFile& missing : missing_files) {
    if (reported_missing.count(missing.name)) continue;
    reported_missing.insert(missing.name);
    findings_.add(FindingKind::kRemovedLogFile, missing.name, std::nullopt, missing.first_sequence,
                  "log file named by a digest is missing");
  }

  // Heads no record matched: the records a digest vouches for are gone.
  for (const auto& [sequence, head] : heads_) {
    if (head.seen) continue;
    bool explained = false;
    for (const MissingLogFile& missing : missing_files)
      explained |= sequence >= missing.first_sequence && sequence <= missing.last_sequence;
    for (const auto& [first, gap] : gaps_) explained |= sequence >= first && sequence <= gap.last;
    if (explained) continue;
    findings_.add(FindingKind::kTruncatedLogFile, newest_file, std::nullopt, sequence,
                  head.digest_file + " vouches for record " + std::to_string(sequence) +
                      ", which is not in the log (it ends at " +
                      (previous_ ? std::to_string(previous_->sequence) : "no record") + ")");
  }
}

}  // namespace coffer::core::audit
