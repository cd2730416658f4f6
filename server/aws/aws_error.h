// Failures that only the AWS front end knows: authentication and protocol errors that
// have no coffer::ErrorCode (MissingAuthenticationTokenException and friends). Everything
// else reaches the wire as a coffer::Error, translated by name and status.
#pragma once

#include <stdexcept>
#include <string>

namespace coffer::server::aws {

class AwsError : public std::runtime_error {
 public:
  AwsError(std::string type, int http_status, std::string message)
      : std::runtime_error(std::move(message)), type_(std::move(type)), http_status_(http_status) {}
  const std::string& type() const noexcept { return type_; }
  int http_status() const noexcept { return http_status_; }

 private:
  std::string type_;
  int http_status_;
};

// AWS JSON services (KMS, DynamoDB) answer every authentication failure with 400.
inline AwsError missing_authentication_token(std::string message = "Missing Authentication Token") {
  return AwsError("MissingAuthenticationTokenException", 400, std::move(message));
}
inline AwsError incomplete_signature(std::string message) {
  return AwsError("IncompleteSignatureException", 400, std::move(message));
}
inline AwsError invalid_signature(std::string message) {
  return AwsError("InvalidSignatureException", 400, std::move(message));
}
inline AwsError unrecognized_client(
    std::string message = "The security token included in the request is invalid.") {
  return AwsError("UnrecognizedClientException", 400, std::move(message));
}

}  // namespace coffer::server::aws
