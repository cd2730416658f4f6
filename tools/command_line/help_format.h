// The look of generated help shared by Coffer's programs: "usage: PROGRAM ..." (scripts
// and tests grep for it) and a column wide enough for the longest subcommand name.
#pragma once

#include <CLI/CLI.hpp>

namespace coffer::tools {

void use_help_format(CLI::App& app);

}  // namespace coffer::tools
