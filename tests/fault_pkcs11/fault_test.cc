// The session pool and the token layer against SoftHSM2 seen through the fault-injection
// module: lost sessions, device errors, a session cap, slow calls, and AWS CloudHSM's ways.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "pkcs11/token.h"
#include "tests/fault_pkcs11/fault_control.h"
#include "tests/support/temp_token.h"

namespace coffer::pkcs11 {
namespace {

using namespace std::chrono_literals;
using coffer::testing::FaultControl;
using coffer::testing::TempToken;
using Clock = std::chrono::steady_clock;

const Bytes kAad = {'c', 'o', 'f', 'f', 'e', 'r'};
const Bytes kPlaintext = {'a', ' ', 's', 'e', 'c', 'r', 'e', 't'};

// One SoftHSM token per process, made before the first module load (ctest runs each case
// in its own process; running the binary directly shares it).
TempToken& temp_token() {
  static TempToken token;
  return token;
}

std::string unique_id(const std::string& prefix) {
  static std::atomic<unsigned> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1));
}

Bytes to_bytes(const SecretBytes& secret) {
  return Bytes(secret.span().begin(), secret.span().end());
}

// Runs f and returns the coffer::Error it throws; fails the test if it throws none.
template <class F>
Error error_from(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a coffer::Error";
  return Error(ErrorCode::kInternal, "none thrown");
}

// Polls until `done` holds; false after five seconds (the test then fails, it never hangs).
template <class F>
bool eventually(F&& done) {
  const auto deadline = Clock::now() + 5s;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_token();
    fault_ = FaultControl::attach(COFFER_FAULT_MODULE);
    fault_.reset();
  }

  // Every test ends with the same books: the pool and the token agree on the sessions, and
  // none is left when the Token goes.
  void TearDown() override {
    if (!token_) return;
    fault_.reset();
    const SessionPoolStats stats = token_->pool().stats();
    EXPECT_EQ(stats.in_use, 0u);
    EXPECT_EQ(fault_.open_sessions(), static_cast<long>(stats.open))
        << "the pool's count of open sessions differs from the token's";
    token_.reset();
    EXPECT_EQ(fault_.open_sessions(), 0);
    EXPECT_EQ(fault_.sessions_at_finalize(), 0) << "sessions were still open at C_Finalize";
  }

  Token& open(std::size_t max_sessions, const std::string& quirks = "softhsm",
              std::chrono::milliseconds acquire_timeout = 2000ms) {
    TokenConfig config = temp_token().config(max_sessions);
    config.module_path = COFFER_FAULT_MODULE;
    config.quirks = quirks;
    config.pool.acquire_timeout = acquire_timeout;
    token_ = std::make_unique<Token>(config);
    return *token_;
  }

  KeyId new_aes_key(const SecretKeyOptions& options = {}) {
    KeyId id = unique_id("key");
    token_->generate_aes256(id, options);
    return id;
  }

  void expect_round_trip(const KeyId& id) {
    GcmCiphertext sealed = token_->gcm_encrypt(id, kAad, kPlaintext);
    EXPECT_EQ(to_bytes(token_->gcm_decrypt(id, sealed.iv, kAad, sealed.ciphertext)), kPlaintext);
  }

  FaultControl fault_{};
  std::unique_ptr<Token> token_;
};

// --- lost sessions -------------------------------------------------------------------------

struct LostSession {
  const char* function;
  CK_RV rv;
};
void PrintTo(const LostSession& lost, std::ostream* out) {
  *out << lost.function << " -> " << ckr_name(lost.rv);
}

class LostSessionTest : public FaultTest, public ::testing::WithParamInterface<LostSession> {};

