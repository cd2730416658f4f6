// Findings as the verifier gathers them: capped, so that a trail of garbage produces a
// bounded report.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "core/audit/audit_verify.h"

namespace coffer::core::audit {

class FindingList {
 public:
  explicit FindingList(VerifyReport& report, std::size_t cap = 10000)
      : report_(report), cap_(cap) {}

  void add(FindingKind kind, std::string file, std::optional<std::uint64_t> line,
           std::optional<std::uint64_t> sequence, std::string message,
           Severity severity = Severity::kError) {
    if (report_.findings.size() >= cap_) {
      ++report_.summary.findings_left_out;
      return;
    }
    report_.findings.push_back(
        {kind, severity, std::move(file), line, sequence, std::move(message)});
  }

 private:
  VerifyReport& report_;
  std::size_t cap_;
};

}  // namespace coffer::core::audit
