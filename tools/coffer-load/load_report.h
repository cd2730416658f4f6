// Printing a load run: a short text report for people, one JSON object for scripts.
#pragma once

#include <vector>

#include "tools/coffer-load/load_options.h"
#include "tools/coffer-load/load_runner.h"
#include "tools/coffer-load/operations.h"

namespace coffer::tools::load {

void print_text_report(const LoadOptions& options, const std::vector<Operation>& operations,
                       const LoadResult& result);
void print_json_report(const LoadOptions& options, const std::vector<Operation>& operations,
                       const LoadResult& result);

}  // namespace coffer::tools::load
