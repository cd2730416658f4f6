// A rotation function written for AWS Lambda, run on this machine: RotationLambdaARN
// arn:aws:lambda:REGION:ACCOUNT:function:NAME resolves to DIR/NAME (an executable: the event
// as JSON on stdin, exit 0 for success) or DIR/NAME.py (a Python module whose
// lambda_handler(event, context) runs unchanged). Each step is one process with the event
// AWS sends ({"SecretId", "ClientRequestToken", "Step"}), the given environment (endpoint
// and credential), a deadline, and its output captured for the log.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/rotation/rotation_function.h"

namespace coffer::server::rotation {

struct LambdaLocation {
  std::vector<std::string> command;  // program and arguments before the event
  std::string name;
};

// nullopt when `lambda_arn` is not a Lambda function ARN whose function is in `dir`.
// A NAME outside [A-Za-z0-9_-]{1,64} (AWS's rule) never names a file.
std::optional<LambdaLocation> find_lambda(const std::string& dir, const std::string& lambda_arn,
                                          const std::string& python);

class LambdaFunction final : public RotationFunction {
 public:
  LambdaFunction(LambdaLocation location, std::vector<std::string> environment,
                 std::chrono::milliseconds step_timeout);
  void invoke(const RotationEvent& event) override;

 private:
  LambdaLocation location_;
  std::vector<std::string> environment_;
  std::chrono::milliseconds step_timeout_;
};

}  // namespace coffer::server::rotation
