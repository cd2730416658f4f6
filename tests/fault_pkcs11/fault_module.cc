// A PKCS#11 module for tests: forwards to a real module and injects faults, latency, a
// session cap and AWS CloudHSM's behaviour on request (see fault_control.h).
#include <dlfcn.h>
#include <sys/random.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/fault_pkcs11/fault_control.h"

namespace {

constexpr const char* kDefaultRealModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr CK_ULONG kCloudHsmMaxInput = 16224;
constexpr CK_ULONG kGcmIvBytes = 12;

struct Rule {
  CK_RV rv = CKR_OK;
  int skip = 0;
  int times = 0;
  int seen = 0;
};

struct State {
  std::mutex mutex;
  std::map<std::string, Rule, std::less<>> rules;
  std::map<std::string, unsigned, std::less<>> latency_us;
  std::map<std::string, long, std::less<>> calls;
  std::map<std::string, long, std::less<>> injected;
  std::set<CK_SESSION_HANDLE> open;
  int opening = 0;  // C_OpenSession calls in flight, counted against the cap
  int max_sessions = -1;
  bool cloudhsm = false;
  long sessions_at_finalize = 0;
};

State& state() {
  static State s;
  return s;
}

CK_FUNCTION_LIST g_real{};  // the real module's entries
CK_FUNCTION_LIST g_list{};  // ours: g_real with the hooked entries replaced
CK_RV g_load_result = CKR_OK;
std::once_flag g_load_once;

bool kills_session(CK_RV rv) {
  return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED || rv == CKR_DEVICE_REMOVED;
}

// Single-part and final calls: on a real token their failure ends the active operation.
bool ends_operation(std::string_view name) {
  static constexpr std::string_view kEnding[] = {
      "C_Encrypt",      "C_Decrypt",      "C_Sign",      "C_Verify",      "C_Digest",
      "C_EncryptFinal", "C_DecryptFinal", "C_SignFinal", "C_VerifyFinal", "C_DigestFinal"};
  return std::find(std::begin(kEnding), std::end(kEnding), name) != std::end(kEnding);
}

// Counts the call, sleeps the configured latency and says whether to fail it (and how).
bool enter(std::string_view name, CK_RV* injected_rv) {
  State& s = state();
  unsigned latency = 0;
  bool inject = false;
  {
    std::lock_guard lock(s.mutex);
    ++s.calls[std::string(name)];
    if (auto it = s.latency_us.find(name); it != s.latency_us.end()) latency = it->second;
    if (auto it = s.rules.find(name); it != s.rules.end()) {
      Rule& rule = it->second;
      ++rule.seen;
      inject = rule.seen > rule.skip && rule.seen <= rule.skip + rule.times;
      if (inject) {
        *injected_rv = rule.rv;
        ++s.injected[std::string(name)];
      }
    }
  }
  if (latency != 0) std::this_thread::sleep_for(std::chrono::microseconds(latency));
  return inject;
}

// The token forgets the session: close the real one so that it is genuinely dead.
void kill_session(CK_SESSION_HANDLE session) {
  g_real.C_CloseSession(session);
  std::lock_guard lock(state().mutex);
  state().open.erase(session);
}

// The common frame of every hooked call: count, delay, then fail or forward.
template <class Forward>
CK_RV run(std::string_view name, CK_SESSION_HANDLE session, Forward&& forward) {
  CK_RV rv = CKR_OK;
  if (!enter(name, &rv)) return forward();
  if (kills_session(rv)) {
    if (session != CK_INVALID_HANDLE) kill_session(session);
  } else if (ends_operation(name)) {
    forward();
  }
  return rv;
}

bool cloudhsm() {
  std::lock_guard lock(state().mutex);
  return state().cloudhsm;
}

// Every call whose first argument is a session and that needs nothing special.
template <auto Field>
struct Hook;
template <class... Args, CK_RV (*CK_FUNCTION_LIST::*Field)(CK_SESSION_HANDLE, Args...)>
struct Hook<Field> {
  static inline const char* name = "";
  static CK_RV call(CK_SESSION_HANDLE session, Args... args) {
    return run(name, session, [&] { return (g_real.*Field)(session, args...); });
  }
};

template <auto Field>
void hook(CK_FUNCTION_LIST& list, const char* name) {
  if (g_real.*Field == nullptr) return;  // the real module lacks it: so do we
  Hook<Field>::name = name;
  list.*Field = &Hook<Field>::call;
}
#define COFFER_HOOK(fn) hook<&CK_FUNCTION_LIST::fn>(g_list, #fn)

// --- calls with their own behaviour --------------------------------------------------------

CK_RV fault_Initialize(void* args) {
  return run("C_Initialize", CK_INVALID_HANDLE, [&] { return g_real.C_Initialize(args); });
}

CK_RV fault_Finalize(void* reserved) {
  return run("C_Finalize", CK_INVALID_HANDLE, [&] {
    {
      std::lock_guard lock(state().mutex);
      state().sessions_at_finalize = static_cast<long>(state().open.size());
      state().open.clear();
    }
    return g_real.C_Finalize(reserved);
  });
}

CK_RV fault_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, void* application, CK_NOTIFY notify,
                        CK_SESSION_HANDLE* session) {
  return run("C_OpenSession", CK_INVALID_HANDLE, [&]() -> CK_RV {
    State& s = state();
    {
      std::lock_guard lock(s.mutex);
      if (s.cloudhsm && notify != nullptr) return CKR_ARGUMENTS_BAD;
      if (s.max_sessions >= 0 && static_cast<int>(s.open.size()) + s.opening >= s.max_sessions) {
        return CKR_SESSION_COUNT;
      }
      ++s.opening;
    }
    CK_RV rv = g_real.C_OpenSession(slot, flags, application, notify, session);
    std::lock_guard lock(s.mutex);
    --s.opening;
    if (rv == CKR_OK) s.open.insert(*session);
    return rv;
  });
}

