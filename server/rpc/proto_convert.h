// core types <-> coffer.v1 messages.
#pragma once

#include <google/protobuf/map.h>
#include <google/protobuf/timestamp.pb.h>

#include "coffer/v1/keys.pb.h"
#include "core/model/kms_types.h"

namespace coffer::server::rpc {

void to_proto(core::Timestamp t, google::protobuf::Timestamp* out);
void to_proto(const core::KeyMetadata& m, v1::KeyMetadata* out);
core::EncryptionContext from_proto(const google::protobuf::Map<std::string, std::string>& map);
std::vector<core::Tag> from_proto(const google::protobuf::RepeatedPtrField<v1::Tag>& tags);
core::Page page_of(bool has_limit, int limit, bool has_marker, const std::string& marker);

template <class Request>
core::Page page_from(const Request& r) {
  return page_of(r.has_limit(), r.limit(), r.has_marker(), r.marker());
}

inline std::optional<std::string> optional_of(bool present, const std::string& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}
inline std::optional<int> optional_of(bool present, int value) {
  return present ? std::optional<int>(value) : std::nullopt;
}
inline std::optional<bool> optional_of(bool present, bool value) {
  return present ? std::optional<bool>(value) : std::nullopt;
}

// Protobuf `bytes` fields are std::string.
inline std::string bytes_of(const SecretBytes& s) {
  return std::string(s.data(), s.data() + s.size());
}
inline std::string bytes_of(const core::Bytes& b) { return std::string(b.begin(), b.end()); }
inline std::span<const std::uint8_t> span_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace coffer::server::rpc
