// The verifier's digest walk: each digest's signature, its link to the one before (number,
// time, hash), and what the good ones vouch for, for the record walk to check.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/audit/audit_file_names.h"
#include "core/audit/finding_list.h"
#include "core/audit/record_chain_checker.h"

namespace coffer::core::audit {

struct CheckedDigests {
  std::map<std::uint64_t, HeadExpectation> heads;       // by lastSequence, from digests that verify
  std::map<std::string, std::string> listed_log_files;  // log file -> first digest naming it
  std::optional<std::uint64_t> last_signed_sequence;
};

// `keys`: public key PEMs by fingerprint (digest_signature.h), the only keys trusted.
CheckedDigests check_digests(const std::filesystem::path& directory,
                             const std::vector<DigestFileName>& files,
                             const std::map<std::string, std::string>& keys, FindingList& findings);

}  // namespace coffer::core::audit
