// A bound on the bytes of requests that wait for a worker or run on one, across every
// connection of every listener: without it, a queue of N requests of up to 1 MiB each
// holds N MiB that peers chose to send. A request that does not fit is throttled.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace coffer::server::net {

class ByteBudget {
 public:
  explicit ByteBudget(std::size_t limit) : state_(std::make_shared<State>(limit)) {}

  // Held by the request until its response is written; gives the bytes back when destroyed.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(std::shared_ptr<void> token) : token_(std::move(token)) {}

   private:
    std::shared_ptr<void> token_;
  };

  // Empty (nullptr) when `bytes` would exceed the limit.
  [[nodiscard]] std::shared_ptr<Reservation> reserve(std::size_t bytes);
  std::size_t in_use() const { return state_->used.load(); }
  std::size_t limit() const { return state_->limit; }

 private:
  struct State {
    explicit State(std::size_t l) : limit(l) {}
    const std::size_t limit;
    std::atomic<std::size_t> used{0};
  };
  std::shared_ptr<State> state_;
};

}  // namespace coffer::server::net
