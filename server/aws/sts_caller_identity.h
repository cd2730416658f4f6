// STS GetCallerIdentity on the AWS endpoint, so that `aws sts get-caller-identity
// --endpoint-url ...` (and every SDK's equivalent) says which principal an access key is:
// the same ARN policies name. STS speaks the AWS query protocol: a form-encoded POST
// ("Action=GetCallerIdentity&Version=2011-06-15") signed for the service "sts", answered in XML.
#pragma once

#include <string>
#include <string_view>

namespace coffer::server::aws {

// Whether a request without X-Amz-Target is an STS query-protocol call (signed for "sts").
bool is_sts_query(std::string_view target_header, std::string_view body);
// Whether the query asks for GetCallerIdentity (any other STS action is refused).
bool is_get_caller_identity(std::string_view body);

std::string caller_identity_xml(const std::string& arn, const std::string& user_id,
                                const std::string& account, const std::string& request_id);

}  // namespace coffer::server::aws
