// A real KMS for the request-path fuzz targets: a throw-away SoftHSM token (initialised
// through PKCS#11), a SQLite store in a temp directory, and a KmsService with keys behind
// fixed aliases (alias/fuzz-aes, -rsa, -ec, -hmac) so that fuzzed requests can name keys
// that exist. Made once per process; removed at exit.
#pragma once

#include <memory>
#include <string>

#include "core/service/kms_service.h"
#include "core/store/sqlite_store.h"
#include "pkcs11/token.h"

namespace coffer::fuzz {

class FuzzService {
 public:
  static FuzzService& instance();
  core::KmsService& kms() { return *kms_; }

  // Operations that add token objects are executed at most this often per process, so a
  // long campaign does not grow the token without bound.
  bool may_create_objects() { return created_objects_++ < 256; }

 private:
  FuzzService();
  ~FuzzService();
  std::string dir_;
  std::unique_ptr<pkcs11::Token> token_;
  std::unique_ptr<core::SqliteStore> store_;
  std::unique_ptr<core::SystemClock> clock_;
  std::unique_ptr<core::KmsService> kms_;
  int created_objects_ = 0;
};

}  // namespace coffer::fuzz