CK_RV fault_CloseSession(CK_SESSION_HANDLE session) {
  return run("C_CloseSession", session, [&] {
    CK_RV rv = g_real.C_CloseSession(session);
    std::lock_guard lock(state().mutex);
    state().open.erase(session);
    return rv;
  });
}

CK_RV fault_CloseAllSessions(CK_SLOT_ID slot) {
  return run("C_CloseAllSessions", CK_INVALID_HANDLE, [&] {
    CK_RV rv = g_real.C_CloseAllSessions(slot);
    std::lock_guard lock(state().mutex);
    state().open.clear();  // the module serves one token in tests
    return rv;
  });
}

// CloudHSM makes the GCM IV itself and hands it back through the caller's pIv.
CK_RV cloudhsm_gcm_iv(CK_MECHANISM* mechanism) {
  if (mechanism == nullptr || mechanism->mechanism != CKM_AES_GCM) return CKR_OK;
  if (mechanism->pParameter == nullptr || mechanism->ulParameterLen != sizeof(CK_GCM_PARAMS)) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  auto* params = static_cast<CK_GCM_PARAMS*>(mechanism->pParameter);
  if (params->pIv == nullptr || params->ulIvLen != kGcmIvBytes) return CKR_MECHANISM_PARAM_INVALID;
  if (std::any_of(params->pIv, params->pIv + kGcmIvBytes, [](CK_BYTE b) { return b != 0; })) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  if (getrandom(params->pIv, kGcmIvBytes, 0) != static_cast<ssize_t>(kGcmIvBytes))
    return CKR_DEVICE_ERROR;
  return CKR_OK;
}

CK_RV fault_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key) {
  return run("C_EncryptInit", session, [&] {
    if (cloudhsm()) {
      if (CK_RV rv = cloudhsm_gcm_iv(mechanism); rv != CKR_OK) return rv;
    }
    return g_real.C_EncryptInit(session, mechanism, key);
  });
}

