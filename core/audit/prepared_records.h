// Records serialized and checked, ready to be appended together (AuditLog::append_prepared):
// one buffer of record bodies and where each ends. A front end that writes the records of
// several answers at once keeps one of these per connection and reuses it, so that a record
// costs no allocation once the buffers have grown (a batch's strings, allocated on a worker
// and freed on the network thread, were a tenth of the audit's cost).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::core::audit {

class PreparedRecords {
 public:
  // `body` is what AuditLog::prepare makes: the event's JSON text and "}\n".
  void add(std::string_view body) {
    bodies_.append(body);
    ends_.push_back(bodies_.size());
  }
  std::size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::string_view body(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bodies_).substr(begin, ends_[i] - begin);
  }
  // Empties it, keeping the buffers (unless a burst made them large).
  void clear() {
    bodies_.clear();
    ends_.clear();
    if (bodies_.capacity() > kKeptCapacity) std::string().swap(bodies_);
  }
  void swap(PreparedRecords& other) noexcept {
    bodies_.swap(other.bodies_);
    ends_.swap(other.ends_);
  }

 private:
  static constexpr std::size_t kKeptCapacity = std::size_t{1} << 20;
  std::string bodies_;
  std::vector<std::size_t> ends_;
};

}  // namespace coffer::core::audit
