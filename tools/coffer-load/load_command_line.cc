#include "tools/coffer-load/load_command_line.h"

#include <algorithm>
#include <stdexcept>

#include "tools/coffer-load/key_id_list.h"
#include "tools/command_line/help_format.h"
#include "tools/command_line/whole_number.h"

namespace coffer::tools::load {
namespace {

constexpr const char* kDescription =
    "Keeps connections x in-flight requests outstanding against a Coffer server and reports\n"
    "operations per second and latency percentiles (send to response, successful requests).\n"
    "Give exactly one of --key-id, --key-ids-file, --create-key and --create-keys; the last\n"
    "is not a timed run but N CreateKey requests, e.g. to make the keys of a --key-ids-file.\n"
    "--rate makes it open loop: requests leave on a fixed schedule whatever the responses,\n"
    "latency counts from each one's scheduled time, and --in-flight caps those outstanding\n"
    "(a send due above the cap is skipped, and reported as dropped by the client).";

constexpr double kMaxSeconds = 86400;
constexpr std::uint64_t kMaxCreateKeys = 100'000'000;
constexpr std::uint64_t kMaxRate = 10'000'000;

// A number of seconds within [0, a day]; above 0 unless `zero_allowed`.
CLI::Validator seconds(bool zero_allowed) {
  auto check = [zero_allowed](std::string& text) -> std::string {
    double value = 0;
    try {
      std::size_t used = 0;
      value = std::stod(text, &used);
      if (used != text.size()) return "takes a number of seconds, not '" + text + "'";
    } catch (const std::exception&) {
      return "takes a number of seconds, not '" + text + "'";
    }
    // Written so that NaN fails too.
    if (!(value >= 0 && value <= kMaxSeconds)) return "must be from 0 to 86400 seconds";
    if (!zero_allowed && value == 0) return "must be above 0";
    return "";
  };
  return CLI::Validator(check, "SECONDS", "seconds");
}

CLI::Validator operation_mix() {
  auto check = [](std::string& text) -> std::string {
    try {
      parse_mix(text);
      return "";
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
  };
  return CLI::Validator(check, "OP=W,...", "mix");
}

}  // namespace

std::optional<ParseExit> parse_load_command_line(const std::vector<std::string>& args,
                                                 LoadOptions& out) {
  CLI::App app(kDescription, "coffer-load");
  use_help_format(app);
  std::string endpoint, ca_file, cert, key, api_key_file, mix, key_ids_path;
  bool plaintext = false;
  double duration = out.duration.count(), warmup = out.warmup.count();

  app.add_option("--endpoint", endpoint,
                 "Server address (default $COFFER_ENDPOINT or 127.0.0.1:7443)")
      ->type_name("HOST:PORT");
  app.add_option("--ca-file", ca_file, "CA certificates that sign the server's certificate")
      ->type_name("FILE");
  app.add_option("--cert", cert, "Client certificate for mutual TLS")->type_name("FILE");
  app.add_option("--key", key, "Private key of --cert")->type_name("FILE");
  app.add_option("--api-key-file", api_key_file,
                 "File holding AKID:SECRET (or $COFFER_API_KEY[_FILE])")
      ->type_name("FILE");
  app.add_flag("--plaintext-tcp", plaintext, "No TLS (development servers on loopback only)");
  app.add_option("--connections", out.connections, "Connections to open")
      ->transform(whole_number(1, 1024))
      ->capture_default_str();
  app.add_option("--in-flight", out.in_flight,
                 "Requests outstanding per connection (with --rate: at most)")
      ->transform(whole_number(1, 100000))
      ->capture_default_str();
  auto* rate = app.add_option("--rate", out.rate,
                              "Open loop: send N requests per second in all, spread evenly over "
                              "the connections (0: closed loop)")
                   ->transform(whole_number(0, kMaxRate))
                   ->type_name("N")
                   ->capture_default_str();
  app.add_option("--threads", out.threads, "io threads sharing the connections")
      ->transform(whole_number(1, 64))
      ->capture_default_str();
  auto* duration_option = app.add_option("--duration", duration, "How long to measure")
                              ->check(seconds(false))
                              ->capture_default_str();
  auto* warmup_option = app.add_option("--warmup", warmup, "Run this long before measuring")
                            ->check(seconds(true))
                            ->capture_default_str();
  auto* mix_option =
      app.add_option("--mix", mix,
                     "Operations and weights, e.g. encrypt=80,generate-data-key=20 (default "
                     "encrypt=100); encrypt, decrypt, generate-data-key, "
                     "generate-data-key-without-plaintext, generate-random, describe-key, "
                     "get-secret-value (--key-id then names the secret)")
          ->check(operation_mix());
  auto* key_id = app.add_option("--key-id", out.key_id, "The key to use")->type_name("KEY");
  auto* key_ids_file =
      app.add_option("--key-ids-file", key_ids_path,
                     "Keys to use, one id per line: each request picks one uniformly at random")
          ->type_name("FILE")
          ->excludes(key_id);
  auto* create_key = app.add_flag("--create-key", out.create_key,
                                  "Create a new key for the run instead of --key-id")
                         ->excludes(key_id)
                         ->excludes(key_ids_file);
  auto* create_keys =
      app.add_option("--create-keys", out.create_keys,
                     "No timed run: send N CreateKey requests with the connections and requests "
                     "in flight above, and report the create rate")
          ->transform(whole_number(1, kMaxCreateKeys))
          ->type_name("N")
          ->excludes(key_id)
          ->excludes(key_ids_file)
          ->excludes(create_key)
          ->excludes(mix_option)
          ->excludes(duration_option)
          ->excludes(warmup_option)
          ->excludes(rate);
  app.add_option("--write-key-ids", out.write_key_ids,
                 "With --create-keys: write the new keys' ids to FILE, one per line")
      ->type_name("FILE")
      ->needs(create_keys);
  app.add_option("--payload-bytes", out.payload_bytes,
                 "Plaintext size for encrypt/decrypt, bytes for generate-random")
      ->transform(whole_number(1, 4096))
      ->capture_default_str();
  app.add_flag("--json", out.json, "Print the report as JSON");

  if (auto exit = parse_command_line(app, args)) return exit;
  // CLI11's excludes() above already refuse two of them; this refuses none.
  if (out.key_id.empty() && key_ids_path.empty() && !out.create_key && out.create_keys == 0) {
    return ParseExit{kUsageErrorStatus,
                     usage_error_line(app,
                                      "give exactly one of --key-id, --key-ids-file, --create-key "
                                      "and --create-keys")};
  }
  if (!key_ids_path.empty()) {
    try {
      out.key_ids = read_key_ids(key_ids_path);
    } catch (const std::runtime_error& e) {
      return ParseExit{kUsageErrorStatus,
                       usage_error_line(app, std::string("--key-ids-file: ") + e.what())};
    }
    if (out.key_ids.empty()) {
      return ParseExit{kUsageErrorStatus,
                       usage_error_line(app, "--key-ids-file: no key id in " + key_ids_path)};
    }
  }
  // Not a --mix operation (a timed run would create keys without end): named like one for
  // the report.
  if (out.create_keys > 0) out.mix = {{"create-key", 1}};
  out.threads = std::min(out.threads, out.connections);
  out.duration = std::chrono::duration<double>(duration);
  out.warmup = std::chrono::duration<double>(warmup);
  if (!mix.empty()) out.mix = parse_mix(mix);
  out.client = client::ClientConfig::from_environment();
  if (!endpoint.empty()) out.client.endpoint = endpoint;
  if (!ca_file.empty()) out.client.ca_file = ca_file;
  if (!cert.empty()) out.client.cert_file = cert;
  if (!key.empty()) out.client.key_file = key;
  if (!api_key_file.empty()) out.client.api_key = client::read_secret_line(api_key_file);
  if (plaintext) out.client.tls = false;
  return std::nullopt;
}

}  // namespace coffer::tools::load
