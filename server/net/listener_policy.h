// The rules every listener follows (rpc, AWS JSON, and whatever comes next): plaintext
// only on a loopback address, TLS 1.2 at least everywhere else, and thread entry points
// that log an escaping exception instead of ending the process.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;

namespace coffer::server::net {

// Throws Error(kValidation) naming `listener` when `tls` is off and `endpoint` is not a
// loopback address: requests carry plaintexts and secrets.
void require_tls_off_loopback(const boost::asio::ip::tcp::endpoint& endpoint, bool tls,
                              std::string_view listener);

// TLS 1.2 or later; TLS 1.3 is preferred by OpenSSL when both sides have it.
void set_minimum_tls_version(SSL_CTX* context, int version);

// io.run() until it returns normally. A handler that throws is logged and the loop goes
// on: one bad request must not stop the listener (or, through std::terminate, the process).
void run_io_guarded(boost::asio::io_context& io, std::string_view listener) noexcept;

}  // namespace coffer::server::net