// CloudHSM takes at most 16,224 bytes per call. The refused call still ends the operation.
template <auto Field>
CK_RV limited(CK_SESSION_HANDLE session, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out,
              CK_ULONG* out_len) {
  if (cloudhsm() && in_len > kCloudHsmMaxInput) {
    std::vector<CK_BYTE> scratch(in_len + 64);
    CK_ULONG scratch_len = static_cast<CK_ULONG>(scratch.size());
    (g_real.*Field)(session, in, in_len, scratch.data(), &scratch_len);
    return CKR_DATA_LEN_RANGE;
  }
  return (g_real.*Field)(session, in, in_len, out, out_len);
}

CK_RV fault_Encrypt(CK_SESSION_HANDLE session, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out,
                    CK_ULONG* out_len) {
  return run("C_Encrypt", session, [&] {
    return limited<&CK_FUNCTION_LIST::C_Encrypt>(session, in, in_len, out, out_len);
  });
}

CK_RV fault_Decrypt(CK_SESSION_HANDLE session, CK_BYTE* in, CK_ULONG in_len, CK_BYTE* out,
                    CK_ULONG* out_len) {
  return run("C_Decrypt", session, [&] {
    return limited<&CK_FUNCTION_LIST::C_Decrypt>(session, in, in_len, out, out_len);
  });
}

// CloudHSM: RFC 5649 is only reachable through its vendor mechanism.
CK_RV cloudhsm_wrap_mechanism(CK_MECHANISM* mechanism, CK_MECHANISM* translated) {
  *translated = *mechanism;
  if (!cloudhsm()) return CKR_OK;
  if (mechanism->mechanism == CKM_AES_KEY_WRAP_PAD) return CKR_MECHANISM_INVALID;
  if (mechanism->mechanism == kCkmCloudHsmAesKeyWrapZeroPad)
    translated->mechanism = CKM_AES_KEY_WRAP_PAD;
  return CKR_OK;
}

CK_RV fault_WrapKey(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE wrapping,
                    CK_OBJECT_HANDLE key, CK_BYTE* wrapped, CK_ULONG* wrapped_len) {
  return run("C_WrapKey", session, [&] {
    if (mechanism == nullptr)
      return g_real.C_WrapKey(session, mechanism, wrapping, key, wrapped, wrapped_len);
    CK_MECHANISM translated;
    if (CK_RV rv = cloudhsm_wrap_mechanism(mechanism, &translated); rv != CKR_OK) return rv;
    return g_real.C_WrapKey(session, &translated, wrapping, key, wrapped, wrapped_len);
  });
}

CK_RV fault_UnwrapKey(CK_SESSION_HANDLE session, CK_MECHANISM* mechanism,
                      CK_OBJECT_HANDLE unwrapping, CK_BYTE* wrapped, CK_ULONG wrapped_len,
                      CK_ATTRIBUTE* attributes, CK_ULONG count, CK_OBJECT_HANDLE* key) {
  return run("C_UnwrapKey", session, [&] {
    if (mechanism == nullptr) {
      return g_real.C_UnwrapKey(session, mechanism, unwrapping, wrapped, wrapped_len, attributes,
                                count, key);
    }
    CK_MECHANISM translated;
    if (CK_RV rv = cloudhsm_wrap_mechanism(mechanism, &translated); rv != CKR_OK) return rv;
    return g_real.C_UnwrapKey(session, &translated, unwrapping, wrapped, wrapped_len, attributes,
                              count, key);
  });
}

