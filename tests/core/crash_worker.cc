// The child of the crash test.
//   crash_worker run DIR SEED     random create / rotate / encrypt, and Secrets Manager
//                                 CreateSecret / PutSecretValue, until killed; every
//                                 acknowledged result is appended to DIR/acked.log (a secret
//                                 write also logs its intent first: it may have committed
//                                 unacknowledged)
//                                 Every operation is also recorded in the audit trail
//                                 (DIR/audit) before it is acknowledged, durably for
//                                 mutations and written (not synced) for Encrypt, as
//                                 cofferd does; the acknowledgement ends with "@REQUEST_ID".
//   crash_worker verify DIR [rotate]  exit 0 iff everything acknowledged is still there,
//                                 its audit record too, and the audit trail verifies;
//                                 with `rotate`, then makes a new domain key (the next runs
//                                 re-wrap versions under it while they are killed)
// DIR holds softhsm2.conf, user.pin and coffer.db (made by the test).
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "common/error.h"
#include "common/hex.h"
#include "core/audit/audit_log.h"
#include "core/audit/audit_query.h"
#include "core/audit/audit_verify.h"
#include "core/audit/openssl_digest_signer.h"
#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"
#include "core/service/reconciler.h"
#include "core/store/sqlite_store.h"

namespace {

using namespace coffer;

pkcs11::TokenConfig token_config(const std::string& dir) {
  pkcs11::TokenConfig config;
  config.module_path = "/usr/lib/softhsm/libsofthsm2.so";
  config.token_uri = "pkcs11:token=coffer-test";
  config.pin = pkcs11::PinSource::from_file(dir + "/user.pin");
  config.pool.max_sessions = 2;
  return config;
}

core::KmsConfig kms_config() {
  core::KmsConfig config;
  config.on_demand_rotation_limit = 1 << 30;
  config.encryption_reservation_block = 16;  // many reservation writes: more places to die
  config.rewrap_batch = 3;                   // re-wrapping spread over many steps
  // Destroying a retired domain key is a token write, and SoftHSM can lose its whole token to
  // a kill in the middle of one (scripts/crash_campaign.sh found it at kill 157 of 1000):
  // `verify` retires, unkilled, the way an operator runs `cofferd domain-key rewrap`.
  config.retire_domain_keys = false;
  return config;
}

// The audit trail's signing key, made on the first run and kept beside the token.
std::string audit_signing_key(const std::string& dir) {
  const std::string path = dir + "/audit-signing-key.pem";
  std::ifstream in(path);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  const std::string made = dir + "/audit-signing-key.tmp";
  const std::string command = "openssl ecparam -name prime256v1 -genkey -noout -out '" + made +
                              "' && mv '" + made + "' '" + path + "'";
  if (std::system(command.c_str()) != 0) std::abort();
  return audit_signing_key(dir);
}

std::unique_ptr<core::audit::AuditLog> open_audit(const std::string& dir) {
  core::audit::AuditLog::Options options;
  options.directory = dir + "/audit";
  options.max_file_bytes = 16 * 1024;  // many rotations: more places to die
  options.digest_interval = std::chrono::seconds(1);
  options.signer = core::audit::openssl_digest_signer(audit_signing_key(dir));
  return core::audit::AuditLog::open(std::move(options));
}

// Records one operation as cofferd would; returns the request id the acknowledgement names.
std::string audit(core::audit::AuditLog& log, const std::string& event_name,
                  const std::string& key_id, bool mutates, std::mt19937& rng) {
  core::audit::AuditEvent event;
  event.event_name = event_name;
  event.user_identity = {core::audit::IdentityType::kRoot, "crash",
                         "arn:aws:iam::111122223333:root", "111122223333", "AKCFCRASHWORKER00000"};
  event.aws_region = "us-east-1";
  event.request_id = std::to_string(rng()) + "-" + std::to_string(rng());
  event.resources.push_back({"111122223333", core::audit::ResourceType::kKmsKey, key_id});
  event.read_only = !mutates;
  log.append(event,
             mutates ? core::audit::Durability::kDurable : core::audit::Durability::kWritten);
  log.write_digest_if_due(std::chrono::system_clock::now());
  return " @" + event.request_id;
}

// write(2) of one whole line: once it returns, a SIGKILL cannot take it back.
void acknowledge(int fd, const std::string& line) {
  std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
}

// A UUID-shaped ClientRequestToken from the run's generator.
std::string token_of(std::mt19937& rng) {
  std::string hex;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(rng()));
    hex += part;
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::vector<std::string> all_secret_names(core::SecretsService& secrets) {
  std::vector<std::string> names;
  core::ListSecretsRequest request;
  request.include_planned_deletion = true;
  for (;;) {
    auto page = secrets.list_secrets(request);
    for (const auto& d : page.secrets) names.push_back(d.secret.name);
    if (!page.next_token) return names;
    request.next_token = page.next_token;
  }
}

// The first column of each row of `sql`, run on the store's file through its own connection.
std::vector<std::string> query_store(const std::string& path, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("query failed: " + message);
  }
  while (sqlite3_step(statement) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(statement, 0);
    rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

int run(const std::string& dir, unsigned seed) {
  setenv("SOFTHSM2_CONF", (dir + "/softhsm2.conf").c_str(), 1);
  pkcs11::Token token(token_config(dir));
  // Logged in: tell the test, which kills only from here on. SoftHSM rewrites its token.object
  // in place on every successful C_Login (Token::loginUser stores the PIN-count flags), so a
  // kill inside C_Login can destroy a SoftHSM token whatever Coffer does; docs/SECURITY.md.
  if (int marker = ::open((dir + "/logged-in").c_str(), O_WRONLY | O_CREAT, 0600); marker >= 0)
    ::close(marker);
  core::SqliteStore store(dir + "/coffer.db");
  core::SystemClock clock;
  core::reconcile(token, store, /*remove_orphans=*/true);
  core::KmsService service(token, store, clock, kms_config());
  core::SecretsService secrets(service, store, clock, {});
  int log = ::open((dir + "/acked.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  auto trail = open_audit(dir);
  std::mt19937 rng(seed);
  std::vector<std::string> keys;
  for (const auto& k : service.list_keys({1000, std::nullopt}).keys) keys.push_back(k.key_id);
  std::vector<std::string> secret_names = all_secret_names(secrets);
  for (;;) {
    const unsigned dice = rng() % 100;
    if (dice >= 14 && dice < 34) {
      // Secrets Manager: a new secret one time in five, else a new value that becomes
      // AWSCURRENT. The version id is the ClientRequestToken, chosen here: the intent line
      // names it before the call, the acknowledgement after.
      const std::string version = token_of(rng);
      const std::string value = "secret " + std::to_string(rng());
      const std::string value_hex = to_hex(as_bytes(value));
      if (secret_names.empty() || rng() % 5 == 0) {
        const std::string name = "crash/s" + std::to_string(rng());
        acknowledge(log, "s " + name + " " + version);
        core::CreateSecretRequest request;
        request.name = name;
        request.client_request_token = version;
        request.value.string = SecretBytes(as_bytes(value));
        secrets.create_secret(request);
        secret_names.push_back(name);
        acknowledge(log, "S " + name + " " + version + " " + value_hex +
                             audit(*trail, "CreateSecret", name, true, rng));
      } else {
        const std::string& name = secret_names[rng() % secret_names.size()];
        acknowledge(log, "p " + name + " " + version);
        core::PutSecretValueRequest request;
        request.secret_id = name;
        request.client_request_token = version;
        request.value.string = SecretBytes(as_bytes(value));
        secrets.put_secret_value(request);
        acknowledge(log, "P " + name + " " + version + " " + value_hex +
                             audit(*trail, "PutSecretValue", name, true, rng));
      }
    } else if (keys.empty() || dice < 8) {
      auto id = service.create_key({}).key_id;
      keys.push_back(id);
      acknowledge(log, "K " + id + audit(*trail, "CreateKey", id, true, rng));
    } else if (dice < 10) {
      service.run_due_work();  // re-wraps a batch when the domain key was rotated
    } else if (dice < 14) {
      const auto& id = keys[rng() % keys.size()];
      service.rotate_key_on_demand(id);
      acknowledge(log,
                  "R " + id + " " +
                      std::to_string(
                          service.list_key_rotations(id, {1000, std::nullopt}).rotations.size()) +
                      audit(*trail, "RotateKeyOnDemand", id, true, rng));
    } else {
      const auto& id = keys[rng() % keys.size()];
      std::string plaintext = "message " + std::to_string(rng());
      std::string tenant = std::to_string(rng() % 10);
      auto blob = service.encrypt({id, as_bytes(plaintext), {{"tenant", tenant}}, std::nullopt})
                      .ciphertext_blob;
      acknowledge(log, "E " + id + " " + tenant + " " + to_hex(blob) + " " +
                           to_hex(as_bytes(plaintext)) + audit(*trail, "Encrypt", id, false, rng));
    }
  }
}

// Exit status of `verify` when SoftHSM itself can no longer read its token after a kill:
// its file store rewrites token files in place, so a kill mid-write can damage them.
constexpr int kTokenUnreadable = 3;

int verify(const std::string& dir, bool rotate_domain_key) {
  setenv("SOFTHSM2_CONF", (dir + "/softhsm2.conf").c_str(), 1);
  std::optional<pkcs11::Token> opened;
  try {
    opened.emplace(token_config(dir));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    std::fprintf(stderr, "the token itself is unreadable after the kill: %s\n", e.what());
    return kTokenUnreadable;
  }
  pkcs11::Token& token = *opened;
  core::SqliteStore store(dir + "/coffer.db");
  core::SystemClock clock;
  int failures = 0;
  for (const auto& problem : store.integrity_problems()) {
    std::fprintf(stderr, "integrity: %s\n", problem.c_str());
    ++failures;
  }
  auto report = core::reconcile(token, store, /*remove_orphans=*/true);
  for (const auto& id : report.missing) {
    std::fprintf(stderr, "metadata names a token object that is gone: %s\n", id.c_str());
    ++failures;
  }
  core::KmsService service(token, store, clock, kms_config());
  core::SecretsService secrets(service, store, clock, {});
  std::ifstream log(dir + "/acked.log");
  std::string line;
  int checked = 0;
  // Per secret, the versions that may hold AWSCURRENT: the last acknowledged write, and any
  // write logged as intended after it (it may have committed before the kill took its ack).
  std::map<std::string, std::set<std::string>> may_be_current;
  std::set<std::string> acknowledged_requests;
  while (std::getline(log, line)) {
    std::istringstream in(line);
    std::string kind, id;
    in >> kind >> id;
    if (const auto at = line.rfind(" @"); at != std::string::npos && kind != "s" && kind != "p")
      acknowledged_requests.insert(line.substr(at + 2));
    try {
      if (kind == "s" || kind == "p") {
        std::string version;
        if (in >> version) may_be_current[id].insert(version);
        continue;
      } else if (kind == "S" || kind == "P") {
        std::string version, value_hex;
        if (!(in >> version >> value_hex)) continue;  // a torn last line: never acknowledged
        may_be_current[id] = {version};
        auto result = secrets.get_secret_value({id, version, std::nullopt});
        if (!result.value.string || to_hex(result.value.string->span()) != value_hex)
          throw std::runtime_error("wrong value for version " + version);
        if (result.version_id != version) throw std::runtime_error("wrong version");
      } else if (kind == "K") {
        service.describe_key(id);
      } else if (kind == "R") {
        std::size_t rotations = 0;
        in >> rotations;
        if (service.list_key_rotations(id, {1000, std::nullopt}).rotations.size() < rotations)
          throw std::runtime_error("lost a rotation");
      } else if (kind == "E") {
        std::string tenant, blob_hex, plaintext_hex;
        in >> tenant >> blob_hex >> plaintext_hex;
        auto blob = *from_hex(blob_hex);
        auto result = service.decrypt({blob, {{"tenant", tenant}}, std::nullopt, std::nullopt});
        if (to_hex(result.plaintext.span()) != plaintext_hex)
          throw std::runtime_error("wrong plaintext");
      } else {
        continue;  // a torn last line: never acknowledged
      }
      ++checked;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lost acknowledged %s %s: %s\n", kind.c_str(), id.c_str(), e.what());
      ++failures;
    }
  }
  // Staging labels: one AWSCURRENT per secret, on the last acknowledged put (or on a later
  // put that committed unacknowledged), through the service and in the table itself.
  const std::string db = dir + "/coffer.db";
  for (const auto& arn : query_store(db,
                                     "SELECT secret_arn FROM secret_stages WHERE stage = "
                                     "'AWSCURRENT' GROUP BY secret_arn HAVING count(*) > 1")) {
    std::fprintf(stderr, "two AWSCURRENT rows for %s\n", arn.c_str());
    ++failures;
  }
  for (const auto& arn : query_store(db,
                                     "SELECT s.arn FROM secrets s WHERE EXISTS (SELECT 1 FROM "
                                     "secret_versions v WHERE v.secret_arn = s.arn) AND NOT "
                                     "EXISTS (SELECT 1 FROM secret_stages st WHERE st.secret_arn "
                                     "= s.arn AND st.stage = 'AWSCURRENT')")) {
    std::fprintf(stderr, "a secret with versions but no AWSCURRENT: %s\n", arn.c_str());
    ++failures;
  }
  int secrets_checked = 0;
  for (const auto& name : all_secret_names(secrets)) {
    try {
      int currents = 0;
      std::string current;
      for (const auto& [version, stages] : secrets.describe_secret(name).version_ids_to_stages) {
        if (std::find(stages.begin(), stages.end(), "AWSCURRENT") != stages.end()) {
          ++currents;
          current = version;
        }
      }
      if (currents != 1)
        throw std::runtime_error(std::to_string(currents) + " AWSCURRENT versions");
      auto it = may_be_current.find(name);
      if (it != may_be_current.end() && !it->second.count(current)) {
        throw std::runtime_error("AWSCURRENT is on " + current +
                                 ", not on the last acknowledged put");
      }
      // Whatever holds AWSCURRENT opens.
      if (secrets.get_secret_value({name, std::nullopt, std::nullopt}).version_id != current)
        throw std::runtime_error("GetSecretValue read another version than AWSCURRENT");
      ++secrets_checked;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "secret %s: %s\n", name.c_str(), e.what());
      ++failures;
    }
  }
  // The audit trail: every acknowledged operation has its record, and the chain and digests
  // verify (a torn last line or records after the last digest are warnings: a kill's marks).
  std::size_t audited = 0;
  if (std::filesystem::exists(dir + "/audit")) {
    core::audit::AuditFilter everything;
    everything.limit = 0;
    std::set<std::string> recorded;
    for (const auto& event : core::audit::query_audit(dir + "/audit", everything))
      recorded.insert(event.value("requestID", ""));
    for (const auto& id : acknowledged_requests) {
      if (recorded.count(id)) {
        ++audited;
      } else {
        std::fprintf(stderr, "acknowledged request %s has no audit record\n", id.c_str());
        ++failures;
      }
    }
    const auto report_of_trail = core::audit::verify_audit_directory(dir + "/audit", std::nullopt);
    for (const auto& f : report_of_trail.findings) {
      if (f.severity != core::audit::Severity::kError) continue;
      std::fprintf(stderr, "audit trail: %s %s: %s\n",
                   std::string(core::audit::finding_kind_name(f.kind)).c_str(), f.file.c_str(),
                   f.message.c_str());
      ++failures;
    }
  }
  std::printf(
      "verified %d acknowledged results, %zu audit records and %d secrets' labels, %zu orphans "
      "removed, %d failures\n",
      checked, audited, secrets_checked, report.removed, failures);
  if (failures == 0 && rotate_domain_key) {
    service.key_material().rewrap_step("us-east-1", 0, /*retire=*/true);
    service.rotate_domain_key();
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "run")
    return run(argv[2], static_cast<unsigned>(std::stoul(argv[3])));
  if (argc >= 3 && std::string(argv[1]) == "verify")
    return verify(argv[2], argc >= 4 && std::string(argv[3]) == "rotate");
  std::fprintf(stderr, "usage: crash_worker run DIR SEED | verify DIR\n");
  return 2;
}
