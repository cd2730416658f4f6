// coffer audit verify / query: the audit trail's files, read offline (no server): whoever holds
// a copy of the directory can check it and search it.
//   coffer audit verify --dir DIR [--public-key PEM_FILE]
//   coffer audit query --dir DIR [--from ISO] [--to ISO] [--principal ARN] [--key KEY]
//                      [--event-name NAME] [--limit N]
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/audit/audit_query.h"
#include "core/audit/audit_verify.h"
#include "tools/coffer/command.h"

namespace coffer::tools::cli {
namespace {

namespace ca = core::audit;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<ca::AuditTime> time_option(const Args& args, const char* name) {
  auto text = args.get(name);
  if (!text) return std::nullopt;
  auto time = ca::parse_iso8601(*text);
  if (!time) throw UsageError(std::string("--") + name + " takes a time like 2026-12-03T10:00:00Z");
  return time;
}

void verify(Context& c) {
  std::optional<std::string> key;
  if (auto file = c.args().get("public-key")) key = read_text(*file);
  const auto report = ca::verify_audit_directory(c.args().required("dir"), key);
  const auto& s = report.summary;
  if (c.json()) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : report.findings) {
      nlohmann::json j{{"kind", ca::finding_kind_name(f.kind)},
                       {"severity", f.severity == ca::Severity::kError ? "error" : "warning"},
                       {"file", f.file},
                       {"message", f.message}};
      if (f.line) j["line"] = *f.line;
      if (f.sequence) j["sequence"] = *f.sequence;
      findings.push_back(std::move(j));
    }
    nlohmann::json out{{"ok", report.ok()},
                       {"records", s.records_checked},
                       {"logFiles", s.log_files},
                       {"digests", s.digests},
                       {"firstEventTime", s.first_event_time},
                       {"lastEventTime", s.last_event_time},
                       {"findings", std::move(findings)}};
    std::puts(out.dump(2).c_str());
  } else {
    for (const auto& f : report.findings) {
      std::printf("%s %s %s%s%s: %s\n", f.severity == ca::Severity::kError ? "ERROR" : "warning",
                  std::string(ca::finding_kind_name(f.kind)).c_str(), f.file.c_str(),
                  f.line ? (":" + std::to_string(*f.line)).c_str() : "",
                  f.sequence ? (" #" + std::to_string(*f.sequence)).c_str() : "",
                  f.message.c_str());
    }
    std::printf("%s: %llu records in %llu files, %llu digests, %s to %s\n",
                report.ok() ? "verified" : "NOT VERIFIED",
                static_cast<unsigned long long>(s.records_checked),
                static_cast<unsigned long long>(s.log_files),
                static_cast<unsigned long long>(s.digests), s.first_event_time.c_str(),
                s.last_event_time.c_str());
  }
  // Exit status 1 when anything is wrong: scripts and cron jobs rely on it.
  if (!report.ok()) throw Error(ErrorCode::kValidation, "the audit trail did not verify");
}

void query(Context& c) {
  const Args& a = c.args();
  ca::AuditFilter filter;
  filter.from = time_option(a, "from");
  filter.to = time_option(a, "to");
  filter.principal_arn = a.get("principal").value_or("");
  filter.key = a.get("key").value_or("");
  filter.event_name = a.get("event-name").value_or("");
  if (auto limit = a.get_int("limit")) filter.limit = static_cast<std::size_t>(*limit);
  // One event per line (JSON Lines), as jq and CloudTrail tools read them.
  for (const auto& event : ca::query_audit(a.required("dir"), filter))
    std::puts(event.dump().c_str());
}

}  // namespace

void add_audit_commands(std::vector<Command>& out) {
  out.push_back({"audit verify",
                 "Check the audit trail's hash chain and signed digests; names any altered, "
                 "removed, inserted or reordered record and any missing interval",
                 {{"dir", "DIR", "The audit directory (cofferd's audit_dir)", true},
                  {"public-key", "PEM_FILE",
                   "The digest key as you trust it (default: the directory's own copy)"}},
                 verify});
  out.push_back({"audit query",
                 "Print the audit events that match, one JSON object per line",
                 {{"dir", "DIR", "The audit directory (cofferd's audit_dir)", true},
                  {"from", "TIME", "Events at or after (2026-12-03T10:00:00Z)"},
                  {"to", "TIME", "Events before"},
                  {"principal", "ARN", "The caller's principal ARN"},
                  {"key", "KEY", "A key id, key ARN or alias"},
                  {"event-name", "NAME", "The operation (Encrypt, CreateKey, ...)"},
                  {"limit", "N", "At most this many (default 1000, 0: all)", false, false,
                   IntRange{0, 100000000}}},
                 query});
}

}  // namespace coffer::tools::cli
