// The client side of TLS: TLS 1.3 only, the server verified against a CA file (or the
// system store), an optional client certificate for mutual TLS.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "client/client_config.h"

namespace coffer::client {

// Throws coffer::Error (ValidationException) when a file cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const ClientConfig& config);

// Per connection: SNI for names, and the certificate must match `host` (DNS name or IP).
void expect_server_name(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream,
                        const std::string& host);

}  // namespace coffer::client