void load_real_module() {
  const char* path = std::getenv("COFFER_FAULT_REAL_MODULE");
  void* library = dlopen(path != nullptr ? path : kDefaultRealModule, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    g_load_result = CKR_GENERAL_ERROR;
    return;
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library, "C_GetFunctionList"));
  CK_FUNCTION_LIST* real = nullptr;
  if (get_list == nullptr || get_list(&real) != CKR_OK || real == nullptr) {
    g_load_result = CKR_GENERAL_ERROR;
    return;
  }
  g_real = *real;
  g_list = *real;
  g_list.C_GetFunctionList = &C_GetFunctionList;
  g_list.C_Initialize = &fault_Initialize;
  g_list.C_Finalize = &fault_Finalize;
  g_list.C_OpenSession = &fault_OpenSession;
  g_list.C_CloseSession = &fault_CloseSession;
  g_list.C_CloseAllSessions = &fault_CloseAllSessions;
  g_list.C_EncryptInit = &fault_EncryptInit;
  g_list.C_Encrypt = &fault_Encrypt;
  g_list.C_Decrypt = &fault_Decrypt;
  g_list.C_WrapKey = &fault_WrapKey;
  g_list.C_UnwrapKey = &fault_UnwrapKey;
  COFFER_HOOK(C_GetSessionInfo);
  COFFER_HOOK(C_Login);
  COFFER_HOOK(C_Logout);
  COFFER_HOOK(C_CreateObject);
  COFFER_HOOK(C_CopyObject);
  COFFER_HOOK(C_DestroyObject);
  COFFER_HOOK(C_GetAttributeValue);
  COFFER_HOOK(C_SetAttributeValue);
  COFFER_HOOK(C_FindObjectsInit);
  COFFER_HOOK(C_FindObjects);
  COFFER_HOOK(C_FindObjectsFinal);
  COFFER_HOOK(C_DecryptInit);
  COFFER_HOOK(C_DigestInit);
  COFFER_HOOK(C_Digest);
  COFFER_HOOK(C_SignInit);
  COFFER_HOOK(C_Sign);
  COFFER_HOOK(C_VerifyInit);
  COFFER_HOOK(C_Verify);
  COFFER_HOOK(C_GenerateKey);
  COFFER_HOOK(C_GenerateKeyPair);
  COFFER_HOOK(C_DeriveKey);
  COFFER_HOOK(C_GenerateRandom);
  // The module stays loaded for the life of the process, like pkcs11::Module's.
}

}  // namespace

extern "C" {

CK_RV C_GetFunctionList(CK_FUNCTION_LIST** list) {
  if (list == nullptr) return CKR_ARGUMENTS_BAD;
  std::call_once(g_load_once, load_real_module);
  if (g_load_result != CKR_OK) return g_load_result;
  *list = &g_list;
  return CKR_OK;
}

void coffer_fault_fail(const char* function, CK_RV rv, int skip_calls, int times) {
  std::lock_guard lock(state().mutex);
  state().rules[function] = Rule{rv, skip_calls, times, 0};
}

void coffer_fault_latency(const char* function, unsigned microseconds) {
  std::lock_guard lock(state().mutex);
  state().latency_us[function] = microseconds;
}

void coffer_fault_max_sessions(int n) {
  std::lock_guard lock(state().mutex);
  state().max_sessions = n;
}

void coffer_fault_cloudhsm(int on) {
  std::lock_guard lock(state().mutex);
  state().cloudhsm = on != 0;
}

void coffer_fault_reset(void) {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.rules.clear();
  s.latency_us.clear();
  s.calls.clear();
  s.injected.clear();
  s.max_sessions = -1;
  s.cloudhsm = false;
}

long coffer_fault_calls(const char* function) {
  std::lock_guard lock(state().mutex);
  auto it = state().calls.find(std::string_view(function));
  return it == state().calls.end() ? 0 : it->second;
}

long coffer_fault_injected(const char* function) {
  std::lock_guard lock(state().mutex);
  auto it = state().injected.find(std::string_view(function));
  return it == state().injected.end() ? 0 : it->second;
}

long coffer_fault_open_sessions(void) {
  std::lock_guard lock(state().mutex);
  return static_cast<long>(state().open.size());
}

long coffer_fault_sessions_at_finalize(void) {
  std::lock_guard lock(state().mutex);
  return state().sessions_at_finalize;
}

}  // extern "C"
