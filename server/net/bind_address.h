// Where an endpoint listens, from configuration text: "127.0.0.1:9464", "[::1]:9464",
// "0.0.0.0:0" (port 0: the kernel picks one).
#pragma once

#include <string_view>

#include <boost/asio/ip/tcp.hpp>

namespace coffer::server::net {

// Numeric addresses only: resolving names at start-up would make listening depend on DNS.
// Throws Error(kValidation) on anything else.
boost::asio::ip::tcp::endpoint parse_bind_address(std::string_view text);

}  // namespace coffer::server::net
