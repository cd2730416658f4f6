// An rpc message as the AWS JSON protocol would spell it, for the audit trail: snake_case
// fields become AWS member names (key_id -> KeyId), maps keep their keys as given, and bytes
// fields are left out (they are plaintexts, ciphertexts, signatures: never audited). The audit
// trail's whitelist (core/audit/audit_parameters.h) then keeps what may be recorded.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

namespace coffer::server::rpc {

nlohmann::json aws_members_of(const google::protobuf::Message& message);

}  // namespace coffer::server::rpc
