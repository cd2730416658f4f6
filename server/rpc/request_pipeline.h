// What the rpc server does with one RequestFrame, without sockets: authenticate (from the
// cache on the network thread when it can, else on the small authentication pool), check
// the deadline, find the method, run it on a worker, and turn every failure into an error
// frame. The server and fuzz_rpc_dispatch drive the same code.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/v1/frame.pb.h"
#include "server/audit/request_auditor.h"
#include "server/rpc/dispatcher.h"

namespace coffer::server::rpc {

// "AKID:SECRET" -> principal, or nullopt. Called on a worker thread (it may use the token).
using Authenticator = std::function<std::optional<std::string>(std::string_view api_key)>;

// What an in-memory cache alone says of an api_key (never the store or the token).
struct CachedAuthentication {
  enum class Known { kUnknown, kValid, kInvalid } known = Known::kUnknown;
  std::string principal;  // when kValid
};
using CachedAuthenticator = std::function<CachedAuthentication(std::string_view api_key)>;

// What a connection knows of its peer. The api_key is sent once and remembered; it is
// checked again on every request (through the cache), so a revoked key stops working on
// open connections.
struct PeerIdentity {
  std::string certificate_principal;  // mutual TLS
  std::string api_key;                // wiped by the owner
  bool authenticated = false;         // some request on this connection was authentic
};

class RequestPipeline {
 public:
  RequestPipeline(const Dispatcher& dispatcher, Authenticator authenticate,
                  CachedAuthenticator cached, bool allow_unauthenticated);

  // The next step for a request.
  struct Step {
    enum class Kind { kAnswer, kAuthenticate, kExecute } kind = Kind::kAnswer;
    v1::ResponseFrame answer;   // kAnswer
    std::string principal;      // kExecute
    std::string access_key_id;  // kExecute: the key that authenticated it (none: certificate)
    std::string api_key;        // kAuthenticate: what the pool must check
  };

  // Network thread: never blocks, never throws.
  Step admit(const v1::RequestFrame& request, PeerIdentity& peer) const;
  // Authentication pool: the store and the token may be used. Never throws.
  Step authenticate(const v1::RequestFrame& request, const std::string& api_key) const;
  // Worker: runs an admitted request. Never throws.
  struct Caller {
    std::string principal;
    std::string access_key_id;  // empty for a client certificate
    std::string source_ip;
  };
  v1::ResponseFrame execute(const v1::RequestFrame& request, const Caller& caller) const;
  // The same, for a server that writes audit records in batches: a request that changed
  // something is on disk before this returns; the record of any other comes back with its
  // response, for write_audit_records before the response is sent (a SIGKILL after the
  // answer then loses nothing, and answers sent together cost one write).
  struct Executed {
    v1::ResponseFrame response;
    // Empty, or the record to add to the PreparedRecords written before the response; it
    // lives in a buffer of the thread, until the thread's next execute_deferring_audit.
    std::string_view audit_record;
  };
  Executed execute_deferring_audit(const v1::RequestFrame& request, const Caller& caller) const;
  // Writes the records and empties `records`. Throws Error(kInternal) when they were not
  // written: their answers must not be sent.
  void write_audit_records(core::audit::PreparedRecords& records) const;
  v1::ResponseFrame execute(const v1::RequestFrame& request, const std::string& principal) const {
    return execute(request, Caller{principal, "", ""});
  }

  // Every executed request, allowed or refused, is recorded by `auditor` (null: none) as a
  // call to `region` of `account_id`. Set before serving.
  void set_auditor(audit::RequestAuditor* auditor, std::string region, std::string account_id);
  // Request quotas, checked on every validated request before its handler (empty: none). A
  // request they refuse is answered ThrottlingException and not recorded in the audit trail:
  // it changed nothing, and a flood must not grow the trail. Set before serving.
  void set_quota_check(QuotaCheck check) { quota_check_ = std::move(check); }

  // The method for metrics: a served one, or "other" (peers must not create series).
  std::string method_label(const v1::RequestFrame& request) const;

  static v1::ResponseFrame error_frame(std::uint64_t id, ErrorCode code, std::string_view message);
  // The code of a response for metrics: "OK" or the exception name.
  static std::string_view result_code(const v1::ResponseFrame& response);

 private:
  // After authentication: the checks that need no worker (deadline, method). `api_key` is
  // the key that authenticated the request (empty for a certificate or anonymous).
  Step admitted(const v1::RequestFrame& request, std::string principal,
                std::string_view api_key = {}) const;

  v1::ResponseFrame run(const v1::RequestFrame& request, const Caller& caller,
                        AuditCapture* capture) const;
  Executed execute_audited(const v1::RequestFrame& request, const Caller& caller, bool defer) const;

  const Dispatcher& dispatcher_;
  audit::RequestAuditor* auditor_ = nullptr;
  std::string region_, account_id_;
  Authenticator authenticate_;
  CachedAuthenticator cached_;
  QuotaCheck quota_check_;
  bool allow_unauthenticated_;
};

// True when the protobuf Timestamp lies before `now`. Any seconds value is safe: there is
// no conversion to nanoseconds that could overflow.
bool deadline_passed(std::int64_t seconds, std::int32_t nanos,
                     std::chrono::system_clock::time_point now);

}  // namespace coffer::server::rpc