TEST_P(LostSessionTest, RepeatableOperationSucceedsOnceOnAReopenedSession) {
  Token& token = open(3);
  const KeyId id = new_aes_key();
  // A second session keeps the login and the object handles alive (losing the last session
  // is LosingTheOnlySessionLogsInAgainAndRefreshesKeyHandles), so the call counts are exact.
  auto other_session = token.pool().acquire();
  fault_.reset();
  fault_.fail(GetParam().function, GetParam().rv, 0, 1);

  GcmCiphertext sealed = token.gcm_encrypt(id, kAad, kPlaintext);
  EXPECT_EQ(to_bytes(token.gcm_decrypt(id, sealed.iv, kAad, sealed.ciphertext)), kPlaintext);
  EXPECT_EQ(token.random(32).size(), 32u);

  EXPECT_EQ(fault_.injected(GetParam().function), 1);
  EXPECT_EQ(fault_.calls(GetParam().function), 2) << "one failed call and one retry";
  EXPECT_EQ(token.pool().stats().reopened, 1u);
}

INSTANTIATE_TEST_SUITE_P(Faults, LostSessionTest,
                         ::testing::Values(LostSession{"C_Encrypt", CKR_SESSION_HANDLE_INVALID},
                                           LostSession{"C_Encrypt", CKR_SESSION_CLOSED},
                                           LostSession{"C_Encrypt", CKR_DEVICE_REMOVED},
                                           LostSession{"C_EncryptInit", CKR_SESSION_HANDLE_INVALID},
                                           LostSession{"C_Decrypt", CKR_SESSION_HANDLE_INVALID},
                                           LostSession{"C_GenerateRandom", CKR_SESSION_CLOSED}),
                         [](const ::testing::TestParamInfo<LostSession>& param_info) {
                           return std::string(param_info.param.function + 2) + "_" +
                                  std::string(ckr_name(param_info.param.rv)).substr(4);
                         });

TEST_F(FaultTest, TwoLostSessionsInARowGiveATypedErrorWithoutAThirdAttempt) {
  Token& token = open(2);
  const KeyId id = new_aes_key();
  fault_.reset();
  fault_.fail("C_Encrypt", CKR_SESSION_HANDLE_INVALID, 0, 2);

  Error error = error_from([&] { token.gcm_encrypt(id, kAad, kPlaintext); });
  EXPECT_EQ(error.code(), ErrorCode::kKeyUnavailable);
  EXPECT_EQ(error.operation(), "C_Encrypt");
  EXPECT_EQ(error.ckr(), CKR_SESSION_HANDLE_INVALID);
  EXPECT_NE(std::string(error.what()).find("CKR_SESSION_HANDLE_INVALID"), std::string::npos)
      << error.what();
  EXPECT_EQ(fault_.calls("C_Encrypt"), 2);
  EXPECT_EQ(token.pool().stats().reopened, 2u);

  expect_round_trip(id);  // the pool has recovered
}

TEST_F(FaultTest, KeyGenerationIsNotRetriedAfterALostSession) {
  Token& token = open(2);
  const KeyId id = unique_id("gen");
  fault_.fail("C_GenerateKey", CKR_SESSION_HANDLE_INVALID, 0, 1);

  Error error = error_from([&] { token.generate_aes256(id); });
  EXPECT_EQ(error.operation(), "C_GenerateKey");
  EXPECT_EQ(error.ckr(), CKR_SESSION_HANDLE_INVALID);
  EXPECT_EQ(fault_.calls("C_GenerateKey"), 1) << "creating a key must not be repeated";
  EXPECT_EQ(token.pool().stats().reopened, 1u);
  EXPECT_FALSE(token.exists(id));

  token.generate_aes256(id);  // the caller may try again, knowingly
  EXPECT_EQ(fault_.calls("C_GenerateKey"), 2);
  expect_round_trip(id);
}

