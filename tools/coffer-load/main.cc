// coffer-load: N connections x M requests in flight against a Coffer server for a given
// time, with a mix of operations; prints operations per second and latency percentiles.
// Exit status: 0 when the run completed operations, 1 on failure, 2 on a bad command line.
#include <cstdio>
#include <string>
#include <vector>

#include "client/kms_client.h"
#include "tools/coffer-load/load_command_line.h"
#include "tools/coffer-load/load_options.h"
#include "tools/coffer-load/load_report.h"
#include "tools/coffer-load/load_runner.h"
#include "tools/coffer-load/operations.h"

namespace {

namespace load = coffer::tools::load;

int run(int argc, char** argv) {
  load::LoadOptions options;
  if (auto exit = load::parse_load_command_line({argv + 1, argv + argc}, options)) {
    std::fputs(exit->text.c_str(), exit->status == 0 ? stdout : stderr);
    return exit->status;
  }

  std::string key_id = options.key_id;
  std::vector<load::Operation> operations;
  {
    coffer::client::KmsClient kms(options.client);
    if (options.create_key) {
      coffer::v1::CreateKeyRequest request;
      request.set_description("coffer-load");
      key_id = kms.create_key(request).key_metadata().key_id();
      if (!options.json) std::fprintf(stderr, "coffer-load: created key %s\n", key_id.c_str());
    }
    operations = load::prepare_operations(options, kms, key_id);
  }
  const load::LoadResult result = load::run_load(options, operations);
  if (options.json)
    load::print_json_report(options, operations, result);
  else
    load::print_text_report(options, operations, result);
  if (result.operations == 0) {
    std::fprintf(stderr, "coffer-load: no operation succeeded\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const coffer::Error& e) {
    std::fprintf(stderr, "coffer-load: %.*s: %s\n", static_cast<int>(e.name().size()),
                 e.name().data(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coffer-load: error: %s\n", e.what());
    return 1;
  }
}
