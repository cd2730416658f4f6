#include "core/api/operations.h"

#include <unordered_map>

namespace coffer::core::api {
namespace {

#include "core/api/identity_schema.inc"
#include "core/api/kms_schema.inc"
#include "core/api/secrets_schema.inc"

constexpr std::array<OperationSpec, kOperationCount> kOperations{{
#define COFFER_OPERATION_SPEC(name, rpc, idempotent, mutates) \
  {Operation::k##name, Service::kKms, #name, rpc, idempotent, mutates, kMembers##name},
    COFFER_KMS_OPERATIONS(COFFER_OPERATION_SPEC)
#undef COFFER_OPERATION_SPEC
#define COFFER_SECRETS_SPEC(id, aws, rpc, idempotent, mutates) \
  {Operation::k##id, Service::kSecretsManager, aws, rpc, idempotent, mutates, kMembers##id},
        COFFER_SECRETS_OPERATIONS(COFFER_SECRETS_SPEC)
#undef COFFER_SECRETS_SPEC
#define COFFER_IDENTITY_SPEC(name, service, rpc, idempotent, mutates) \
  {Operation::k##name, Service::service, #name, rpc, idempotent, mutates, kMembers##name},
            COFFER_IDENTITY_OPERATIONS(COFFER_IDENTITY_SPEC)
#undef COFFER_IDENTITY_SPEC
}};

}  // namespace

const Member* OperationSpec::member(std::string_view name) const {
  for (const auto& m : members)
    if (m.name == name) return &m;
  return nullptr;
}

std::span<const OperationSpec> all_operations() { return kOperations; }

const OperationSpec& spec(Operation operation) {
  return kOperations[static_cast<std::size_t>(operation)];
}

const OperationSpec* find_aws(Service service, std::string_view aws_name) {
  for (const auto& op : kOperations)
    if (op.service == service && op.aws_name == aws_name) return &op;
  return nullptr;
}

const OperationSpec* find_rpc(std::string_view rpc_method) {
  // Every rpc request asks (its worker lane, its audit record): a hash lookup, not a scan.
  static const std::unordered_map<std::string_view, const OperationSpec*> by_method = [] {
    std::unordered_map<std::string_view, const OperationSpec*> map;
    for (const auto& op : kOperations)
      if (!op.rpc_method.empty()) map.emplace(op.rpc_method, &op);
    return map;
  }();
  auto it = by_method.find(rpc_method);
  return it == by_method.end() ? nullptr : it->second;
}

}  // namespace coffer::core::api
