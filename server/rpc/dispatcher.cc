#include "server/rpc/dispatcher.h"

#include <algorithm>

#include "server/quota/quota_key.h"

namespace coffer::server::rpc {

void Dispatcher::add(std::string method, Handler handler) {
  handlers_[std::move(method)] = std::move(handler);
}

const Dispatcher::Handler* Dispatcher::find(std::string_view method) const {
  auto it = handlers_.find(std::string(method));
  return it == handlers_.end() ? nullptr : &it->second;
}

Dispatcher::QuotaKeyFields Dispatcher::quota_key_fields(
    const core::api::OperationSpec& spec, const google::protobuf::Descriptor& message) {
  QuotaKeyFields fields;
  const auto member = quota::key_member(spec);
  if (!member.empty()) fields.key = message.FindFieldByName(proto_field_name(member));
  if (spec.member("CiphertextBlob"))
    fields.ciphertext = message.FindFieldByName(proto_field_name("CiphertextBlob"));
  return fields;
}

void Dispatcher::check_quota(const RequestContext& context, const core::api::OperationSpec& spec,
                             const QuotaKeyFields& fields,
                             const google::protobuf::Message& request) {
  const auto* reflection = request.GetReflection();
  std::string scratch_key, scratch_blob;
  std::string_view key;
  std::span<const std::uint8_t> blob;
  if (fields.key && !fields.key->is_repeated())
    key = reflection->GetStringReference(request, fields.key, &scratch_key);
  if (fields.ciphertext && !fields.ciphertext->is_repeated() && key.empty()) {
    const std::string& bytes =
        reflection->GetStringReference(request, fields.ciphertext, &scratch_blob);
    blob = {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
  }
  (*context.quota)(context, spec, key, blob);
}

std::vector<std::string> Dispatcher::methods() const {
  std::vector<std::string> names;
  for (const auto& [name, handler] : handlers_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace coffer::server::rpc
