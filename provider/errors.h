// The provider's errors on OpenSSL's error queue: reason codes with readable strings
// (reported through the core's error upcalls, so they show as "coffer::<reason>"), and
// the one place that turns a coffer::Error from the client into one of them.
#pragma once

#include <openssl/core.h>

#include "common/error.h"

namespace coffer::provider {

enum Reason : int {
  kBadUri = 1,        // not a coffer: URI, or no key reference in it
  kKeyNotFound,       // Coffer has no such key or alias
  kAccessDenied,      // the credential is unknown, revoked or not allowed
  kUnavailable,       // cofferd cannot be reached, or did not answer in time
  kServiceError,      // any other answer of Coffer: its exception name is in the text
  kUnsupported,       // an algorithm or parameter Coffer cannot serve
  kBadConfiguration,  // the provider's openssl.cnf section or environment
  kNotACofferKey,     // a private-key operation on a key that is not in Coffer
  kWrongKeyType,      // the key is neither RSA nor EC
  kInternalError,     // a bug, or OpenSSL failed underneath us
};

// For OSSL_FUNC_PROVIDER_GET_REASON_STRINGS.
const OSSL_ITEM* reason_strings();

// Keeps the core's error functions; called once from OSSL_provider_init.
void init_error_upcalls(const OSSL_DISPATCH* in);

// Puts an error for `handle` on the calling thread's queue.
void raise(const OSSL_CORE_HANDLE* handle, const char* file, int line, const char* func,
           Reason reason, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

// Maps a Coffer error (from the client) to a reason; `what` says which key or step.
void raise_service_error(const OSSL_CORE_HANDLE* handle, const char* file, int line,
                         const char* func, const Error& error, const char* what);

}  // namespace coffer::provider

#define COFFER_RAISE(handle, reason, ...) \
  ::coffer::provider::raise((handle), __FILE__, __LINE__, __func__, (reason), __VA_ARGS__)
#define COFFER_RAISE_SERVICE(handle, error, what) \
  ::coffer::provider::raise_service_error((handle), __FILE__, __LINE__, __func__, (error), (what))
