// ServiceTest plus what the tests of asymmetric and HMAC keys share: making keys of a spec
// and usage, calling Sign/Verify/GenerateMac/VerifyMac in one line, and reading the
// attributes of a key's token objects.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "tests/core/host_crypto.h"
#include "tests/core/service_fixture.h"

namespace coffer::testing {

// These tests make hundreds of keys, and every key costs the store's synchronous commits
// (about 100 ms each on the project's virtual disks): their subject is the semantics of
// the operations, not durability, so their throw-away token and store go to tmpfs when
// the caller has not chosen a TMPDIR. Runs before any fixture makes its TempToken.
inline const bool kTempDirOnTmpfs = [] {
  if (std::getenv("TMPDIR") == nullptr && ::access("/dev/shm", W_OK | X_OK) == 0) {
    ::setenv("TMPDIR", "/dev/shm", 0);
    return true;
  }
  return false;
}();

inline constexpr const char* kMessage = "Coffer signs this message.";

class AsymmetricTest : public ServiceTest {
 protected:
  core::KeyMetadata create(const std::string& spec, const std::optional<std::string>& usage) {
    core::CreateKeyRequest request;
    request.key_spec = spec;
    request.key_usage = usage;
    return service_->create_key(request);
  }
  std::string signing_key(const std::string& spec) { return create(spec, "SIGN_VERIFY").key_id; }
  std::string encryption_key(const std::string& spec) {
    return create(spec, "ENCRYPT_DECRYPT").key_id;
  }
  std::string mac_key(const std::string& spec) {
    return create(spec, "GENERATE_VERIFY_MAC").key_id;
  }

  core::Bytes sign(const std::string& key, std::span<const std::uint8_t> message,
                   const std::string& algorithm, std::optional<std::string> type = std::nullopt) {
    return service_->sign({key, message, std::move(type), algorithm}).signature;
  }
  // Verify that returns normally for a valid signature (and throws otherwise).
  core::VerifyResult verify(const std::string& key, std::span<const std::uint8_t> message,
                            std::span<const std::uint8_t> signature, const std::string& algorithm,
                            std::optional<std::string> type = std::nullopt) {
    return service_->verify({key, message, std::move(type), signature, algorithm});
  }
  // The error Verify gives, or nullopt for a valid signature.
  std::optional<ErrorCode> verify_error(const std::string& key,
                                        std::span<const std::uint8_t> message,
                                        std::span<const std::uint8_t> signature,
                                        const std::string& algorithm,
                                        std::optional<std::string> type = std::nullopt) {
    try {
      auto result = verify(key, message, signature, algorithm, std::move(type));
      EXPECT_TRUE(result.signature_valid);
      return std::nullopt;
    } catch (const Error& e) {
      return e.code();
    }
  }

  core::Bytes mac(const std::string& key, std::span<const std::uint8_t> message,
                  const std::string& algorithm) {
    return service_->generate_mac({key, message, algorithm}).mac;
  }
  std::optional<ErrorCode> verify_mac_error(const std::string& key,
                                            std::span<const std::uint8_t> message,
                                            std::span<const std::uint8_t> tag,
                                            const std::string& algorithm) {
    try {
      auto result = service_->verify_mac({key, message, algorithm, tag});
      EXPECT_TRUE(result.mac_valid);
      return std::nullopt;
    } catch (const Error& e) {
      return e.code();
    }
  }

  core::KeyMetadata import(const std::string& spec, std::span<const std::uint8_t> material,
                           std::optional<std::string> usage = std::nullopt) {
    core::ImportKeyRequest request;
    request.key_spec = spec;
    request.key_usage = std::move(usage);
    request.material = material;
    return service_->import_key(request);
  }

  std::string arn(const std::string& key) const {
    return "arn:aws:kms:us-east-1:111122223333:key/" + key;
  }
  std::string object_of(const std::string& key, int version = 1) const {
    return "coffer/us-east-1/" + key + "/v" + std::to_string(version);
  }

  // A CK_BBOOL attribute of the object of `object_class` that holds version 1 of the key in
  // the token while operations use it (the session object it is unwrapped into).
  bool flag(const std::string& key, CK_OBJECT_CLASS object_class, CK_ATTRIBUTE_TYPE type) {
    const core::KeySpec spec = service_->describe_key(key).key_spec;
    core::VersionLease live = service_->key_material().lease(
        "us-east-1", spec, object_of(key), [&] { return *store_->get_version(key, 1); });
    return token_->with_object(
        object_class, live->object_id(), [&](CK_SESSION_HANDLE session, CK_OBJECT_HANDLE h) {
          CK_BBOOL value = CK_FALSE;
          CK_ATTRIBUTE attribute{type, &value, sizeof value};
          P11_REQUIRE(token_->functions(), C_GetAttributeValue, session, h, &attribute, 1);
          return value == CK_TRUE;
        });
  }
};

}  // namespace coffer::testing
