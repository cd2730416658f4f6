// Method name -> handler. Handlers parse their request message, call core, and return the
// serialized response; errors are coffer::Error, translated to ErrorDetail by the server.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

namespace coffer::server {

struct RequestContext {
  std::string principal;
  std::string method;
};

class Dispatcher {
 public:
  using Handler = std::function<std::string(const RequestContext&, const std::string& payload)>;

  void add(std::string method, Handler handler);
  // Typed registration: Fn is (const RequestContext&, const Request&) -> Response.
  template <class Request, class Response, class Fn>
  void add_typed(std::string method, Fn fn) {
    add(std::move(method), [fn = std::move(fn)](const RequestContext& context, const std::string& payload) {
      Request request;
      if (!request.ParseFromString(payload)) {
        throw Error(ErrorCode::kSerialization, "payload does not parse as " + request.GetTypeName());
      }
      Response response = fn(context, request);
      return response.SerializeAsString();
    });
  }

  // nullptr for an unknown method.
  const Handler* find(std::string_view method) const;
  std::vector<std::string> methods() const;

 private:
  std::unordered_map<std::string, Handler> handlers_;
};

}  // namespace coffer::server
