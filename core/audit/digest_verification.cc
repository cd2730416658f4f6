#include "core/audit/digest_verification.h"

#include <algorithm>

#include "common/error.h"
#include "common/hex.h"
#include "core/audit/audit_digest.h"
#include "core/audit/digest_signature.h"
#include "core/audit/log_recovery.h"

namespace coffer::core::audit {
namespace {

std::uint64_t next_record_sequence(const AuditDigest& digest) {
  return digest.last_sequence ? *digest.last_sequence + 1 : digest.first_sequence;
}

// Why `digest` does not continue `previous`, or nullopt when it does. The first mismatch
// found is the one reported: a missing digest breaks the number, the time and the hash at
// once, and one finding says so.
std::optional<std::pair<FindingKind, std::string>> link_problem(const AuditDigest& previous,
                                                                const std::string& previous_file,
                                                                const AuditDigest& digest) {
  using Problem = std::pair<FindingKind, std::string>;
  if (digest.digest_sequence != previous.digest_sequence + 1) {
    const std::uint64_t first_missing = previous.digest_sequence + 1;
    if (digest.digest_sequence <= previous.digest_sequence)
      return Problem{
          FindingKind::kBadDigest,
          "digest number " + std::to_string(digest.digest_sequence) + " repeats or goes back"};
    return Problem{FindingKind::kMissingInterval,
                   "digest" +
                       (digest.digest_sequence - 1 == first_missing
                            ? " " + std::to_string(first_missing) + " is"
                            : "s " + std::to_string(first_missing) + ".." +
                                  std::to_string(digest.digest_sequence - 1) + " are") +
                       " missing: nothing vouches for " + format_iso8601(previous.end_time) +
                       " to " + format_iso8601(digest.start_time)};
  }
  if (digest.previous_digest_hash != digest_chain_hash(previous))
    return Problem{FindingKind::kMissingInterval,
                   "previousDigestHash does not match " + previous_file +
                       ": the digest that came before this one was replaced or removed"};
  if (digest.start_time != previous.end_time)
    return Problem{FindingKind::kMissingInterval, "starts at " + format_iso8601(digest.start_time) +
                                                      " but " + previous_file + " ended at " +
                                                      format_iso8601(previous.end_time)};
  if (digest.first_sequence != next_record_sequence(previous))
    return Problem{FindingKind::kBadDigest, "firstSequence " +
                                                std::to_string(digest.first_sequence) +
                                                " does not follow " + previous_file};
  if (!digest.last_sequence && digest.head_hash != previous.head_hash)
    return Problem{FindingKind::kBadDigest, "an interval without records changed the headHash"};
  return std::nullopt;
}

std::optional<std::pair<FindingKind, std::string>> first_digest_problem(const AuditDigest& d) {
  using Problem = std::pair<FindingKind, std::string>;
  if (d.digest_sequence != 0)
    return Problem{
        FindingKind::kMissingInterval,
        "the digests before number " + std::to_string(d.digest_sequence) + " are missing"};
  if (d.previous_digest_hash != kZeroDigest || d.first_sequence != 0)
    return Problem{FindingKind::kBadDigest, "digest 0 does not start the chain"};
  return std::nullopt;
}

}  // namespace

CheckedDigests check_digests(const std::filesystem::path& directory,
                             const std::vector<DigestFileName>& files,
                             const std::map<std::string, std::string>& keys,
                             FindingList& findings) {
  CheckedDigests checked;
  std::optional<AuditDigest> previous;  // the last digest that verified
  std::string previous_file;
  bool link_unknown = false;  // a digest in between could not be trusted: skip one link check
  for (const DigestFileName& file : files) {
    std::string text;
    try {
      text = read_small_file(directory / file.name, kMaxDigestFileBytes);
    } catch (const Error& e) {
      findings.add(FindingKind::kUnreadableFile, file.name, std::nullopt, std::nullopt, e.what());
      link_unknown = true;
      continue;
    }
    std::string error;
    const auto digest = parse_digest(text, &error);
    if (!digest || digest->digest_sequence != file.digest_sequence) {
      findings.add(FindingKind::kBadDigest, file.name, std::nullopt, std::nullopt,
                   digest ? "the file name's number is not the digest's" : error);
      link_unknown = true;
      continue;
    }
    const auto key = keys.find(digest->public_key_fingerprint);
    if (key == keys.end()) {
      findings.add(FindingKind::kBadSignature, file.name, std::nullopt, digest->last_sequence,
                   "signed by key " + digest->public_key_fingerprint + ", which is not trusted");
      link_unknown = true;
      continue;
    }
    const std::string signed_bytes = digest_signed_bytes(*digest);
    if (!verify_signature(key->second, digest->signature_algorithm, as_bytes(signed_bytes),
                          digest->signature)) {
      findings.add(FindingKind::kBadSignature, file.name, std::nullopt, digest->last_sequence,
                   "the signature does not verify: the digest was altered");
      link_unknown = true;
      continue;
    }

    if (!link_unknown) {
      const auto problem = previous ? link_problem(*previous, previous_file, *digest)
                                    : first_digest_problem(*digest);
      if (problem)
        findings.add(problem->first, file.name, std::nullopt, digest->first_sequence,
                     problem->second);
    }
    link_unknown = false;
    if (digest->last_sequence) {
      checked.heads[*digest->last_sequence] = HeadExpectation{digest->head_hash, file.name};
      checked.last_signed_sequence =
          std::max(checked.last_signed_sequence.value_or(0), *digest->last_sequence);
    }
    for (const std::string& log_file : digest->log_files)
      checked.listed_log_files.emplace(log_file, file.name);
    previous = *digest;
    previous_file = file.name;
  }
  return checked;
}

}  // namespace coffer::core::audit
