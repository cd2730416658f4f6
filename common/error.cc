#include "common/error.h"

#include <utility>

namespace coffer {
namespace {

struct ErrorInfo {
  std::string_view name;
  int http_status;
};

ErrorInfo info(ErrorCode code) {
  switch (code) {
    case ErrorCode::kValidation:
      return {"ValidationException", 400};
    case ErrorCode::kNotFound:
      return {"NotFoundException", 400};
    case ErrorCode::kAlreadyExists:
      return {"AlreadyExistsException", 400};
    case ErrorCode::kDisabled:
      return {"DisabledException", 400};
    case ErrorCode::kInvalidState:
      return {"KMSInvalidStateException", 400};
    case ErrorCode::kInvalidKeyUsage:
      return {"InvalidKeyUsageException", 400};
    case ErrorCode::kIncorrectKey:
      return {"IncorrectKeyException", 400};
    case ErrorCode::kInvalidCiphertext:
      return {"InvalidCiphertextException", 400};
    case ErrorCode::kInvalidArn:
      return {"InvalidArnException", 400};
    case ErrorCode::kInvalidAliasName:
      return {"InvalidAliasNameException", 400};
    case ErrorCode::kInvalidMarker:
      return {"InvalidMarkerException", 400};
    case ErrorCode::kTag:
      return {"TagException", 400};
    case ErrorCode::kLimitExceeded:
      return {"LimitExceededException", 400};
    case ErrorCode::kUnsupportedOperation:
      return {"UnsupportedOperationException", 400};
    case ErrorCode::kInvalidSignature:
      return {"KMSInvalidSignatureException", 400};
    case ErrorCode::kInvalidMac:
      return {"KMSInvalidMacException", 400};
    case ErrorCode::kAccessDenied:
      return {"AccessDeniedException", 400};
    case ErrorCode::kConflict:
      return {"ConflictException", 400};
    case ErrorCode::kUnknownOperation:
      return {"UnknownOperationException", 400};
    case ErrorCode::kSerialization:
      return {"SerializationException", 400};
    case ErrorCode::kThrottling:
      return {"ThrottlingException", 400};
    case ErrorCode::kKeyUnavailable:
      return {"KeyUnavailableException", 500};
    case ErrorCode::kDependencyTimeout:
      return {"DependencyTimeoutException", 503};
    case ErrorCode::kMalformedPolicyDocument:
      return {"MalformedPolicyDocumentException", 400};
    case ErrorCode::kNotAuthorized:
      return {"NotAuthorizedException", 400};
    case ErrorCode::kInvalidGrantToken:
      return {"InvalidGrantTokenException", 400};
    case ErrorCode::kInvalidGrantId:
      return {"InvalidGrantIdException", 400};
    case ErrorCode::kDryRunOperation:
      return {"DryRunOperationException", 412};
    case ErrorCode::kResourceNotFound:
      return {"ResourceNotFoundException", 400};
    case ErrorCode::kResourceExists:
      return {"ResourceExistsException", 400};
    case ErrorCode::kInvalidParameter:
      return {"InvalidParameterException", 400};
    case ErrorCode::kInvalidRequest:
      return {"InvalidRequestException", 400};
    case ErrorCode::kInvalidNextToken:
      return {"InvalidNextTokenException", 400};
    case ErrorCode::kDecryptionFailure:
      return {"DecryptionFailure", 400};
    case ErrorCode::kEncryptionFailure:
      return {"EncryptionFailure", 400};
    case ErrorCode::kPreconditionNotMet:
      return {"PreconditionNotMetException", 400};
    case ErrorCode::kInternalServiceError:
      return {"InternalServiceError", 500};
    case ErrorCode::kPublicPolicy:
      return {"PublicPolicyException", 400};
    case ErrorCode::kInternal:
      return {"KMSInternalException", 500};
  }
  return {"KMSInternalException", 500};
}

}  // namespace

std::string_view error_name(ErrorCode code) { return info(code).name; }
int error_http_status(ErrorCode code) { return info(code).http_status; }

std::optional<ErrorCode> error_code_named(std::string_view name) {
  // kInternal is the last code.
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    auto code = static_cast<ErrorCode>(i);
    if (error_name(code) == name) return code;
  }
  return std::nullopt;
}

std::string client_message(const Error& error) {
  if (!error.from_token()) return error.what();
  // AWS's own wording where it has one.
  switch (error.code()) {
    case ErrorCode::kInvalidCiphertext:
      return "The ciphertext is invalid or was not made under this key and encryption context.";
    case ErrorCode::kInvalidSignature:
      return "The signature is not valid.";
    case ErrorCode::kInvalidKeyUsage:
      return "The key cannot be used for this operation.";
    case ErrorCode::kUnsupportedOperation:
      return "The token does not support this operation.";
    case ErrorCode::kThrottling:
      return "Rate exceeded";
    case ErrorCode::kKeyUnavailable:
      return "The request was rejected because the specified KMS key is not available. You can "
             "retry the request.";
    case ErrorCode::kValidation:
      return "The request was rejected by the key store: a parameter is not valid.";
    default:
      return "The request was rejected because an internal exception occurred. The request can be "
             "retried.";
  }
}

Error::Error(ErrorCode code, std::string message)
    : std::runtime_error(std::move(message)), code_(code) {}

Error::Error(ErrorCode code, std::string message, std::string operation, unsigned long ckr)
    : std::runtime_error(std::move(message)),
      code_(code),
      operation_(std::move(operation)),
      ckr_(ckr) {}

}  // namespace coffer