// When the lost session was the application's last one, SoftHSM also logs the user out and
// drops every object handle: the retry logs in again and looks the key up afresh.
TEST_F(FaultTest, LosingTheOnlySessionLogsInAgainAndRefreshesKeyHandles) {
  Token& token = open(1);
  const KeyId id = new_aes_key();
  fault_.reset();
  fault_.fail("C_Encrypt", CKR_SESSION_HANDLE_INVALID, 0, 1);

  expect_round_trip(id);
  EXPECT_EQ(fault_.calls("C_Encrypt"), 2);
  EXPECT_EQ(fault_.calls("C_OpenSession"), 1);
  EXPECT_EQ(fault_.calls("C_Login"), 1);
  EXPECT_EQ(fault_.calls("C_FindObjectsInit"), 1) << "the cached key handle was not refreshed";
  EXPECT_EQ(token.pool().stats().reopened, 1u);
}

TEST_F(FaultTest, ConcurrentLostSessionsRecoverWithoutLeaksOrHangs) {
  Token& token = open(3);
  const KeyId id = new_aes_key();
  fault_.reset();
  constexpr int kThreads = 6, kRounds = 40;
  std::atomic<int> ok{0}, typed_failures{0}, other_failures{0}, running{kThreads};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        try {
          expect_round_trip(id);
          ++ok;
        } catch (const Error& error) {
          // Two losses in a row for one operation: allowed, but it must arrive typed.
          if (error.from_token() && is_session_lost(error.ckr())) {
            ++typed_failures;
          } else {
            ++other_failures;
            ADD_FAILURE() << error.what();
          }
        }
      }
      --running;
    });
  }
  // Keep one lost session armed while the workers run.
  long armed = -1;
  while (running > 0) {
    if (fault_.injected("C_Encrypt") != armed) {
      armed = fault_.injected("C_Encrypt");
      fault_.fail("C_Encrypt", CKR_SESSION_HANDLE_INVALID, 7, 1);
    }
    std::this_thread::sleep_for(1ms);
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(ok + typed_failures, kThreads * kRounds);
  EXPECT_EQ(other_failures, 0);
  EXPECT_GT(fault_.injected("C_Encrypt"), 3);
  EXPECT_EQ(token.pool().stats().reopened, static_cast<std::size_t>(fault_.injected("C_Encrypt")));
  EXPECT_LE(token.pool().stats().open, 3u);
}

// --- other token errors --------------------------------------------------------------------

TEST_F(FaultTest, DeviceErrorArrivesTypedAndTheSessionKeepsWorking) {
  Token& token = open(1);
  const KeyId id = new_aes_key();
  fault_.reset();
  fault_.fail("C_Encrypt", CKR_DEVICE_ERROR, 0, 1);

  Error error = error_from([&] { token.gcm_encrypt(id, kAad, kPlaintext); });
  EXPECT_EQ(error.code(), ErrorCode::kKeyUnavailable);
  EXPECT_EQ(error.ckr(), CKR_DEVICE_ERROR);
  EXPECT_EQ(error.operation(), "C_Encrypt");
  EXPECT_EQ(fault_.calls("C_Encrypt"), 1) << "a device error is not a lost session: no retry";
  EXPECT_EQ(token.pool().stats().reopened, 0u);

  // The one session was kept and has no operation left active.
  expect_round_trip(id);
  EXPECT_EQ(token.pool().stats().open, 1u);
  EXPECT_EQ(fault_.calls("C_OpenSession"), 0);
}

TEST_F(FaultTest, FailureToOpenASessionArrivesTypedAndLeavesNoSession) {
  Token& token = open(4);
  auto held = token.pool().acquire();  // the next operation needs a new session
  fault_.fail("C_OpenSession", CKR_DEVICE_ERROR, 0, 1);

  Error error = error_from([&] { token.random(16); });
  EXPECT_EQ(error.code(), ErrorCode::kKeyUnavailable);
  EXPECT_EQ(error.operation(), "C_OpenSession");
  EXPECT_EQ(token.pool().stats().open, 1u);
  EXPECT_EQ(fault_.open_sessions(), 1);

  // Opened, but the login fails: the session is closed again, not left behind.
  fault_.fail("C_Login", CKR_DEVICE_ERROR, 0, 1);
  error = error_from([&] { token.random(16); });
  EXPECT_EQ(error.operation(), "C_Login");
  EXPECT_EQ(error.ckr(), CKR_DEVICE_ERROR);
  EXPECT_EQ(token.pool().stats().open, 1u);
  EXPECT_EQ(fault_.open_sessions(), 1);

  EXPECT_EQ(token.random(16).size(), 16u);
  EXPECT_EQ(token.pool().stats().open, 2u);
}

