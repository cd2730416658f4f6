#include "provider/errors.h"

#include <openssl/core_dispatch.h>

#include <cstdarg>

#include "provider/provider_context.h"

namespace coffer::provider {
namespace {

OSSL_FUNC_core_new_error_fn* core_new_error = nullptr;
OSSL_FUNC_core_set_error_debug_fn* core_set_error_debug = nullptr;
OSSL_FUNC_core_vset_error_fn* core_vset_error = nullptr;

const OSSL_ITEM kReasons[] = {
    {kBadUri, const_cast<char*>("bad coffer URI")},
    {kKeyNotFound, const_cast<char*>("key not found in Coffer")},
    {kAccessDenied, const_cast<char*>("Coffer denied access")},
    {kUnavailable, const_cast<char*>("Coffer unavailable")},
    {kServiceError, const_cast<char*>("Coffer refused the operation")},
    {kUnsupported, const_cast<char*>("not supported by Coffer")},
    {kBadConfiguration, const_cast<char*>("bad coffer provider configuration")},
    {kNotACofferKey, const_cast<char*>("not a Coffer key")},
    {kWrongKeyType, const_cast<char*>("unsupported key type")},
    {kInternalError, const_cast<char*>("internal error")},
    {0, nullptr},
};

Reason reason_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kInvalidArn:
    case ErrorCode::kInvalidAliasName:
      return kKeyNotFound;
    case ErrorCode::kAccessDenied:
      return kAccessDenied;
    case ErrorCode::kDependencyTimeout:
    case ErrorCode::kThrottling:
    case ErrorCode::kKeyUnavailable:
      return kUnavailable;
    case ErrorCode::kUnsupportedOperation:
      return kUnsupported;
    default:
      return kServiceError;
  }
}

}  // namespace

const OSSL_ITEM* reason_strings() { return kReasons; }

void init_error_upcalls(const OSSL_DISPATCH* in) {
  for (; in->function_id != 0; ++in) {
    switch (in->function_id) {
      case OSSL_FUNC_CORE_NEW_ERROR:
        core_new_error = OSSL_FUNC_core_new_error(in);
        break;
      case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
        core_set_error_debug = OSSL_FUNC_core_set_error_debug(in);
        break;
      case OSSL_FUNC_CORE_VSET_ERROR:
        core_vset_error = OSSL_FUNC_core_vset_error(in);
        break;
      default:
        break;
    }
  }
}

void raise(const OSSL_CORE_HANDLE* handle, const char* file, int line, const char* func,
           Reason reason, const char* format, ...) {
  if (core_new_error == nullptr || core_set_error_debug == nullptr || core_vset_error == nullptr)
    return;
  core_new_error(handle);
  core_set_error_debug(handle, file, line, func);
  va_list args;
  va_start(args, format);
  core_vset_error(handle, static_cast<uint32_t>(reason), format, args);
  va_end(args);
}

void raise_service_error(const OSSL_CORE_HANDLE* handle, const char* file, int line,
                         const char* func, const Error& error, const char* what) {
  if (dynamic_cast<const ConfigurationError*>(&error) != nullptr) {
    raise(handle, file, line, func, kBadConfiguration, "%s: %s", what, error.what());
    return;
  }
  const std::string name(error.name());
  raise(handle, file, line, func, reason_for(error.code()), "%s: %s: %s", what, name.c_str(),
        error.what());
}

}  // namespace coffer::provider
