// Passwords cross std::string on their way into JSON and into libpq. These helpers wipe
// every such buffer we own when it is done with. (nlohmann's parser keeps its own token
// buffer, which we cannot reach: that copy is freed unwiped.)
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/secret_bytes.h"

namespace coffer::server::rotation {

// Keeps the key order of the caller's document, as AWS's templates (Python dicts) do.
using Json = nlohmann::ordered_json;

// Overwrites the whole buffer of `s` (up to its capacity) and empties it.
void wipe(std::string& s) noexcept;

// A std::string that is wiped when it goes away: SQL text carrying a password, a copy of a
// password handed to libpq.
class WipedString {
 public:
  WipedString() = default;
  WipedString(const char* data, std::size_t size) : value_(data, size) {}
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  ~WipedString() { wipe(value_); }

  std::string& str() noexcept { return value_; }
  const std::string& str() const noexcept { return value_; }
  const char* c_str() const noexcept { return value_.c_str(); }

 private:
  std::string value_;
};

// A secret's JSON document. Every string value in it is wiped when it goes away.
class SecretJson {
 public:
  // The document when `text` is a JSON object; nullopt for anything else (a plain string
  // secret, a JSON array, text that does not parse).
  static std::optional<SecretJson> parse_object(const SecretBytes& text);

  SecretJson(SecretJson&&) noexcept = default;
  SecretJson& operator=(SecretJson&& other) noexcept;
  SecretJson(const SecretJson&) = delete;
  ~SecretJson();

  Json& doc() noexcept { return doc_; }
  const Json& doc() const noexcept { return doc_; }
  // The document serialised, as a SecretString; the intermediate text is wiped.
  SecretBytes dump() const;
  // Puts `password` in the string member `field`, wiping the old value in place.
  void replace_string(const char* field, std::string_view password);

 private:
  explicit SecretJson(Json doc) : doc_(std::move(doc)) {}
  Json doc_;
};

// Bytes of `text` as SecretBytes (SecretString values), and the reverse view.
SecretBytes secret_bytes_of(std::string_view text);
std::string_view text_of(const SecretBytes& bytes);

}  // namespace coffer::server::rotation
