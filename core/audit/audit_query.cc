#include "core/audit/audit_query.h"

#include <system_error>

#include "common/error.h"
#include "common/log.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_record.h"
#include "core/audit/json_text.h"
#include "core/audit/line_reader.h"

namespace coffer::core::audit {
namespace {

using nlohmann::json;

// An event's time is when its request arrived; it is logged when the answer goes out. File
// times are log times, so a file may hold events this much older than its name says.
constexpr auto kEventTimeSlack = std::chrono::minutes(5);

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string_view last_part(std::string_view key) {
  const std::size_t cut = key.find_last_of("/:");
  return cut == std::string_view::npos ? key : key.substr(cut + 1);
}

bool key_matches(std::string_view value, std::string_view key) {
  const auto ends_with_part = [](std::string_view whole, std::string_view part) {
    return whole.size() > part.size() && whole.ends_with(part) &&
           (whole[whole.size() - part.size() - 1] == '/' ||
            whole[whole.size() - part.size() - 1] == ':');
  };
  return value == key || ends_with_part(value, key) || ends_with_part(key, value);
}

const std::string* string_at(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? &found->get_ref<const std::string&>()
                                                     : nullptr;
}

bool names_key(const json& event, std::string_view key) {
  const auto resources = event.find("resources");
  if (resources != event.end() && resources->is_array())
    for (const json& resource : *resources)
      if (const std::string* arn = string_at(resource, "ARN"); arn && key_matches(*arn, key))
        return true;
  for (const char* section : {"requestParameters", "responseElements"}) {
    const auto found = event.find(section);
    if (found == event.end()) continue;
    if (const std::string* id = string_at(*found, "keyId"); id && key_matches(*id, key))
      return true;
  }
  return false;
}

class EventMatcher {
 public:
  explicit EventMatcher(const AuditFilter& filter) : filter_(filter) {
    if (!filter.principal_arn.empty()) needles_.push_back(json_string(filter.principal_arn));
    if (!filter.event_name.empty())
      needles_.push_back("\"eventName\":" + json_string(filter.event_name));
    if (!filter.key.empty()) needles_.emplace_back(last_part(filter.key));
  }

  // Cheap: rules a line out without parsing it when a wanted text is absent.
  bool may_match(std::string_view line) const {
    for (const std::string& needle : needles_)
      if (line.find(needle) == std::string_view::npos) return false;
    return true;
  }

  bool matches(const json& event) const {
    if (filter_.from || filter_.to) {
      const std::string* text = string_at(event, "eventTime");
      const auto time = text ? parse_iso8601(*text) : std::nullopt;
      if (!time || (filter_.from && *time < *filter_.from) || (filter_.to && *time >= *filter_.to))
        return false;
    }
    if (!filter_.event_name.empty()) {
      const std::string* name = string_at(event, "eventName");
      if (!name || *name != filter_.event_name) return false;
    }
    if (!filter_.principal_arn.empty()) {
      const auto identity = event.find("userIdentity");
      const std::string* arn = identity != event.end() ? string_at(*identity, "arn") : nullptr;
      if (!arn || *arn != filter_.principal_arn) return false;
    }
    return filter_.key.empty() || names_key(event, filter_.key);
  }

 private:
  const AuditFilter& filter_;
  std::vector<std::string> needles_;
};

// False when no event in the file can fall in [from, to).
bool file_may_hold(const AuditFilter& filter, const std::vector<LogFileName>& files,
                   std::size_t index) {
  if (filter.to && files[index].created > *filter.to + kEventTimeSlack) return false;
  if (filter.from && index + 1 < files.size() &&
      files[index + 1].created + kEventTimeSlack < *filter.from)
    return false;
  return true;
}

}  // namespace

std::vector<json> query_audit(const std::filesystem::path& directory, const AuditFilter& filter) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error))
    throw Error(ErrorCode::kNotFound, "no audit directory " + directory.string());
  const EventMatcher matcher(filter);
  const std::vector<LogFileName> files = list_log_files(directory);
  std::vector<json> events;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!file_may_hold(filter, files, i)) continue;
    try {
      LineReader reader(directory / files[i].name, kMaxRecordLineBytes);
      while (const auto line = reader.next()) {
        if (!line->terminated || line->too_long || !matcher.may_match(line->text)) continue;
        auto record = parse_record_line(line->text);
        if (!record || !matcher.matches(record->event)) continue;
        events.push_back(std::move(record->event));
        if (filter.limit != 0 && events.size() >= filter.limit) return events;
      }
    } catch (const std::system_error& e) {
      log_event(LogLevel::kWarn, "audit_query_unreadable_file",
                {{"file", files[i].name}, {"error", e.what()}});
    }
  }
  return events;
}

}  // namespace coffer::core::audit