TEST_F(FaultTest, UnreadablePinWhileOpeningASessionLeavesNoSession) {
  Token& token = open(4);
  auto held = token.pool().acquire();
  const std::string pin = temp_token().pin_file();
  std::filesystem::rename(pin, pin + ".away");
  struct Restore {
    std::string pin;
    ~Restore() { std::filesystem::rename(pin + ".away", pin); }
  } restore{pin};

  Error error = error_from([&] { token.random(16); });
  EXPECT_EQ(error.code(), ErrorCode::kKeyUnavailable);
  EXPECT_EQ(token.pool().stats().open, 1u);
  EXPECT_EQ(fault_.open_sessions(), 1) << "a session was opened and then forgotten";
}

// --- capacity and waiting ------------------------------------------------------------------

TEST_F(FaultTest, SessionCountTeachesThePoolTheTokensCap) {
  fault_.max_sessions(2);
  Token& token = open(8);
  const KeyId id = new_aes_key();
  constexpr int kThreads = 8, kRounds = 25;
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) expect_round_trip(id);
      ++done;
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(done, kThreads);
  const SessionPoolStats stats = token.pool().stats();
  EXPECT_EQ(stats.capacity, 2u);
  EXPECT_EQ(stats.open, 2u);
  EXPECT_EQ(stats.timeouts, 0u);
  EXPECT_GT(fault_.calls("C_OpenSession"), 2) << "the token never refused a session";
  EXPECT_EQ(fault_.open_sessions(), 2);
}

TEST_F(FaultTest, WaitingForABusySessionEndsInThrottlingNotAHang) {
  Token& token = open(1, "softhsm", 150ms);
  const KeyId id = new_aes_key();
  fault_.reset();
  fault_.latency("C_Encrypt", 1'000'000);

  std::thread slow([&] { expect_round_trip(id); });
  ASSERT_TRUE(eventually([&] { return fault_.calls("C_Encrypt") == 1; }));
  const auto start = Clock::now();
  Error error = error_from([&] { token.random(16); });
  const auto waited = Clock::now() - start;
  slow.join();

  EXPECT_EQ(error.code(), ErrorCode::kThrottling);
  EXPECT_FALSE(error.from_token());
  EXPECT_GE(waited, 140ms);
  EXPECT_LT(waited, 700ms) << "the caller waited for the slow call instead of timing out";
  EXPECT_EQ(token.pool().stats().timeouts, 1u);
  EXPECT_EQ(token.random(16).size(), 16u);
}

// --- AWS CloudHSM quirks ---------------------------------------------------------------------

class CloudHsmTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    fault_.cloudhsm(1);
  }
};

TEST_F(CloudHsmTest, TheTokenMakesTheGcmIv) {
  Token& token = open(2, "cloudhsm");
  const KeyId id = new_aes_key();

  GcmCiphertext first = token.gcm_encrypt(id, kAad, kPlaintext);
  GcmCiphertext second = token.gcm_encrypt(id, kAad, kPlaintext);
  EXPECT_NE(first.iv, decltype(first.iv){}) << "the token's IV did not come back";
  EXPECT_NE(first.iv, second.iv);
  EXPECT_EQ(to_bytes(token.gcm_decrypt(id, first.iv, kAad, first.ciphertext)), kPlaintext);
  EXPECT_EQ(to_bytes(token.gcm_decrypt(id, second.iv, kAad, second.ciphertext)), kPlaintext);

  const long inits = fault_.calls("C_EncryptInit");
  const Bytes iv(12, 0x42);
  Error error = error_from([&] { token.gcm_encrypt_with_iv(id, iv, kAad, kPlaintext); });
  EXPECT_EQ(error.code(), ErrorCode::kUnsupportedOperation);
  EXPECT_EQ(fault_.calls("C_EncryptInit"), inits);
}

