#include "server/net/byte_budget.h"

namespace coffer::server::net {

std::shared_ptr<ByteBudget::Reservation> ByteBudget::reserve(std::size_t bytes) {
  auto& used = state_->used;
  std::size_t current = used.load();
  do {
    if (current + bytes > state_->limit || current + bytes < current) return nullptr;
  } while (!used.compare_exchange_weak(current, current + bytes));
  // The release runs when the last copy of the reservation goes, on whatever thread.
  std::shared_ptr<void> token(nullptr, [state = state_, bytes](void*) { state->used -= bytes; });
  return std::make_shared<Reservation>(std::move(token));
}

}  // namespace coffer::server::net
