// Finding events in an audit directory: file by file, line by line, oldest first, holding
// one line at a time. Damaged lines are skipped (the verifier reports them).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/audit/audit_time.h"

namespace coffer::core::audit {

// Every member left empty matches everything.
struct AuditFilter {
  std::optional<AuditTime> from;  // eventTime >= from
  std::optional<AuditTime> to;    // eventTime < to
  std::string principal_arn;      // userIdentity.arn, exactly
  // A key ARN, key id or alias: matches resources[].ARN, requestParameters.keyId or
  // responseElements.keyId, exactly or by its last part ("1234abcd-..." finds
  // "arn:aws:kms:...:key/1234abcd-...", and the other way round).
  std::string key;
  std::string event_name;
  std::size_t limit = 1000;  // 0: no limit
};

// The matching events (the records' "event" objects). Throws Error(kNotFound) if the
// directory does not exist.
std::vector<nlohmann::json> query_audit(const std::filesystem::path& directory,
                                        const AuditFilter& filter);

}  // namespace coffer::core::audit