TEST_F(CloudHsmTest, RfcFiveSixFourNineWrapUsesTheVendorMechanism) {
  Token& token = open(2, "cloudhsm");
  SecretKeyOptions kek_options;
  kek_options.can_wrap = true;
  kek_options.can_crypt = false;
  const KeyId kek = new_aes_key(kek_options);
  SecretKeyOptions plain;
  plain.extractability = Extractability::kPlainForTests;
  const KeyId key = new_aes_key(plain);

  Bytes wrapped = token.wrap(kek, WrapMechanism::kAesKeyWrapPad, key);
  EXPECT_EQ(wrapped.size(), 40u);
  const KeyId copy = unique_id("unwrapped");
  token.unwrap(kek, WrapMechanism::kAesKeyWrapPad, wrapped, copy, UnwrappedKind::kAes, plain);
  EXPECT_EQ(to_bytes(token.read_plain_value(copy)), to_bytes(token.read_plain_value(key)));
  EXPECT_EQ(fault_.calls("C_WrapKey"), 2);  // size query, then the wrap
  EXPECT_EQ(fault_.calls("C_UnwrapKey"), 1);
}

TEST_F(CloudHsmTest, InputOverTheSingleCallLimitIsRefusedBeforeTheToken) {
  Token& token = open(2, "cloudhsm");
  const KeyId id = new_aes_key();
  fault_.reset();
  fault_.cloudhsm(1);

  const Bytes too_long(16225, 0x5a);
  Error error = error_from([&] { token.gcm_encrypt(id, kAad, too_long); });
  EXPECT_EQ(error.code(), ErrorCode::kValidation);
  EXPECT_EQ(error.name(), "ValidationException");
  EXPECT_FALSE(error.from_token());
  EXPECT_EQ(fault_.calls("C_EncryptInit"), 0);
  EXPECT_EQ(fault_.calls("C_Encrypt"), 0);

  const Bytes at_limit(16224, 0x5a);
  EXPECT_EQ(token.gcm_encrypt(id, kAad, at_limit).ciphertext.size(), 16224u + 16u);
}

TEST_F(CloudHsmTest, WithoutItsQuirksACloudHsmTokenRefusesCoffersDefaults) {
  // The control for the tests above: the shim really enforces CloudHSM's rules.
  Token& token = open(2, "softhsm");
  SecretKeyOptions kek_options;
  kek_options.can_wrap = true;
  const KeyId kek = new_aes_key(kek_options);
  SecretKeyOptions plain;
  plain.extractability = Extractability::kPlainForTests;
  const KeyId key = new_aes_key(plain);

  Error iv_error = error_from([&] { token.gcm_encrypt(key, kAad, kPlaintext); });
  EXPECT_EQ(iv_error.operation(), "C_EncryptInit");
  EXPECT_EQ(iv_error.ckr(), CKR_MECHANISM_PARAM_INVALID);
  Error wrap_error = error_from([&] { token.wrap(kek, WrapMechanism::kAesKeyWrapPad, key); });
  EXPECT_EQ(wrap_error.code(), ErrorCode::kUnsupportedOperation);
  EXPECT_EQ(wrap_error.ckr(), CKR_MECHANISM_INVALID);

  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  auto notify = [](CK_SESSION_HANDLE, CK_NOTIFICATION, void*) -> CK_RV { return CKR_OK; };
  EXPECT_EQ(
      token.functions()->C_OpenSession(token.pool().slot(), CKF_SERIAL_SESSION | CKF_RW_SESSION,
                                       nullptr, notify, &session),
      CKR_ARGUMENTS_BAD);
}

}  // namespace
}  // namespace coffer::pkcs11
