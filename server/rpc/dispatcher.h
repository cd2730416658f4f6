// Method name -> handler: the rpc codec of each operation in core/api's table. A typed handler
// receives its request message parsed and validated against the operation's members (the
// same validator and messages as the AWS endpoint), calls core, and returns its response;
// errors are coffer::Error, translated to ErrorDetail by the server.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "core/api/operations.h"
#include "core/api/validation.h"
#include "server/rpc/audit_json.h"
#include "server/rpc/proto_members.h"

namespace coffer::server::rpc {

// What a typed handler leaves for the audit trail when the pipeline asks for it: the request
// and response in AWS member names (server/rpc/audit_json.h), without bytes or secret strings.
struct AuditCapture {
  nlohmann::json request;   // null until the payload parsed
  nlohmann::json response;  // null unless the call succeeded
};

struct RequestContext;
// Request quotas (server/quota): called with a request once it is validated and before its
// handler runs, with the key it names (its key member's value, and its CiphertextBlob);
// throws ThrottlingException when a quota refuses it.
using QuotaCheck =
    std::function<void(const RequestContext&, const core::api::OperationSpec&,
                       std::string_view key_reference, std::span<const std::uint8_t> ciphertext)>;

struct RequestContext {
  std::string principal;
  std::string method;
  AuditCapture* audit = nullptr;      // null: not audited
  const QuotaCheck* quota = nullptr;  // null: no quotas
};

class Dispatcher {
 public:
  using Handler = std::function<std::string(const RequestContext&, const std::string& payload)>;

  void add(std::string method, Handler handler);
  // Typed registration of an operation of the table, under its rpc method: Fn is
  // (const RequestContext&, const Request&) -> Response.
  template <class Request, class Response, class Fn>
  void add_typed(core::api::Operation operation, Fn fn) {
    const auto& spec = core::api::spec(operation);
    // The field of each member, found once: requests only read through reflection.
    auto fields = member_fields(spec, *Request::descriptor());
    const auto quota_fields = quota_key_fields(spec, *Request::descriptor());
    add(std::string(spec.rpc_method),
        [&spec, fields = std::move(fields), quota_fields, fn = std::move(fn)](
            const RequestContext& context, const std::string& payload) {
          Request request;
          if (!request.ParseFromString(payload)) {
            throw Error(ErrorCode::kSerialization,
                        "payload does not parse as " + request.GetTypeName());
          }
          core::api::validate_request(spec, [&](const core::api::Member& m) {
            return member_value(request, fields[static_cast<std::size_t>(&m - spec.members.data())],
                                m.required);
          });
          if (context.quota) check_quota(context, spec, quota_fields, request);
          if (context.audit) context.audit->request = aws_members_of(request);
          Response response = fn(context, request);
          if (context.audit)
            context.audit->response = audit_members_of_response(spec.aws_name, response);
          return response.SerializeAsString();
        });
  }

  // nullptr for an unknown method.
  const Handler* find(std::string_view method) const;
  std::vector<std::string> methods() const;

 private:
  // The fields holding the key a request names and its ciphertext (null: none).
  struct QuotaKeyFields {
    const google::protobuf::FieldDescriptor* key = nullptr;
    const google::protobuf::FieldDescriptor* ciphertext = nullptr;
  };
  static QuotaKeyFields quota_key_fields(const core::api::OperationSpec& spec,
                                         const google::protobuf::Descriptor& message);
  static void check_quota(const RequestContext& context, const core::api::OperationSpec& spec,
                          const QuotaKeyFields& fields, const google::protobuf::Message& request);

  std::unordered_map<std::string, Handler> handlers_;
};

}  // namespace coffer::server::rpc
