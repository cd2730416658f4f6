// A digest: a signed statement that the trail held records firstSequence..lastSequence,
// ending in headHash, between two times. Digests chain like records do (previousDigestHash),
// and one is written for every interval even when it saw no record, so that a deleted
// digest, a deleted log file or a rewritten tail shows.
//
// File: digest-<end time>-<digest sequence>.json, one JSON object and a newline:
//
//   {"digestEndTime":"2026-12-03T11:15:00Z","digestSequence":7,
//    "digestStartTime":"2026-12-03T10:15:00Z","digestVersion":1,"firstSequence":42,
//    "headHash":"<hex>","lastSequence":99,"logFiles":["audit-...jsonl"],
//    "previousDigestHash":"<hex>","publicKeyFingerprint":"<hex>","signature":"<base64>",
//    "signatureAlgorithm":"ECDSA_SHA_256"}
//
// Canonical form (what is written, and what is signed): members sorted by name (byte order),
// no white space, integers in decimal, strings as JSON strings (every value here is ASCII
// and needs no escape). The signature covers the canonical form of the object without its
// "signature" member; previousDigestHash is SHA-256 of the previous digest's signed bytes
// (64 zeros for digest 0). firstSequence is the first sequence the interval covers (the
// previous digest's lastSequence + 1); an interval with no record has lastSequence null and
// repeats the previous headHash (64 zeros before the first record ever).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_time.h"
#include "core/audit/sha256.h"

namespace coffer::core::audit {

inline constexpr int kDigestVersion = 1;
// A digest file is small; anything larger is not one of ours.
inline constexpr std::size_t kMaxDigestFileBytes = 1 << 20;

struct AuditDigest {
  std::uint64_t digest_sequence = 0;
  AuditTime start_time;
  AuditTime end_time;
  std::uint64_t first_sequence = 0;
  std::optional<std::uint64_t> last_sequence;  // empty when the interval had no record
  Sha256Digest head_hash{};
  std::vector<std::string> log_files;
  Sha256Digest previous_digest_hash{};
  std::string signature_algorithm;
  std::string public_key_fingerprint;
  std::vector<std::uint8_t> signature;
};

// What the signature covers.
std::string digest_signed_bytes(const AuditDigest& digest);
// SHA-256 of the signed bytes: the next digest's previousDigestHash.
Sha256Digest digest_chain_hash(const AuditDigest& digest);
// The file's content: the canonical form with the signature, and a newline.
std::string digest_file_text(const AuditDigest& digest);

// A digest from a file's content, or nullopt with `error` saying what is wrong. Never throws.
std::optional<AuditDigest> parse_digest(std::string_view text, std::string* error = nullptr);

}  // namespace coffer::core::audit
