// A document given on a command line as the aws CLI takes one: "file://PATH" (read whole), or
// the text itself. `cofferd principal put-policy` and `coffer principal put-policy` read their
// --policy-document here.
#pragma once

#include <string>

namespace coffer::tools {

// std::runtime_error when the file cannot be read.
std::string read_document_argument(const std::string& given);

}  // namespace coffer::tools
