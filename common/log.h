// Structured logs: one JSON object per line on stderr, so that operators can grep and
// machines can parse. Never pass secret bytes here.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace coffer {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogField = std::pair<std::string_view, std::string>;

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
void set_min_log_level(LogLevel level);

}  // namespace coffer
