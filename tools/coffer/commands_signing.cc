// coffer sign / verify / get-public-key / generate-mac / verify-mac (being written).
#include "tools/coffer/command.h"

namespace coffer::tools::cli {

void add_signing_commands(std::vector<Command>&) {}

}  // namespace coffer::tools::cli
