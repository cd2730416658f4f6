#include "client/methods.h"

#include <vector>

namespace coffer::client::method {

std::span<const std::string_view> all() {
  static const std::vector<std::string_view> methods = [] {
    std::vector<std::string_view> out;
    for (const auto& op : core::api::all_operations())
      if (!op.rpc_method.empty()) out.push_back(op.rpc_method);
    return out;
  }();
  return methods;
}

bool is_idempotent(std::string_view method) {
  const auto* op = core::api::find_rpc(method);
  return op && op->idempotent;
}

}  // namespace coffer::client::method
