// A rotation function: what Secrets Manager calls four times per rotation (createSecret,
// setSecret, testSecret, finishSecret), each time with the secret's ARN and the new
// version's id. Lambda-style programs and Coffer's built-in rotators both implement it, so
// the rotation engine drives them alike.
#pragma once

#include <string>
#include <string_view>

namespace coffer::server::rotation {

enum class RotationStep { kCreateSecret, kSetSecret, kTestSecret, kFinishSecret };

// AWS's name of the step, as a Lambda receives it in "Step".
inline std::string_view step_name(RotationStep step) {
  switch (step) {
    case RotationStep::kCreateSecret:
      return "createSecret";
    case RotationStep::kSetSecret:
      return "setSecret";
    case RotationStep::kTestSecret:
      return "testSecret";
    case RotationStep::kFinishSecret:
      return "finishSecret";
  }
  return "unknown";
}

struct RotationEvent {
  std::string secret_id;             // the secret's ARN
  std::string client_request_token;  // the id of the version being rotated in
  RotationStep step;
};

// One rotation function: a Lambda-style program or a built-in rotator. invoke() throws
// coffer::Error (or std::exception) when the step fails.
class RotationFunction {
 public:
  virtual ~RotationFunction() = default;
  virtual void invoke(const RotationEvent& event) = 0;
};

}  // namespace coffer::server::rotation
