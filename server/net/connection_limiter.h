// Admission of new connections, shared by every listener: a cap on all connections and a
// smaller one per source address, so that one host cannot take every slot. A connection
// holds its Slot for as long as it lives.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace coffer::server::net {

class ConnectionLimiter {
  struct State;

 public:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_source);

  class Slot {
   public:
    Slot(std::shared_ptr<State> state, boost::asio::ip::address source);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    std::shared_ptr<State> state_;
    boost::asio::ip::address source_;
  };

  // A slot, or nullptr when either cap is reached (the caller closes the socket at once).
  [[nodiscard]] std::unique_ptr<Slot> admit(const boost::asio::ip::address& source);
  std::size_t total() const;
  std::size_t from(const boost::asio::ip::address& source) const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace coffer::server::net
