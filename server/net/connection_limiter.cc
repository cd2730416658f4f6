#include "server/net/connection_limiter.h"

namespace coffer::server::net {

struct ConnectionLimiter::State {
  std::size_t max_total;
  std::size_t max_per_source;
  mutable std::mutex mutex;
  std::size_t total = 0;
  std::map<boost::asio::ip::address, std::size_t> per_source;  // only sources with connections
};

ConnectionLimiter::ConnectionLimiter(std::size_t max_total, std::size_t max_per_source)
    : state_(std::make_shared<State>()) {
  state_->max_total = max_total;
  state_->max_per_source = max_per_source == 0 ? max_total : max_per_source;
}

ConnectionLimiter::Slot::Slot(std::shared_ptr<State> state, boost::asio::ip::address source)
    : state_(std::move(state)), source_(std::move(source)) {}

ConnectionLimiter::Slot::~Slot() {
  std::lock_guard lock(state_->mutex);
  --state_->total;
  auto it = state_->per_source.find(source_);
  if (it != state_->per_source.end() && --it->second == 0) state_->per_source.erase(it);
}

std::unique_ptr<ConnectionLimiter::Slot> ConnectionLimiter::admit(
    const boost::asio::ip::address& source) {
  // IPv4-mapped IPv6 addresses count as the IPv4 host they are.
  auto key = source;
  if (key.is_v6() && key.to_v6().is_v4_mapped()) {
    key = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, key.to_v6());
  }
  std::lock_guard lock(state_->mutex);
  if (state_->total >= state_->max_total) return nullptr;
  auto& count = state_->per_source[key];
  if (count >= state_->max_per_source) {
    if (count == 0) state_->per_source.erase(key);
    return nullptr;
  }
  ++count;
  ++state_->total;
  return std::make_unique<Slot>(state_, key);
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(state_->mutex);
  return state_->total;
}

std::size_t ConnectionLimiter::from(const boost::asio::ip::address& source) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->per_source.find(source);
  return it == state_->per_source.end() ? 0 : it->second;
}

}  // namespace coffer::server::net
