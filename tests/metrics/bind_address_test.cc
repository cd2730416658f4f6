#include "server/net/bind_address.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "tests/support/error_matchers.h"

namespace coffer::server::net {
namespace {

using coffer::testing::ThrowsError;

TEST(BindAddress, ParsesIpv4AndBracketedIpv6) {
  const auto v4 = parse_bind_address("127.0.0.1:9464");
  EXPECT_EQ(v4.address().to_string(), "127.0.0.1");
  EXPECT_EQ(v4.port(), 9464);
  const auto v6 = parse_bind_address("[::1]:0");
  EXPECT_TRUE(v6.address().is_v6());
  EXPECT_EQ(v6.port(), 0);
  EXPECT_EQ(parse_bind_address("0.0.0.0:65535").port(), 65535);
}

TEST(BindAddress, RefusesAnythingElse) {
  for (const char* text :
       {"", "127.0.0.1", "127.0.0.1:", ":9464", "::1:9464", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:+80", "127.0.0.1:80x", "localhost:9464", "[::1:9464", "300.0.0.1:1"}) {
    EXPECT_THAT([&] { parse_bind_address(text); }, ThrowsError(ErrorCode::kValidation))
        << "'" << text << "'";
  }
}

}  // namespace
}  // namespace coffer::server::net
