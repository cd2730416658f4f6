// coffer-load: N connections x M requests in flight against a Coffer server for a given
// time, with a mix of operations; prints operations per second and latency percentiles.
// Exit status: 0 when the run completed operations, 1 on failure, 2 on a bad command line.
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "client/kms_client.h"
#include "tools/coffer-load/load_options.h"
#include "tools/coffer-load/load_report.h"
#include "tools/coffer-load/load_runner.h"
#include "tools/coffer-load/operations.h"
#include "tools/coffer/cli_args.h"

namespace {

using coffer::tools::cli::Args;
using coffer::tools::cli::OptionSpec;
using coffer::tools::cli::UsageError;
namespace load = coffer::tools::load;

const std::vector<OptionSpec>& options_spec() {
  static const std::vector<OptionSpec> specs = {
      {"endpoint", "HOST:PORT", "Server address (default $COFFER_ENDPOINT or 127.0.0.1:7443)"},
      {"ca-file", "FILE", "CA certificates that sign the server's certificate"},
      {"cert", "FILE", "Client certificate for mutual TLS"},
      {"key", "FILE", "Private key of --cert"},
      {"api-key-file", "FILE", "File holding AKID:SECRET (or $COFFER_API_KEY[_FILE])"},
      {"plaintext-tcp", "", "No TLS (development servers on loopback only)"},
      {"connections", "N", "Connections to open (default 1)"},
      {"in-flight", "M", "Requests outstanding per connection (default 64)"},
      {"threads", "T", "io threads sharing the connections (default 1)"},
      {"duration", "SECONDS", "How long to measure (default 10)"},
      {"warmup", "SECONDS", "Run this long before measuring (default 0)"},
      {"mix", "OP=W,...",
       "Operations and weights, e.g. encrypt=80,generate-data-key=20 (default encrypt=100); "
       "encrypt, decrypt, generate-data-key, generate-data-key-without-plaintext, "
       "generate-random, describe-key"},
      {"key-id", "KEY", "The key to use"},
      {"create-key", "", "Create a new key for the run instead of --key-id"},
      {"payload-bytes", "N",
       "Plaintext size for encrypt/decrypt, bytes for generate-random (default 32)"},
      {"json", "", "Print the report as JSON"},
      {"help", "", "Show help"},
  };
  return specs;
}

void print_usage() {
  std::printf(
      "usage: coffer-load [options] (--key-id KEY | --create-key)\n\n"
      "Keeps connections x in-flight requests outstanding against a Coffer server and reports\n"
      "operations per second and latency percentiles (send to response, successful requests).\n\n"
      "options:\n%s",
      coffer::tools::cli::describe_options(options_spec()).c_str());
}

double seconds(const Args& args, const std::string& name, double fallback) {
  auto text = args.get(name);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const double value = std::stod(*text, &used);
    if (used == text->size() && value >= 0 && value <= 86400) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a number of seconds");
}

load::LoadOptions parse(const Args& args) {
  load::LoadOptions o;
  o.client = coffer::client::ClientConfig::from_environment();
  if (auto v = args.get("endpoint")) o.client.endpoint = *v;
  if (auto v = args.get("ca-file")) o.client.ca_file = *v;
  if (auto v = args.get("cert")) o.client.cert_file = *v;
  if (auto v = args.get("key")) o.client.key_file = *v;
  if (auto v = args.get("api-key-file")) o.client.api_key = coffer::client::read_secret_line(*v);
  if (args.has("plaintext-tcp")) o.client.tls = false;
  o.connections = static_cast<unsigned>(args.get_int("connections", 1, 1024).value_or(1));
  o.in_flight = static_cast<unsigned>(args.get_int("in-flight", 1, 100000).value_or(64));
  o.threads = static_cast<unsigned>(args.get_int("threads", 1, 64).value_or(1));
  o.threads = std::min(o.threads, o.connections);
  o.duration = std::chrono::duration<double>(seconds(args, "duration", 10));
  o.warmup = std::chrono::duration<double>(seconds(args, "warmup", 0));
  if (o.duration.count() <= 0) throw UsageError("--duration must be above 0");
  if (auto mix = args.get("mix")) o.mix = load::parse_mix(*mix);
  o.key_id = args.get("key-id").value_or("");
  o.create_key = args.has("create-key");
  if (o.key_id.empty() == !o.create_key)
    throw UsageError("give exactly one of --key-id and --create-key");
  o.payload_bytes = static_cast<unsigned>(args.get_int("payload-bytes", 1, 4096).value_or(32));
  o.json = args.has("json");
  return o;
}

int run(int argc, char** argv) {
  Args args;
  args.parse(options_spec(), std::span<char* const>(argv + 1, static_cast<std::size_t>(argc - 1)),
             false);
  if (args.has("help")) return print_usage(), 0;
  const load::LoadOptions options = parse(args);

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
  } catch (const UsageError& e) {
    std::fprintf(stderr, "coffer-load: %s\nRun 'coffer-load --help' for usage.\n", e.what());
    return 2;
  } catch (const coffer::Error& e) {
    std::fprintf(stderr, "coffer-load: %.*s: %s\n", static_cast<int>(e.name().size()),
                 e.name().data(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coffer-load: error: %s\n", e.what());
    return 1;
  }
}
