// coffer-load: N connections x M requests in flight against a Coffer server for a given
// time, with a mix of operations; prints operations per second and latency percentiles.
// With --rate: open loop, requests sent on a fixed schedule instead of as answers come.
// With --create-keys: N CreateKey requests instead, the new ids written to a file.
// Exit status: 0 when the run completed operations (with --create-keys: all N keys were
// created), 1 on failure, 2 on a bad command line.
#include <cstdio>
#include <string>
#include <vector>

#include "client/kms_client.h"
#include "tools/coffer-load/key_id_list.h"
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

  std::vector<load::Operation> operations;
  if (options.create_keys > 0) {
    operations = {load::create_key_operation()};
  } else {
    std::vector<std::string> key_ids = options.key_ids;
    if (key_ids.empty()) key_ids = {options.key_id};
    coffer::client::KmsClient kms(options.client);
    if (options.create_key) {
      coffer::v1::CreateKeyRequest request;
      request.set_description("coffer-load");
      key_ids = {kms.create_key(request).key_metadata().key_id()};
      if (!options.json) std::fprintf(stderr, "coffer-load: created key %s\n", key_ids[0].c_str());
    }
    operations = load::prepare_operations(options, kms, key_ids);
  }
  const load::LoadResult result = load::run_load(options, operations);
  // Written before the report: even a short count leaves the keys it made usable.
  if (!options.write_key_ids.empty())
    load::write_key_ids(options.write_key_ids, result.created_key_ids);
  if (options.json)
    load::print_json_report(options, operations, result);
  else
    load::print_text_report(options, operations, result);
  if (result.operations == 0) {
    std::fprintf(stderr, "coffer-load: no operation succeeded\n");
    return 1;
  }
  if (options.create_keys > 0 && result.created_key_ids.size() < options.create_keys) {
    std::fprintf(stderr, "coffer-load: created %zu of %llu keys\n", result.created_key_ids.size(),
                 static_cast<unsigned long long>(options.create_keys));
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
