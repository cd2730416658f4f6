// core::KmsService against the raw token operations it is built on, single-threaded, in one
// binary on one throw-away SoftHSM token:
//   Encrypt/Core          KmsService::encrypt of 32 bytes (key cache, counter, blob, AAD)
//   Encrypt/Raw           RAND_bytes IV + C_EncryptInit + C_Encrypt (AES-GCM, same AAD size)
//                         on an AES-256 *session* object: since the key hierarchy (issue 14)
//                         versions are unwrapped into session objects, and this is the limit
//   GenerateDataKey/Core  KmsService::generate_data_key, AES_256
//   GenerateDataKey/Raw   C_GenerateRandom(32) + the raw encrypt above
//   */Paired              core and raw alternating in one loop, each timed: the ratio is
//                         robust to load changes on a shared machine (core_rate_vs_raw)
//   Encrypt/ColdKeys      KmsService::encrypt over kColdKeys keys chosen uniformly, with a
//                         version cache of kColdCache: nearly every call unwraps its version
//                         (and evicts another), the key hierarchy's miss path
//   Encrypt/Authorized    issue 16: Encrypt with the caller a front end names (role/AppRole),
//                         on a key whose policy must be evaluated (the account statement,
//                         a Deny with a condition, an Allow with an encryption-context
//                         condition), paired with the same Encrypt on no caller: the ratio
//                         (authorized_rate_vs_unchecked) is the cost of authorization
// bench/core_compare.sh runs it and prints the ratios.
#include <benchmark/benchmark.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <memory>

#include "common/hex.h"
#include "core/format/ciphertext_format.h"
#include "core/model/caller.h"
#include "core/service/kms_service.h"
#include "core/store/sqlite_store.h"
#include "tests/support/temp_token.h"

namespace {

using namespace coffer;

struct World {
  testing::TempToken temp;
  std::unique_ptr<pkcs11::Token> token;
  std::unique_ptr<core::SqliteStore> store;
  core::SystemClock clock;
  std::unique_ptr<core::KmsService> kms;
  std::string key_id;
  std::string policy_key_id;
  std::unique_ptr<core::SqliteStore> cold_store;
  std::unique_ptr<core::KmsService> cold_kms;
  std::vector<std::string> cold_keys;
  CK_OBJECT_HANDLE key_handle = CK_INVALID_HANDLE;
  CK_SESSION_HANDLE raw_session = CK_INVALID_HANDLE;
};
World* g = nullptr;

constexpr std::array<std::uint8_t, 32> kPlaintext{};

struct Raw {
  const CK_FUNCTION_LIST* f = g->token->functions();
  std::array<std::uint8_t, 12> iv{};
  std::array<std::uint8_t, 32 + 16> out{};
  std::array<std::uint8_t, 32> data_key{};
  // The header + empty context the service authenticates (49 bytes for a UUID key id).
  std::vector<std::uint8_t> aad = core::additional_data(core::encode_header({g->key_id, 1}), {});

  bool encrypt(std::span<const std::uint8_t> plaintext) {
    if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) return false;
    CK_GCM_PARAMS params{};
    params.pIv = iv.data();
    params.ulIvLen = iv.size();
    params.ulIvBits = iv.size() * 8;
    params.pAAD = aad.data();
    params.ulAADLen = aad.size();
    params.ulTagBits = 128;
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    CK_ULONG size = out.size();
    if (f->C_EncryptInit(g->raw_session, &mechanism, g->key_handle) != CKR_OK) return false;
    if (f->C_Encrypt(g->raw_session, const_cast<std::uint8_t*>(plaintext.data()), plaintext.size(),
                     out.data(), &size) != CKR_OK)
      return false;
    benchmark::DoNotOptimize(out.data());
    return true;
  }
  bool data_key_once() {
    if (f->C_GenerateRandom(g->raw_session, data_key.data(), data_key.size()) != CKR_OK)
      return false;
    return encrypt(data_key);
  }
};

void core_encrypt() {
  auto result = g->kms->encrypt({g->key_id, kPlaintext, {}, std::nullopt});
  benchmark::DoNotOptimize(result.ciphertext_blob.data());
}

void core_data_key() {
  auto result = g->kms->generate_data_key({g->key_id, {}, std::nullopt, std::string("AES_256")});
  benchmark::DoNotOptimize(result.ciphertext_blob.data());
}

