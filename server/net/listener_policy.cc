#include "server/net/listener_policy.h"

#include <openssl/ssl.h>

#include <string>

#include "common/error.h"
#include "common/log.h"

namespace coffer::server::net {

void require_tls_off_loopback(const boost::asio::ip::tcp::endpoint& endpoint, bool tls,
                              std::string_view listener) {
  if (tls || endpoint.address().is_loopback()) return;
  throw Error(ErrorCode::kValidation, std::string(listener) +
                                          " listener: plaintext is allowed only on a loopback "
                                          "address; configure TLS to listen on " +
                                          endpoint.address().to_string());
}

void set_minimum_tls_version(SSL_CTX* context, int version) {
  if (SSL_CTX_set_min_proto_version(context, version) != 1) {
    throw Error(ErrorCode::kInternal, "cannot set the minimum TLS version");
  }
}

void run_io_guarded(boost::asio::io_context& io, std::string_view listener) noexcept {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "handler_failed",
                {{"listener", std::string(listener)}, {"message", e.what()}});
    } catch (...) {
      log_event(LogLevel::kError, "handler_failed", {{"listener", std::string(listener)}});
    }
  }
}

}  // namespace coffer::server::net
