// The token layer's cost over a plain PKCS#11 loop, in one binary on one throw-away SoftHSM
// token and one AES-256 key, a session object as the service's unwrapped key versions are
// since the key hierarchy (issue 14):
//   Gcm32/Pool    Token::gcm_encrypt of 32 bytes (session pool, handle cache, host IV)
//   Gcm32/Raw     C_EncryptInit + C_Encrypt, CKM_AES_GCM, on the thread's own session and the
//                 same key handle, a fresh IV from RAND_bytes per operation (the same work)
//   Random32/Pool Token::random_into of 32 bytes
//   Random32/Raw  C_GenerateRandom of 32 bytes on the thread's own session
//   */Paired      pool and raw operations alternating in one loop, each timed: the ratio
//                 of the two on a host whose load changes under the benchmark
//   PoolLease     SessionPool::acquire and release alone: the pool's own cost per operation
// Each runs with one and two threads; items_per_second is the rate over all threads.
// bench/pkcs11_compare.sh runs it and prints the pool/raw ratio.
#include <benchmark/benchmark.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "pkcs11/token.h"
#include "tests/support/temp_token.h"

namespace {

using coffer::pkcs11::Token;

constexpr std::size_t kMessageBytes = 32;
// Shaped like the CKA_IDs the service gives key versions ("coffer/<region>/<key id>/v<n>"),
// so that the handle cache does the work it does in the service.
const std::string kKeyId = "coffer/us-east-1/1b4e28ba-2fa1-11d2-883f-0016d3cca427/v1";

// Set up in main() before any benchmark runs.
Token* g_token = nullptr;
CK_OBJECT_HANDLE g_key = CK_INVALID_HANDLE;

// One session for one benchmark thread, outside the pool. The process logged in when the
// Token opened its first session, and login state belongs to the whole application.
class OwnSession {
 public:
  OwnSession() : functions_(g_token->functions()) {
    const CK_RV rv = functions_->C_OpenSession(
        g_token->pool().slot(), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle_);
    if (rv != CKR_OK) throw std::runtime_error("C_OpenSession failed: " + std::to_string(rv));
  }
  ~OwnSession() { functions_->C_CloseSession(handle_); }
  OwnSession(const OwnSession&) = delete;
  OwnSession& operator=(const OwnSession&) = delete;
  CK_SESSION_HANDLE handle() const { return handle_; }

 private:
  const CK_FUNCTION_LIST* functions_;
  CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
};

// One operation of each path. The raw ones do what the pool path does, minus the pool.
struct RawGcm {
  const CK_FUNCTION_LIST* f = g_token->functions();
  std::array<std::uint8_t, kMessageBytes> plaintext{};
  std::array<std::uint8_t, 12> iv{};
  std::array<std::uint8_t, kMessageBytes + 16> out{};

  bool once(CK_SESSION_HANDLE session) {
    if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) return false;
    CK_GCM_PARAMS params{};
    params.pIv = iv.data();
    params.ulIvLen = iv.size();
    params.ulIvBits = iv.size() * 8;
    params.ulTagBits = 128;
    CK_MECHANISM mechanism{CKM_AES_GCM, &params, sizeof params};
    CK_ULONG size = out.size();
    if (f->C_EncryptInit(session, &mechanism, g_key) != CKR_OK) return false;
    if (f->C_Encrypt(session, plaintext.data(), plaintext.size(), out.data(), &size) != CKR_OK) {
      return false;
    }
    benchmark::DoNotOptimize(out.data());
    return true;
  }
};

void pool_gcm_once() {
  static const std::array<std::uint8_t, kMessageBytes> plaintext{};
  coffer::pkcs11::GcmCiphertext sealed = g_token->gcm_encrypt(kKeyId, {}, plaintext);
  benchmark::DoNotOptimize(sealed.ciphertext.data());
}

bool raw_random_once(CK_SESSION_HANDLE session, std::array<std::uint8_t, kMessageBytes>& out) {
  if (g_token->functions()->C_GenerateRandom(session, out.data(), out.size()) != CKR_OK)
    return false;
  benchmark::DoNotOptimize(out.data());
  return true;
}

void pool_random_once(std::array<std::uint8_t, kMessageBytes>& out) {
  g_token->random_into(out);
  benchmark::DoNotOptimize(out.data());
}

