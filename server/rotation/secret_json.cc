#include "server/rotation/secret_json.h"

#include <cstdint>
#include <span>

#include "common/error.h"

namespace coffer::server::rotation {

void wipe(std::string& s) noexcept {
  // Growing to the capacity never reallocates, and makes the whole buffer ours to write.
  s.resize(s.capacity());
  secure_zero(s.data(), s.size());
  s.clear();
}

namespace {

void wipe_strings(Json& node) noexcept {
  if (node.is_string()) {
    wipe(node.get_ref<std::string&>());
  } else if (node.is_structured()) {
    for (auto& child : node) wipe_strings(child);
  }
}

}  // namespace

std::optional<SecretJson> SecretJson::parse_object(const SecretBytes& text) {
  const auto* begin = reinterpret_cast<const char*>(text.data());
  Json doc = Json::parse(begin, begin + text.size(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    wipe_strings(doc);
    return std::nullopt;
  }
  return SecretJson(std::move(doc));
}

SecretJson::~SecretJson() { wipe_strings(doc_); }

SecretJson& SecretJson::operator=(SecretJson&& other) noexcept {
  if (this != &other) {
    wipe_strings(doc_);
    doc_ = std::move(other.doc_);
  }
  return *this;
}

SecretBytes SecretJson::dump() const {
  std::string text;
  try {
    text = doc_.dump();
  } catch (const nlohmann::json::exception&) {
    wipe(text);
    throw Error(ErrorCode::kInternalServiceError, "The rotated secret could not be serialised");
  }
  SecretBytes out = secret_bytes_of(text);
  wipe(text);
  return out;
}

void SecretJson::replace_string(const char* field, std::string_view password) {
  std::string& value = doc_.at(field).get_ref<std::string&>();
  wipe(value);  // before assign: a reallocation would free the old password unwiped
  value.assign(password);
}

SecretBytes secret_bytes_of(std::string_view text) {
  return SecretBytes(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string_view text_of(const SecretBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace coffer::server::rotation