void EncryptCore(benchmark::State& state) {
  for (auto _ : state) core_encrypt();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
void EncryptRaw(benchmark::State& state) {
  Raw raw;
  for (auto _ : state)
    if (!raw.encrypt(kPlaintext)) return state.SkipWithError("raw encrypt failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
void DataKeyCore(benchmark::State& state) {
  for (auto _ : state) core_data_key();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
void DataKeyRaw(benchmark::State& state) {
  Raw raw;
  for (auto _ : state)
    if (!raw.data_key_once()) return state.SkipWithError("raw data key failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class CoreOp, class RawOp>
void paired(benchmark::State& state, CoreOp core_op, RawOp raw_op) {
  using Clock = std::chrono::steady_clock;
  Clock::duration core_time{}, raw_time{};
  bool core_first = true;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    bool ok = core_first ? (core_op(), true) : raw_op();
    const auto t1 = Clock::now();
    ok = (core_first ? raw_op() : (core_op(), true)) && ok;
    const auto t2 = Clock::now();
    if (!ok) return state.SkipWithError("raw operation failed");
    (core_first ? core_time : raw_time) += t1 - t0;
    (core_first ? raw_time : core_time) += t2 - t1;
    core_first = !core_first;
  }
  const double n = static_cast<double>(state.iterations());
  const double core_ns = std::chrono::duration<double, std::nano>(core_time).count() / n;
  const double raw_ns = std::chrono::duration<double, std::nano>(raw_time).count() / n;
  state.counters["core_ns"] = core_ns;
  state.counters["raw_ns"] = raw_ns;
  state.counters["core_rate_vs_raw"] = raw_ns / core_ns;
}

void EncryptPaired(benchmark::State& state) {
  Raw raw;
  paired(state, core_encrypt, [&] { return raw.encrypt(kPlaintext); });
}
void DataKeyPaired(benchmark::State& state) {
  Raw raw;
  paired(state, core_data_key, [&] { return raw.data_key_once(); });
}

constexpr const char* kAppRolePolicy = R"({"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
 {"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*",
  "Condition":{"StringEquals":{"aws:ResourceTag/frozen":"yes"}}},
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AppRole"},
  "Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",
  "Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"blue"}}}]})";

void policy_encrypt() {
  auto result = g->kms->encrypt({g->policy_key_id, kPlaintext, {{"tenant", "blue"}}, std::nullopt});
  benchmark::DoNotOptimize(result.ciphertext_blob.data());
}

void EncryptAuthorizedPaired(benchmark::State& state) {
  const core::Caller role{"role/AppRole", "AKCFBENCH", "", ""};
  paired(
      state,
      [&] {
        const core::CallerScope scope(&role);
        policy_encrypt();
      },
      [] {
        policy_encrypt();
        return true;
      });
  state.counters["authorized_rate_vs_unchecked"] = state.counters["core_rate_vs_raw"];
}

// COFFER_BENCH_COLD_KEYS and COFFER_BENCH_COLD_CACHE change them (does a miss cost more when
// the token holds more session objects?).
std::size_t from_env(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  return text ? static_cast<std::size_t>(std::strtoull(text, nullptr, 10)) : fallback;
}
const std::size_t kColdKeys = from_env("COFFER_BENCH_COLD_KEYS", 2000);
const std::size_t kColdCache = from_env("COFFER_BENCH_COLD_CACHE", 100);

void EncryptColdKeys(benchmark::State& state) {
  if (!g->cold_kms) {
    core::KmsConfig config;
    config.version_cache_capacity = kColdCache;
    g->cold_store = std::make_unique<core::SqliteStore>(g->temp.dir() + "/cold.db");
    g->cold_kms = std::make_unique<core::KmsService>(*g->token, *g->cold_store, g->clock, config);
    for (std::size_t i = 0; i < kColdKeys; ++i)
      g->cold_keys.push_back(g->cold_kms->create_key({}).key_id);
    // One encryption each first: key records loaded, first counter blocks reserved.
    for (const auto& key : g->cold_keys) g->cold_kms->encrypt({key, kPlaintext, {}, std::nullopt});
  }
  std::uint64_t x = 88172645463325252ull;  // xorshift: no allocation, no lock in the loop
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const auto& key = g->cold_keys[x % g->cold_keys.size()];
    auto result = g->cold_kms->encrypt({key, kPlaintext, {}, std::nullopt});
    benchmark::DoNotOptimize(result.ciphertext_blob.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  const auto stats = g->cold_kms->key_material().cache().stats();
  state.counters["hit_ratio"] =
      static_cast<double>(stats.hits) / static_cast<double>(stats.hits + stats.misses);
}

BENCHMARK(EncryptCore)->Name("Encrypt/Core")->UseRealTime();
BENCHMARK(EncryptColdKeys)->Name("Encrypt/ColdKeys")->UseRealTime();
BENCHMARK(EncryptRaw)->Name("Encrypt/Raw")->UseRealTime();
BENCHMARK(EncryptPaired)->Name("Encrypt/Paired")->UseRealTime();
BENCHMARK(DataKeyCore)->Name("GenerateDataKey/Core")->UseRealTime();
BENCHMARK(DataKeyRaw)->Name("GenerateDataKey/Raw")->UseRealTime();
BENCHMARK(DataKeyPaired)->Name("GenerateDataKey/Paired")->UseRealTime();
BENCHMARK(EncryptAuthorizedPaired)->Name("Encrypt/Authorized")->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  World world;
  g = &world;
  world.token = std::make_unique<pkcs11::Token>(world.temp.config(2));
  world.store = std::make_unique<core::SqliteStore>(world.temp.dir() + "/bench.db");
  world.kms = std::make_unique<core::KmsService>(*world.token, *world.store, world.clock,
                                                 core::KmsConfig{});
  world.key_id = world.kms->create_key({}).key_id;
  {
    core::CreateKeyRequest with_policy;
    with_policy.policy = kAppRolePolicy;
    world.policy_key_id = world.kms->create_key(with_policy).key_id;
  }
  core_encrypt();  // warm the key cache and the handle cache
  const auto* f = world.token->functions();
  f->C_OpenSession(world.token->pool().slot(), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                   nullptr, &world.raw_session);
  CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
  CK_KEY_TYPE aes = CKK_AES;
  CK_ULONG length = 32;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE key_template[] = {
      {CKA_CLASS, &secret, sizeof secret},     {CKA_KEY_TYPE, &aes, sizeof aes},
      {CKA_VALUE_LEN, &length, sizeof length}, {CKA_TOKEN, &no, sizeof no},
      {CKA_SENSITIVE, &yes, sizeof yes},       {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_ENCRYPT, &yes, sizeof yes}};
  CK_MECHANISM generate{CKM_AES_KEY_GEN, nullptr, 0};
  if (f->C_GenerateKey(world.raw_session, &generate, key_template, 7, &world.key_handle) !=
      CKR_OK) {
    std::fprintf(stderr, "cannot make the session key object\n");
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  f->C_CloseSession(world.raw_session);
  world.cold_kms.reset();
  world.kms.reset();
  benchmark::Shutdown();
  return 0;
}