void Gcm32Pool(benchmark::State& state) {
  for (auto _ : state) pool_gcm_once();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void Gcm32Raw(benchmark::State& state) {
  OwnSession session;
  RawGcm raw;
  for (auto _ : state) {
    if (!raw.once(session.handle())) {
      state.SkipWithError("RAND_bytes, C_EncryptInit or C_Encrypt failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void Random32Pool(benchmark::State& state) {
  std::array<std::uint8_t, kMessageBytes> out{};
  for (auto _ : state) pool_random_once(out);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void Random32Raw(benchmark::State& state) {
  OwnSession session;
  std::array<std::uint8_t, kMessageBytes> out{};
  for (auto _ : state) {
    if (!raw_random_once(session.handle(), out)) {
      state.SkipWithError("C_GenerateRandom failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Pool and raw operations alternating one by one in each thread, each timed on its own: a
// change in the host's load (other work on a shared machine) falls on both alike, so the
// ratio holds where the separate runs above drift. Reports the mean time of each path and
// pool_rate_vs_raw = raw time / pool time (1.0: the pool costs nothing).
template <class Pool, class Raw>
void run_paired(benchmark::State& state, Pool&& pool, Raw&& raw) {
  using Clock = std::chrono::steady_clock;
  Clock::duration pool_time{}, raw_time{};
  bool pool_first = true;
  for (auto _ : state) {
    // The order alternates, so that neither path always follows the other.
    const auto t0 = Clock::now();
    const bool ok_first = pool_first ? (pool(), true) : raw();
    const auto t1 = Clock::now();
    const bool ok_second = pool_first ? raw() : (pool(), true);
    const auto t2 = Clock::now();
    if (!ok_first || !ok_second) {
      state.SkipWithError("the raw PKCS#11 call failed");
      break;
    }
    (pool_first ? pool_time : raw_time) += t1 - t0;
    (pool_first ? raw_time : pool_time) += t2 - t1;
    pool_first = !pool_first;
  }
  const double n = static_cast<double>(state.iterations());
  const double pool_ns = std::chrono::duration<double, std::nano>(pool_time).count() / n;
  const double raw_ns = std::chrono::duration<double, std::nano>(raw_time).count() / n;
  state.counters["pool_ns"] = benchmark::Counter(pool_ns, benchmark::Counter::kAvgThreads);
  state.counters["raw_ns"] = benchmark::Counter(raw_ns, benchmark::Counter::kAvgThreads);
  state.counters["pool_rate_vs_raw"] =
      benchmark::Counter(raw_ns / pool_ns, benchmark::Counter::kAvgThreads);
}

void Gcm32Paired(benchmark::State& state) {
  OwnSession session;
  RawGcm raw;
  run_paired(state, pool_gcm_once, [&] { return raw.once(session.handle()); });
}

void Random32Paired(benchmark::State& state) {
  OwnSession session;
  std::array<std::uint8_t, kMessageBytes> out{};
  run_paired(
      state, [&] { pool_random_once(out); },
      [&] { return raw_random_once(session.handle(), out); });
}

// What the pool itself costs per operation: one acquire and one release, no token call.
void PoolLease(benchmark::State& state) {
  for (auto _ : state) {
    auto lease = g_token->pool().acquire();
    benchmark::DoNotOptimize(lease.handle());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(Gcm32Pool)->Name("Gcm32/Pool")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(Gcm32Raw)->Name("Gcm32/Raw")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(Gcm32Paired)->Name("Gcm32/Paired")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(Random32Pool)->Name("Random32/Pool")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(Random32Raw)->Name("Random32/Raw")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(Random32Paired)->Name("Random32/Paired")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(PoolLease)->Name("PoolLease")->Threads(1)->Threads(2)->UseRealTime();

std::string softhsm_version(const CK_FUNCTION_LIST* f) {
  CK_INFO info{};
  if (f->C_GetInfo(&info) != CKR_OK) return "unknown";
  return std::to_string(info.libraryVersion.major) + "." +
         std::to_string(info.libraryVersion.minor);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    coffer::testing::TempToken temp_token;
    // Four sessions: more than the two benchmark threads ever hold at once.
    auto token = std::make_unique<Token>(temp_token.config(4));
    token->generate_aes256(kKeyId, {.lifetime = coffer::pkcs11::Lifetime::kSession});
    g_token = token.get();
    g_key = token->with_object(CKO_SECRET_KEY, kKeyId,
                               [](CK_SESSION_HANDLE, CK_OBJECT_HANDLE handle) { return handle; });
    benchmark::AddCustomContext("pkcs11_module", coffer::testing::kSoftHsmModule);
    benchmark::AddCustomContext("softhsm_library_version", softhsm_version(token->functions()));
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_token = nullptr;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pkcs11 bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
