// What every AWS rotation template shares, for the built-in rotators: the check of the
// version's stages before any step (lambda_handler), createSecret (a new password in an
// AWSPENDING version) and finishSecret (AWSCURRENT moves to the new version). A rotator
// supplies how the new value is made from the current one, and its setSecret/testSecret.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/secret_bytes.h"
#include "core/secrets/secrets_service.h"
#include "server/rotation/rotation_function.h"

namespace coffer::server::rotation {

inline constexpr const char* kCurrentStage = "AWSCURRENT";
inline constexpr const char* kPendingStage = "AWSPENDING";
inline constexpr const char* kPreviousStage = "AWSPREVIOUS";
// AWS's templates leave these out of generated passwords (EXCLUDE_CHARACTERS' default):
// they break connection strings and URLs.
inline constexpr std::string_view kExcludedPasswordCharacters = ":/@\"'\\";

class RotatorTemplate : public RotationFunction {
 public:
  explicit RotatorTemplate(core::SecretsService& secrets) : secrets_(secrets) {}
  void invoke(const RotationEvent& event) final;

 protected:
  // The AWSPENDING value createSecret stores: `current` (AWSCURRENT's value) with
  // `password` in it.
  virtual core::SecretValue pending_value(const core::SecretValue& current,
                                          const SecretBytes& password) = 0;
  virtual void set_secret(const RotationEvent& event) = 0;
  virtual void test_secret(const RotationEvent& event) = 0;

  core::SecretsService& secrets() noexcept { return secrets_; }
  // GetSecretValue by stage, and by version id too when `version_id` is given.
  core::SecretValue value_of(const std::string& secret_id, const char* stage,
                             const std::optional<std::string>& version_id = std::nullopt);

 private:
  // lambda_handler's check: false when the version is already AWSCURRENT (nothing to do).
  bool version_needs_step(const RotationEvent& event);
  void create_secret(const RotationEvent& event);
  void finish_secret(const RotationEvent& event);

  core::SecretsService& secrets_;
};

}  // namespace coffer::server::rotation
