#include "server/rpc/dispatcher.h"

#include <algorithm>

namespace coffer::server::rpc {

void Dispatcher::add(std::string method, Handler handler) {
  handlers_[std::move(method)] = std::move(handler);
}

const Dispatcher::Handler* Dispatcher::find(std::string_view method) const {
  auto it = handlers_.find(std::string(method));
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> Dispatcher::methods() const {
  std::vector<std::string> names;
  for (const auto& [name, handler] : handlers_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace coffer::server::rpc
