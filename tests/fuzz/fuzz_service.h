// A real KMS for the request-path fuzz targets: a throw-away SoftHSM token (initialised
// through PKCS#11), a SQLite store in a temp directory, and a KmsService with keys behind
// fixed aliases (alias/fuzz-aes, -rsa, -ec, -hmac) so that fuzzed requests can name keys
// that exist. Beside it, the region's Secrets Manager over the same KMS and store, with
// secrets of fixed names (fuzz/string, fuzz/binary, fuzz/rotating, fuzz/deleted) and a
// rotation launcher that runs a rotation function's four steps at once. Made once per
// process; removed at exit.
#pragma once

#include <memory>
#include <string>

#include "core/secrets/secrets_service.h"
#include "core/service/kms_service.h"
#include "core/store/sqlite_store.h"
#include "pkcs11/token.h"

namespace coffer::fuzz {

class FuzzService {
 public:
  static FuzzService& instance();
  core::KmsService& kms() { return *kms_; }
  core::SecretsService& secrets() { return *secrets_; }

  // Operations that add token objects are executed at most this often per process, so a
  // long campaign does not grow the token without bound.
  bool may_create_objects() { return created_objects_++ < 256; }
  // Secrets Manager writes that add rows (secrets, versions, tags) are executed at most this
  // often per process, so that listings stay fast through a long campaign.
  bool may_add_secret_rows() { return added_secret_rows_++ < 4096; }

 private:
  FuzzService();
  ~FuzzService();
  void make_secrets();
  void rotate(const std::string& arn, const std::string& token);
  std::string dir_;
  std::unique_ptr<pkcs11::Token> token_;
  std::unique_ptr<core::SqliteStore> store_;
  std::unique_ptr<core::SystemClock> clock_;
  std::unique_ptr<core::KmsService> kms_;
  std::unique_ptr<core::SecretsService> secrets_;
  int created_objects_ = 0;
  int added_secret_rows_ = 0;
};

}  // namespace coffer::fuzz
