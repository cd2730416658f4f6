// What of a request and of its response may enter the audit trail. The rule is a whitelist:
// a member is kept only when it is named below with the shape it must have; everything else
// (plaintexts, ciphertexts, secret values, signatures, MACs, key material, import tokens,
// policies, client request tokens, and any member this table does not know) is dropped.
// Kept members take CloudTrail's lowerCamelCase names ("KeyId" becomes "keyId").
//
// Both functions take the request or response as the AWS JSON protocol spells it (the rpc
// front end converts its messages to the same member names first), and return null when
// nothing is kept, as CloudTrail writes "requestParameters": null.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace coffer::core::audit {

// Also adds what CloudTrail always shows even when the request left it out: the
// SYMMETRIC_DEFAULT encryption algorithm of Encrypt, Decrypt and ReEncrypt.
nlohmann::json audit_request_parameters(std::string_view event_name,
                                        const nlohmann::json& request_body);

// CloudTrail writes "responseElements": null for the cryptographic operations and for
// GetSecretValue: their answers are data, and the key they used is in "resources".
bool answer_is_data(std::string_view event_name);

// Only identifiers: KeyId, KeyMetadata.{KeyId,Arn,KeyState}, ARN, Name, VersionId, GrantId;
// null for the cryptographic operations and GetSecretValue, as CloudTrail writes them.
nlohmann::json audit_response_elements(std::string_view event_name,
                                       const nlohmann::json& response_body);

}  // namespace coffer::core::audit
