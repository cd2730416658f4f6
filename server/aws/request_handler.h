// One AWS JSON request, start to finish, without any networking: SigV4 verification,
// region selection, X-Amz-Target dispatch, JSON parsing, the KMS call, and the response
// or the error body. Runs on a worker thread (it may call the token).
#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>

#include "server/aws/aws_regions.h"
#include "server/aws/sigv4.h"

namespace coffer::server::aws {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

class RequestHandler {
 public:
  using Now = std::function<std::chrono::system_clock::time_point()>;

  RequestHandler(AwsRegions& regions, VerifierOptions options, SigV4Verifier::Lookup lookup,
                 Now now = {});

  HttpResponse handle(const HttpRequest& request) const;

  // The error answer AWS gives (also used by the server for throttling).
  static HttpResponse error_response(unsigned version, bool keep_alive, const std::string& type,
                                     int status, const std::string& message);

 private:
  AwsRegions& regions_;
  SigV4Verifier verifier_;
  Now now_;
};

}  // namespace coffer::server::aws
