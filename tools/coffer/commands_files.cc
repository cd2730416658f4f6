// coffer encrypt-file / decrypt-file (being written).
#include "tools/coffer/command.h"

namespace coffer::tools::cli {

void add_file_commands(std::vector<Command>&) {}

}  // namespace coffer::tools::cli
