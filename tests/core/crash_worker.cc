// The child of the crash test.
//   crash_worker run DIR SEED     random create / rotate / encrypt until killed; every
//                                 acknowledged result is appended to DIR/acked.log
//   crash_worker verify DIR [rotate]  exit 0 iff everything acknowledged is still there;
//                                 with `rotate`, then makes a new domain key (the next runs
//                                 re-wrap versions under it while they are killed)
// DIR holds softhsm2.conf, user.pin and coffer.db (made by the test).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>

#include "common/error.h"
#include "common/hex.h"
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

// write(2) of one whole line: once it returns, a SIGKILL cannot take it back.
void acknowledge(int fd, const std::string& line) {
  std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
}

int run(const std::string& dir, unsigned seed) {
  setenv("SOFTHSM2_CONF", (dir + "/softhsm2.conf").c_str(), 1);
  pkcs11::Token token(token_config(dir));
  core::SqliteStore store(dir + "/coffer.db");
  core::SystemClock clock;
  core::reconcile(token, store, /*remove_orphans=*/true);
  core::KmsService service(token, store, clock, kms_config());
  int log = ::open((dir + "/acked.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  std::mt19937 rng(seed);
  std::vector<std::string> keys;
  for (const auto& k : service.list_keys({1000, std::nullopt}).keys) keys.push_back(k.key_id);
  for (;;) {
    const unsigned dice = rng() % 100;
    if (keys.empty() || dice < 8) {
      auto id = service.create_key({}).key_id;
      keys.push_back(id);
      acknowledge(log, "K " + id);
    } else if (dice < 10) {
      service.run_due_work();  // re-wraps a batch when the domain key was rotated
    } else if (dice < 14) {
      const auto& id = keys[rng() % keys.size()];
      service.rotate_key_on_demand(id);
      acknowledge(log,
                  "R " + id + " " +
                      std::to_string(
                          service.list_key_rotations(id, {1000, std::nullopt}).rotations.size()));
    } else {
      const auto& id = keys[rng() % keys.size()];
      std::string plaintext = "message " + std::to_string(rng());
      std::string tenant = std::to_string(rng() % 10);
      auto blob = service.encrypt({id, as_bytes(plaintext), {{"tenant", tenant}}, std::nullopt})
                      .ciphertext_blob;
      acknowledge(
          log, "E " + id + " " + tenant + " " + to_hex(blob) + " " + to_hex(as_bytes(plaintext)));
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
  std::ifstream log(dir + "/acked.log");
  std::string line;
  int checked = 0;
  while (std::getline(log, line)) {
    std::istringstream in(line);
    std::string kind, id;
    in >> kind >> id;
    try {
      if (kind == "K") {
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
  std::printf("verified %d acknowledged results, %zu orphans removed, %d failures\n", checked,
              report.removed, failures);
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
