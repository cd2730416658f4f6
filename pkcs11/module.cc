#include "pkcs11/module.h"

#include <dlfcn.h>

namespace coffer::pkcs11 {

Module::Module(const std::string& path) : path_(path) {
  // RTLD_LOCAL keeps the module's symbols (and its OpenSSL use) to itself.
  library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) {
    const char* why = dlerror();
    throw Error(ErrorCode::kKeyUnavailable,
                "cannot load PKCS#11 module " + path + ": " + (why ? why : "unknown error"));
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
  if (get_list == nullptr) {
    dlclose(library_);
    throw Error(ErrorCode::kKeyUnavailable,
                path + " is not a PKCS#11 module (no C_GetFunctionList)");
  }
  CK_RV rv = get_list(&functions_);
  if (rv != CKR_OK || functions_ == nullptr) {
    dlclose(library_);
    throw_ckr("C_GetFunctionList", rv == CKR_OK ? CKR_GENERAL_ERROR : rv);
  }
  // OS locking: SoftHSM initialised without it crashes under concurrent sessions.
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  rv = P11(functions_, C_Initialize, &args);
  if (rv == CKR_OK) {
    we_initialized_ = true;
  } else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    dlclose(library_);
    throw_ckr("C_Initialize", rv);
  }
}

Module::~Module() {
  if (we_initialized_) P11(functions_, C_Finalize, nullptr);
  // The module stays mapped: some modules register atexit handlers that must find their code.
}

std::vector<CK_SLOT_ID> Module::slots_with_tokens() const {
  CK_ULONG count = 0;
  P11_REQUIRE(functions_, C_GetSlotList, CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  P11_REQUIRE(functions_, C_GetSlotList, CK_TRUE, slots.data(), &count);
  slots.resize(count);
  return slots;
}

}  // namespace coffer::pkcs11
