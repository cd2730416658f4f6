#include "server/rotation/postgres_secret.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/error.h"

namespace coffer::server::rotation {

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidRequest, message);
}

// A string member libpq can take: no NUL (C strings would cut it short).
std::optional<std::string> string_member(const Json& doc, const char* name,
                                         const std::string& what) {
  const auto member = doc.find(name);
  if (member == doc.end() || member->is_null()) return std::nullopt;
  if (!member->is_string()) invalid(std::string(name) + " must be a string in " + what);
  const std::string& value = member->get_ref<const std::string&>();
  if (value.find('\0') != std::string::npos) {
    invalid(std::string(name) + " must not contain NUL in " + what);
  }
  return value;
}

std::string required_member(const Json& doc, const char* name, const std::string& what) {
  std::optional<std::string> value = string_member(doc, name, what);
  if (!value || value->empty()) invalid(std::string(name) + " key is missing from " + what);
  return std::move(*value);
}

std::string port_of(const Json& doc, const std::string& what) {
  const auto member = doc.find("port");
  if (member == doc.end() || member->is_null()) return "5432";
  long port = 0;
  if (member->is_number_integer()) {
    port = member->get<long>();
  } else if (member->is_string()) {
    const std::string& text = member->get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size()) port = 0;
  }
  if (port < 1 || port > 65535) invalid("port must be a number from 1 to 65535 in " + what);
  return std::to_string(port);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// libpq's "sslmode" when the secret names one; else AWS's "ssl": true asks for a verified
// TLS connection, false for none; absent (or any other value) tries TLS and falls back,
// which is libpq's "prefer".
std::string sslmode_of(const Json& doc, const std::string& what) {
  if (std::optional<std::string> mode = string_member(doc, "sslmode", what)) {
    static constexpr std::array<std::string_view, 6> kModes = {
        "disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    if (std::find(kModes.begin(), kModes.end(), *mode) == kModes.end()) {
      invalid(
          "sslmode must be one of disable, allow, prefer, require, verify-ca, "
          "verify-full in " +
          what);
    }
    return *mode;
  }
  const auto ssl = doc.find("ssl");
  if (ssl == doc.end()) return "prefer";
  if (ssl->is_boolean()) return ssl->get<bool>() ? "verify-full" : "disable";
  if (ssl->is_string()) {
    const std::string value = lower(ssl->get<std::string>());
    if (value == "true") return "verify-full";
    if (value == "false") return "disable";
  }
  return "prefer";
}

}  // namespace

const std::string& PostgresSecret::password() const {
  return json.doc().at("password").get_ref<const std::string&>();
}

PostgresSecret parse_postgres_secret(const core::SecretValue& value, const std::string& what) {
  if (!value.string) invalid(what + " has no SecretString");
  std::optional<SecretJson> json = SecretJson::parse_object(*value.string);
  if (!json) invalid(what + " is not a JSON object");
  PostgresSecret secret(std::move(*json));
  const Json& parsed = secret.json.doc();
  secret.host = required_member(parsed, "host", what);
  // A host starting with '/' or '@' is a Unix socket on cofferd's own machine, not a
  // database server a secret may send its password to.
  if (secret.host.front() == '/' || secret.host.front() == '@') {
    invalid("host must be a host name or address in " + what);
  }
  secret.username = required_member(parsed, "username", what);
  // Checked in place: a copy of the password would be one more buffer to wipe.
  const auto password = parsed.find("password");
  if (password == parsed.end() || !password->is_string() ||
      password->get_ref<const std::string&>().empty()) {
    invalid("password key is missing from " + what);
  }
  if (password->get_ref<const std::string&>().find('\0') != std::string::npos) {
    invalid("password must not contain NUL in " + what);
  }
  const std::string engine = required_member(parsed, "engine", what);
  if (engine != "postgres" && engine != "aurora-postgresql") {
    invalid("Database engine must be set to 'postgres' in order to use this rotator (" + what +
            ")");
  }
  secret.port = port_of(parsed, what);
  secret.dbname = string_member(parsed, "dbname", what);
  secret.masterarn = string_member(parsed, "masterarn", what);
  secret.sslmode = sslmode_of(parsed, what);
  return secret;
}

core::SecretValue postgres_pending_value(const core::SecretValue& current,
                                         const SecretBytes& password,
                                         const std::optional<std::string>& username) {
  PostgresSecret secret = parse_postgres_secret(current, "the AWSCURRENT version");
  if (username) secret.json.doc()["username"] = *username;
  secret.json.replace_string("password", text_of(password));
  core::SecretValue pending;
  pending.string = secret.json.dump();
  return pending;
}

std::string alternate_username(const std::string& username) {
  static constexpr std::string_view kCloneSuffix = "_clone";
  if (username.size() > kCloneSuffix.size() && username.ends_with(kCloneSuffix)) {
    return username.substr(0, username.size() - kCloneSuffix.size());
  }
  std::string clone = username + std::string(kCloneSuffix);
  if (clone.size() > 63) {
    invalid(
        "Unable to clone user, username length with _clone appended would exceed 63 "
        "characters");
  }
  return clone;
}

}  // namespace coffer::server::rotation
