// What lets error messages and logs quote a peer's bytes safely (issue 12, defect 1), and
// what keeps token internals out of client errors (defect 12).
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/utf8.h"

namespace coffer {
namespace {

TEST(Utf8, WellFormedTextIsValidAndEverythingElseIsNot) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91"));  // été € 🔑
  for (const char* bad : {"\xff", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "ok\x80", "\xF0\x9F\x94"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << quoted_excerpt(bad);
  }
}

TEST(Utf8, QuotedExcerptIsPrintableAsciiAndBounded) {
  EXPECT_EQ(quoted_excerpt("AWS4"), "AWS4");
  EXPECT_EQ(quoted_excerpt("a\xff\nb\\"), "a\\xFF\\x0Ab\\x5C");
  EXPECT_EQ(quoted_excerpt(std::string(100, 'x'), 8), "xxxxxxxx...");
  const std::string quoted = quoted_excerpt(std::string("\0\x1b[31m", 6));
  for (char c : quoted) EXPECT_TRUE(c >= 0x20 && c < 0x7f);
}

TEST(Utf8, ValidUtf8ReplacesOnlyTheBadBytes) {
  EXPECT_EQ(valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(valid_utf8("a\xffz"), "a\xEF\xBF\xBDz");
  EXPECT_TRUE(is_valid_utf8(valid_utf8("\xC3\x28\xE2\x82\xF0\x9F")));
}

TEST(ClientMessage, TokenFailuresAreNotShownToClients) {
  const Error from_token(ErrorCode::kInvalidCiphertext,
                         "C_Decrypt failed: CKR_ENCRYPTED_DATA_INVALID", "C_Decrypt", 0x40);
  const std::string message = client_message(from_token);
  EXPECT_EQ(message.find("CKR_"), std::string::npos) << message;
  EXPECT_EQ(message.find("C_Decrypt"), std::string::npos) << message;
  EXPECT_FALSE(message.empty());
  const Error internal(ErrorCode::kInternal, "C_GenerateKey failed: CKR_DEVICE_MEMORY",
                       "C_GenerateKey", 0x31);
  EXPECT_EQ(client_message(internal).find("CKR_"), std::string::npos);
  // Errors of Coffer's own are already written for clients.
  const Error own(ErrorCode::kNotFound, "Key 'x' does not exist");
  EXPECT_EQ(client_message(own), "Key 'x' does not exist");
}

}  // namespace
}  // namespace coffer
