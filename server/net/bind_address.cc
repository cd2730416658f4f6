#include "server/net/bind_address.h"

#include <charconv>
#include <cstdint>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "common/error.h"

namespace coffer::server::net {
namespace {

[[noreturn]] void invalid(std::string_view text, std::string_view why) {
  throw Error(ErrorCode::kValidation,
              "bind address '" + std::string(text) + "': " + std::string(why));
}

}  // namespace

boost::asio::ip::tcp::endpoint parse_bind_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) invalid(text, "expected address:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    invalid(text, "an IPv6 address needs brackets, as in [::1]:9464");
  }
  if (host.empty()) invalid(text, "no address (use 0.0.0.0 or [::] for all interfaces)");

  std::uint16_t port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size()) {
    invalid(text, "port must be a number from 0 to 65535");
  }

  boost::system::error_code address_error;
  const auto address = boost::asio::ip::make_address(std::string(host), address_error);
  if (address_error) invalid(text, "not a numeric IP address");
  return {address, port};
}

}  // namespace coffer::server::net
