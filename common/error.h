// The one error type of the project. Every layer throws coffer::Error; every transport
// translates it (AWS JSON "__type", rpc error frame, OpenSSL error queue) and nothing else.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace coffer {

// Codes are AWS KMS / Secrets Manager exception names wherever AWS has one.
enum class ErrorCode {
  kValidation,               // ValidationException
  kNotFound,                 // NotFoundException
  kAlreadyExists,            // AlreadyExistsException
  kDisabled,                 // DisabledException
  kInvalidState,             // KMSInvalidStateException
  kInvalidKeyUsage,          // InvalidKeyUsageException
  kIncorrectKey,             // IncorrectKeyException
  kInvalidCiphertext,        // InvalidCiphertextException
  kInvalidArn,               // InvalidArnException
  kInvalidAliasName,         // InvalidAliasNameException
  kInvalidMarker,            // InvalidMarkerException
  kTag,                      // TagException
  kLimitExceeded,            // LimitExceededException
  kUnsupportedOperation,     // UnsupportedOperationException
  kInvalidSignature,         // KMSInvalidSignatureException
  kInvalidMac,               // KMSInvalidMacException
  kAccessDenied,             // AccessDeniedException
  kConflict,                 // ConflictException
  kUnknownOperation,         // UnknownOperationException: no such method / X-Amz-Target
  kSerialization,            // SerializationException: the request body does not parse
  kThrottling,               // ThrottlingException: the token or a queue is saturated
  kKeyUnavailable,           // KeyUnavailableException: the token cannot serve the key now
  kDependencyTimeout,        // DependencyTimeoutException
  kMalformedPolicyDocument,  // MalformedPolicyDocumentException
  kNotAuthorized,            // NotAuthorizedException: e.g. an alias under the reserved alias/aws/
  kInvalidGrantToken,        // InvalidGrantTokenException
  kInvalidGrantId,           // InvalidGrantIdException
  kDryRunOperation,          // DryRunOperationException: the request would have succeeded
  // Secrets Manager's own names (core/secrets).
  kResourceNotFound,      // ResourceNotFoundException
  kResourceExists,        // ResourceExistsException
  kInvalidParameter,      // InvalidParameterException
  kInvalidRequest,        // InvalidRequestException
  kInvalidNextToken,      // InvalidNextTokenException
  kDecryptionFailure,     // DecryptionFailure
  kEncryptionFailure,     // EncryptionFailure
  kPreconditionNotMet,    // PreconditionNotMetException
  kInternalServiceError,  // InternalServiceError (Secrets Manager's 500)
  kPublicPolicy,          // PublicPolicyException
  kInternal,              // KMSInternalException (keep last: error_code_named walks up to it)
};

// The AWS name and HTTP status for a code.
std::string_view error_name(ErrorCode code);
int error_http_status(ErrorCode code);
// The code for an AWS name (as a client receives it); nullopt for names Coffer never sends.
std::optional<ErrorCode> error_code_named(std::string_view name);

class Error;
// What a client may be told of an error. A failure inside the token carries the PKCS#11
// call and its CKR_ value: clients get AWS's generic text for the code instead, and the
// detail stays in the server's log.
std::string client_message(const Error& error);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message);
  // A failed PKCS#11 call: keeps the operation and the CKR_ value for logs and tests.
  Error(ErrorCode code, std::string message, std::string operation, unsigned long ckr);

  ErrorCode code() const noexcept { return code_; }
  std::string_view name() const noexcept { return error_name(code_); }
  int http_status() const noexcept { return error_http_status(code_); }
  // Empty unless the error came from a token call.
  const std::string& operation() const noexcept { return operation_; }
  unsigned long ckr() const noexcept { return ckr_; }
  bool from_token() const noexcept { return !operation_.empty(); }

 private:
  ErrorCode code_;
  std::string operation_;
  unsigned long ckr_ = 0;
};

}  // namespace coffer
