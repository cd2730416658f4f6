// The verifier's record walk: fed every line of every log file in order, it decides what
// each break in the chain means (an altered, removed, inserted or reordered record) and
// names the file and line. It keeps only the previous record, the open sequence gaps and the
// digests' head hashes, so it streams over any number of records.
//
// How breaks are told apart:
//   sequence + 1, previousHash differs  -> the previous record was altered
//   sequence jumps ahead                -> records removed (a gap, reported at the end, unless
//                                          the missing records turn up later: reordered)
//   sequence repeats or goes back       -> reordered if it fills a gap, else inserted
//   a line that is not a record         -> altered if the next record skips exactly its
//                                          place, inserted if the chain runs on around it
// A copy of a *later* record inserted early reads as reordered records plus one inserted:
// still a failure, named less precisely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/audit/audit_file_names.h"
#include "core/audit/finding_list.h"
#include "core/audit/sha256.h"

namespace coffer::core::audit {

// What a verified digest says the record at its lastSequence hashes to.
struct HeadExpectation {
  Sha256Digest head_hash;
  std::string digest_file;
  bool seen = false;
};

// A log file a digest names that is not in the directory, with the sequences it would hold.
struct MissingLogFile {
  std::string name;
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;  // UINT64_MAX when no file follows it
};

class RecordChainChecker {
 public:
  RecordChainChecker(FindingList& findings, std::map<std::uint64_t, HeadExpectation> heads);

  void start_file(const LogFileName& file);
  void record(std::uint64_t line, std::uint64_t sequence, const Sha256Digest& previous_hash,
              const Sha256Digest& hash);
  void unparsable_line(std::uint64_t line, const Sha256Digest& hash, const std::string& why);
  // After the last line of the last file.
  void finish(const std::vector<MissingLogFile>& missing_files, const std::string& newest_file);

 private:
  struct Position {
    std::string file;
    std::uint64_t line = 0;
  };
  struct Accepted {
    std::uint64_t sequence;
    Sha256Digest hash;
    Position position;
    bool already_reported;  // a report names it already: do not blame it twice
  };
  struct Gap {
    std::uint64_t last;  // the gap is [key, last]
    Position found_at;   // the record after the gap
    bool at_file_start;  // that record is the first of its file
    std::uint64_t file_first_sequence;
    std::string previous_file;
    // What the record after the gap says record `last` hashes to (unknown after a split).
    std::optional<Sha256Digest> hash_of_last;
  };
  struct Unparsable {
    Position position;
    Sha256Digest hash;
    std::string why;
  };

  void resolve_unparsable(std::uint64_t sequence, const Sha256Digest& previous_hash);
  void check_head(const Position& at, std::uint64_t sequence, const Sha256Digest& hash);
  void accept(const Position& at, std::uint64_t sequence, const Sha256Digest& hash,
              bool already_reported = false);
  void open_gap(std::uint64_t first, std::uint64_t last, const Position& at,
                const Sha256Digest& hash_of_last);
  void report_altered(const Position& at, std::optional<std::uint64_t> sequence,
                      std::string message);
  void report_gap(std::uint64_t first, const Gap& gap,
                  const std::vector<MissingLogFile>& missing_files,
                  std::set<std::string>& reported_missing);

  FindingList& findings_;
  std::map<std::uint64_t, HeadExpectation> heads_;
  std::map<std::uint64_t, Gap> gaps_;
  std::set<std::pair<std::string, std::uint64_t>> altered_reported_;  // (file, line)
  std::optional<Accepted> previous_;
  std::optional<Unparsable> unparsable_;
  std::string file_;
  std::uint64_t file_first_sequence_ = 0;
  std::string previous_file_;
  bool first_record_of_file_ = true;
};

}  // namespace coffer::core::audit
