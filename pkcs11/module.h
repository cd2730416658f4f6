// A loaded PKCS#11 module: dlopen by path, C_Initialize with OS locking, C_Finalize once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkcs11/ckr.h"
#include "pkcs11/cryptoki.h"

namespace coffer::pkcs11 {

class Module {
 public:
  // Loads and initialises the module. Throws coffer::Error if it cannot.
  explicit Module(const std::string& path);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const CK_FUNCTION_LIST* functions() const noexcept { return functions_; }
  const std::string& path() const noexcept { return path_; }

  std::vector<CK_SLOT_ID> slots_with_tokens() const;

 private:
  std::string path_;
  void* library_ = nullptr;
  CK_FUNCTION_LIST* functions_ = nullptr;
  // False when someone else in the process initialised the module first: then we leave
  // finalisation to them.
  bool we_initialized_ = false;
};

namespace detail {

// The shared prolog of every C_* call: the function must be present.
template <class Fn, class... Args>
CK_RV invoke(std::string_view name, Fn fn, Args&&... args) {
  if (fn == nullptr) throw_ckr(name, CKR_FUNCTION_NOT_SUPPORTED);
  return fn(std::forward<Args>(args)...);
}

}  // namespace detail
}  // namespace coffer::pkcs11

// P11(functions, C_Encrypt, args...) returns the CK_RV; the name reaches errors and logs.
#define P11(functions, fn, ...) ::coffer::pkcs11::detail::invoke(#fn, (functions)->fn, __VA_ARGS__)
// P11_REQUIRE(...) throws coffer::Error on anything but CKR_OK.
#define P11_REQUIRE(functions, fn, ...) \
  ::coffer::pkcs11::require_ok(#fn, P11(functions, fn, __VA_ARGS__))
