#include "server/aws/sts_caller_identity.h"

namespace coffer::server::aws {
namespace {

// The form's parameters, split on '&'; values are compared as sent (no escapes in the ones we
// read).
bool has_parameter(std::string_view body, std::string_view parameter) {
  while (!body.empty()) {
    const auto end = body.find('&');
    if (body.substr(0, end) == parameter) return true;
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return false;
}

// The values are ARNs and ids Coffer made, but escape anyway: XML is built by hand here.
std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

bool is_sts_query(std::string_view target_header, std::string_view body) {
  return target_header.empty() && body.starts_with("Action=");
}

bool is_get_caller_identity(std::string_view body) {
  return has_parameter(body, "Action=GetCallerIdentity");
}

std::string caller_identity_xml(const std::string& arn, const std::string& user_id,
                                const std::string& account, const std::string& request_id) {
  return "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
         "  <GetCallerIdentityResult>\n"
         "    <Arn>" +
         xml_escaped(arn) +
         "</Arn>\n"
         "    <UserId>" +
         xml_escaped(user_id) +
         "</UserId>\n"
         "    <Account>" +
         xml_escaped(account) +
         "</Account>\n"
         "  </GetCallerIdentityResult>\n"
         "  <ResponseMetadata>\n"
         "    <RequestId>" +
         xml_escaped(request_id) +
         "</RequestId>\n"
         "  </ResponseMetadata>\n"
         "</GetCallerIdentityResponse>\n";
}

}  // namespace coffer::server::aws
