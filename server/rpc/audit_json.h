// An rpc message as the AWS JSON protocol would spell it, for the audit trail: snake_case
// fields become AWS member names (key_id -> KeyId), maps keep their keys as given, and bytes
// fields are left out (they are plaintexts, ciphertexts, signatures: never audited). The audit
// trail's whitelist (core/audit/audit_parameters.h) then keeps what may be recorded.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

namespace coffer::server::rpc {

nlohmann::json aws_members_of(const google::protobuf::Message& message);

// What the audit trail reads of the response of operation `aws_name`: all of it, or, for an
// answer that is data (core/audit/audit_parameters.h), only the key id and ARN it names.
nlohmann::json audit_members_of_response(std::string_view aws_name,
                                         const google::protobuf::Message& response);

}  // namespace coffer::server::rpc
