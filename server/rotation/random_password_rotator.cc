// coffer:rotator:random-password: rotation for secrets that only a password is: a plain
// SecretString becomes the new password; a JSON object gets a new "password" member and
// keeps the rest. Nothing outside Coffer is told, so setSecret and testSecret do nothing.
#include <memory>

#include "common/error.h"
#include "server/rotation/builtin_rotator_factories.h"
#include "server/rotation/rotator_template.h"
#include "server/rotation/secret_json.h"

namespace coffer::server::rotation {

namespace {

class RandomPasswordRotator final : public RotatorTemplate {
 public:
  using RotatorTemplate::RotatorTemplate;

 protected:
  core::SecretValue pending_value(const core::SecretValue& current,
                                  const SecretBytes& password) override {
    if (!current.string) {
      throw Error(ErrorCode::kInvalidRequest,
                  "The random-password rotator rotates SecretString values only");
    }
    core::SecretValue pending;
    std::optional<SecretJson> json = SecretJson::parse_object(*current.string);
    if (!json) {
      pending.string = password;
      return pending;
    }
    // A JSON object without a password member is not ours to replace wholesale.
    const auto field = json->doc().find("password");
    if (field == json->doc().end() || !field->is_string()) {
      throw Error(ErrorCode::kInvalidRequest,
                  "The secret is a JSON object without a string \"password\" member");
    }
    json->replace_string("password", text_of(password));
    pending.string = json->dump();
    return pending;
  }
  void set_secret(const RotationEvent&) override {}
  void test_secret(const RotationEvent&) override {}
};

}  // namespace

std::unique_ptr<RotationFunction> make_random_password_rotator(core::SecretsService& secrets) {
  return std::make_unique<RandomPasswordRotator>(secrets);
}

}  // namespace coffer::server::rotation
