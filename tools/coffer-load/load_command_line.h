// coffer-load's command line on CLI11: connection settings, the shape of the load, the
// operation mix, and generated help.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/coffer-load/load_options.h"
#include "tools/command_line/parse.h"

namespace coffer::tools::load {

// Parses `args` (without the program name) into `out`, whose client settings start from
// $COFFER_*. Returns what to print and the exit status when coffer-load should stop at once
// (--help: 0; a usage error: 2).
std::optional<ParseExit> parse_load_command_line(const std::vector<std::string>& args,
                                                 LoadOptions& out);

}  // namespace coffer::tools::load
