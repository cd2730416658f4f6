// One AWS JSON request, start to finish, without any networking: SigV4 verification,
// region selection, X-Amz-Target dispatch, JSON parsing, the KMS call, and the response
// or the error body. Authentication and execution are separate steps so the server can
// refuse a forged request on its network thread, before it costs a token worker anything.
#pragma once

#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/api/operations.h"
#include "server/audit/request_auditor.h"
#include "server/aws/aws_regions.h"
#include "server/aws/json_fields.h"
#include "server/aws/sigv4.h"
#include "server/quota/request_quotas.h"

namespace coffer::server::aws {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// What an in-memory cache alone says of an access key id (never the store, never the token).
struct CachedCredentials {
  enum class Known { kUnknown, kValid, kInvalid } known = Known::kUnknown;
  std::optional<Credentials> credentials;  // when kValid
};
using CachedLookup = std::function<CachedCredentials(const std::string& access_key_id)>;

class RequestHandler {
 public:
  using Now = std::function<std::chrono::system_clock::time_point()>;

  // `lookup` may read the store and the token (worker threads only); `cached` never blocks
  // (network threads). Without `cached`, every authentication needs a worker.
  RequestHandler(AwsRegions& regions, VerifierOptions options, SigV4Verifier::Lookup lookup,
                 Now now = {}, CachedLookup cached = {});

  // Verification and execution in one step (tests, fuzzing, the simple path).
  HttpResponse handle(const HttpRequest& request) const;

  struct Authentication {
    std::optional<Verified> verified;     // the request is authentic
    std::optional<HttpResponse> refusal;  // the answer to give instead
    // Neither set: only the store can tell (the cache does not know the access key id).
  };
  // With cached_only, never touches the store or the token. Never throws.
  Authentication authenticate(const HttpRequest& request, bool cached_only) const;
  // Runs an authenticated request. Never throws: every failure is an AWS error response.
  // `source_ip`: the peer's address, for the audit trail.
  HttpResponse execute(const HttpRequest& request, const Verified& verified,
                       const std::string& source_ip = "") const;

  // Every executed request, allowed or refused, is recorded by `auditor` (null: none). Set
  // before serving.
  void set_auditor(audit::RequestAuditor* auditor) { auditor_ = auditor; }

  // Decides, after validation and before the operation runs, whether the verified principal
  // may make this request; throws (AccessDeniedException) if not.
  using Authorizer = std::function<void(const Verified&, const core::api::OperationSpec&,
                                        const Json& request, RegionServices& services)>;
  void set_authorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }

  // Request quotas (null: none), checked once a request is validated, before it is authorized
  // or run. A request they refuse is answered ThrottlingException ("Rate exceeded") and not
  // recorded in the audit trail: it changed nothing, and a flood must not grow the trail.
  void set_quotas(quota::RequestQuotas* quotas) { quotas_ = quotas; }

  // The operation a request names, when this endpoint serves it (its worker lane).
  static const core::api::OperationSpec* operation_spec_of(const HttpRequest& request);

  // The operation a request names, when it is one this endpoint serves; "other" otherwise
  // (metrics must not grow a series per name a peer invents).
  static std::string operation_of(const HttpRequest& request);

  // The error answer AWS gives (also used by the server for throttling and limits). Never
  // throws: the message is made valid UTF-8 first.
  static HttpResponse error_response(unsigned version, bool keep_alive, const std::string& type,
                                     int status, std::string_view message) noexcept;

 private:
  // What execution learned, for the audit trail.
  struct Outcome {
    const core::api::OperationSpec* operation = nullptr;
    Json request;            // null unless the body parsed
    Json response;           // null unless the call succeeded
    bool throttled = false;  // refused by a request quota: not audited
  };
  // Throws ThrottlingException (and marks the outcome) when a quota refuses the request.
  void check_quota(const core::api::OperationSpec& operation, const Json& body,
                   const Verified& verified, const RegionServices& services,
                   Outcome& outcome) const;
  HttpResponse run(const HttpRequest& request, const Verified& verified,
                   const std::string& source_ip, Outcome& outcome) const;
  // Records the call; returns false when the record could not be written.
  bool audit(const HttpRequest& request, const Verified& verified, const std::string& source_ip,
             const Outcome& outcome, const HttpResponse& response,
             std::chrono::system_clock::time_point arrived) const;
  // STS GetCallerIdentity (server/aws/sts_caller_identity.h).
  HttpResponse caller_identity(const HttpRequest& request, const Verified& verified,
                               const RegionServices& services) const;
  AwsRegions& regions_;
  SigV4Verifier verifier_;
  Now now_;
  CachedLookup cached_;
  Authorizer authorizer_;
  audit::RequestAuditor* auditor_ = nullptr;
  quota::RequestQuotas* quotas_ = nullptr;
};

}  // namespace coffer::server::aws
