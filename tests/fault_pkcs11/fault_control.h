// Control API of the fault-injection PKCS#11 module (libcoffer_fault_pkcs11.so).
//
// The module forwards every call to a real module (COFFER_FAULT_REAL_MODULE, default SoftHSM2)
// and, as a test asks, fails chosen calls, slows them down, caps the number of sessions or
// behaves like AWS CloudHSM. pkcs11::Module loads modules RTLD_LOCAL, so a test reaches
// these functions through dlopen of the same path + dlsym (FaultControl below), never by
// linking against the module.
#pragma once

#include "pkcs11/cryptoki.h"

extern "C" {

// Calls skip_calls+1 .. skip_calls+times of `function` (counted from now) return rv
// instead of their result. For CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED and
// CKR_DEVICE_REMOVED the real session is closed too, so it is genuinely gone. A failed
// single-part or final call (C_Encrypt, C_Sign...) still runs on the real token so that its
// operation ends, as it does on a real token. One rule per function; a new one replaces it.
void coffer_fault_fail(const char* function, CK_RV rv, int skip_calls, int times);
// Every later call of `function` sleeps this long before it is forwarded (0: none).
void coffer_fault_latency(const char* function, unsigned microseconds);
// C_OpenSession returns CKR_SESSION_COUNT once n sessions are open through the module
// (n < 0: no cap).
void coffer_fault_max_sessions(int n);
// Acts like AWS CloudHSM: the token writes the AES-GCM IV into pIv (a non-zero IV from the
// caller is CKR_MECHANISM_PARAM_INVALID); C_Encrypt/C_Decrypt inputs over 16,224 bytes are
// CKR_DATA_LEN_RANGE; RFC 5649 wrapping is CKM_VENDOR_DEFINED|0x216F and plain
// CKM_AES_KEY_WRAP_PAD is CKR_MECHANISM_INVALID; a Notify callback is CKR_ARGUMENTS_BAD.
void coffer_fault_cloudhsm(int on);
// Clears rules, latencies, the session cap, CloudHSM mode and the counters (not the
// record of open sessions, which mirrors the real token).
void coffer_fault_reset(void);

// How often `function` was called since the last reset, and how many of those calls failed
// by injection.
long coffer_fault_calls(const char* function);
long coffer_fault_injected(const char* function);
// Sessions opened through the module and not yet closed (or killed by an injected fault).
long coffer_fault_open_sessions(void);
// Sessions that were still open when C_Finalize ran last (a leak unless 0).
long coffer_fault_sessions_at_finalize(void);

}  // extern "C"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace coffer::testing {

// The control API, resolved from the loaded fault module.
struct FaultControl {
  decltype(&coffer_fault_fail) fail;
  decltype(&coffer_fault_latency) latency;
  decltype(&coffer_fault_max_sessions) max_sessions;
  decltype(&coffer_fault_cloudhsm) cloudhsm;
  decltype(&coffer_fault_reset) reset;
  decltype(&coffer_fault_calls) calls;
  decltype(&coffer_fault_injected) injected;
  decltype(&coffer_fault_open_sessions) open_sessions;
  decltype(&coffer_fault_sessions_at_finalize) sessions_at_finalize;

  // dlopen of the same path yields the handle pkcs11::Module holds (or will get), so the
  // state seen here is the state of the module the token uses. The handle is never closed.
  static FaultControl attach(const std::string& path) {
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) throw std::runtime_error("cannot load " + path + ": " + dlerror());
    auto find = [&](const char* name) {
      void* symbol = dlsym(library, name);
      if (symbol == nullptr) throw std::runtime_error(path + " lacks " + name);
      return symbol;
    };
    FaultControl c;
    c.fail = reinterpret_cast<decltype(c.fail)>(find("coffer_fault_fail"));
    c.latency = reinterpret_cast<decltype(c.latency)>(find("coffer_fault_latency"));
    c.max_sessions = reinterpret_cast<decltype(c.max_sessions)>(find("coffer_fault_max_sessions"));
    c.cloudhsm = reinterpret_cast<decltype(c.cloudhsm)>(find("coffer_fault_cloudhsm"));
    c.reset = reinterpret_cast<decltype(c.reset)>(find("coffer_fault_reset"));
    c.calls = reinterpret_cast<decltype(c.calls)>(find("coffer_fault_calls"));
    c.injected = reinterpret_cast<decltype(c.injected)>(find("coffer_fault_injected"));
    c.open_sessions =
        reinterpret_cast<decltype(c.open_sessions)>(find("coffer_fault_open_sessions"));
    c.sessions_at_finalize = reinterpret_cast<decltype(c.sessions_at_finalize)>(
        find("coffer_fault_sessions_at_finalize"));
    return c;
  }
};

}  // namespace coffer::testing
