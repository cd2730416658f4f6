#include "tools/coffer-load/load_runner.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/connection.h"
#include "client/tls_context.h"
#include "coffer/v1/keys.pb.h"
#include "common/error.h"
#include "tools/coffer-load/send_schedule.h"

namespace coffer::tools::load {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using client::Connection;

// After the run: how long requests still in flight may take before they count as unanswered.
constexpr auto kDrainTimeout = std::chrono::seconds(5);
// Pause before reconnecting a lane whose connection failed.
constexpr auto kReconnectDelay = std::chrono::milliseconds(100);
// A --create-keys run ends when its last request is answered; this only bounds a stuck one.
constexpr auto kCountedRunLimit = std::chrono::hours(24);

struct Window {
  Clock::time_point begin;  // the run starts (the warm-up, and a --rate schedule, with it)
  Clock::time_point start;  // measurement starts (after the warm-up)
  Clock::time_point end;
  bool contains(Clock::time_point t) const { return t >= start && t <= end; }
};

// One io thread and its connections ("lanes"), the run's lanes first_lane onwards.
// `budget`, shared by the workers of a --create-keys run (nullptr otherwise), holds the
// requests still to send.
class Worker {
 public:
  Worker(const LoadOptions& options, asio::ssl::context* tls,
         const std::vector<Operation>& operations, unsigned first_lane, unsigned lanes,
         std::uint64_t seed, Window window, std::atomic<std::uint64_t>* budget)
      : options_(options),
        operations_(operations),
        window_(window),
        budget_(budget),
        stop_timer_(io_),
        drain_timer_(io_),
        rng_(seed),
        finished_(window.end) {
    const auto endpoint = client::split_endpoint(options.client.endpoint);
    connection_options_ = {.host = endpoint.host,
                           .port = endpoint.port,
                           .tls = tls,
                           .connect_timeout = options.client.connect_timeout};
    for (unsigned i = 0; i < lanes; ++i) {
      lanes_.push_back(std::make_unique<Lane>(io_));
      if (open_loop()) {
        lanes_.back()->schedule.emplace(static_cast<double>(options.rate), options.connections,
                                        first_lane + i, window.begin);
      }
    }
    for (const auto& op : operations) total_weight_ += op.weight;
    result_.per_operation.resize(operations.size());
    frame_.set_api_key(options.client.api_key);
  }

  void run() {
    // Armed first: a --create-keys lane may finish (and cancel it) as it opens.
    stop_timer_.expires_at(window_.end);
    stop_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) stop();
    });
    for (auto& lane : lanes_) {
      open(*lane);
      if (open_loop()) tick(*lane);
    }
    io_.run();
  }

  LoadResult& result() { return result_; }
  // When the last lane of a --create-keys run finished; the window's end otherwise.
  Clock::time_point finished() const { return finished_; }

 private:
  struct Lane {
    explicit Lane(asio::io_context& io) : retry(io), next_tick(io) {}
    std::shared_ptr<Connection> connection;
    unsigned in_flight = 0;
    bool done = false;          // --create-keys: nothing left to send or to wait for
    bool reconnecting = false;  // between a failed connection and the next
    asio::steady_timer retry;
    // --rate: when this lane sends, and the index of its next send.
    std::optional<SendSchedule> schedule;
    std::uint64_t next_send = 0;
    asio::steady_timer next_tick;
  };

  bool open_loop() const { return options_.rate > 0; }

  void open(Lane& lane) {
    lane.connection = Connection::create(io_, connection_options_);
    lane.connection->start();
    lane.reconnecting = false;
    if (open_loop()) return;  // tick() sends
    for (unsigned i = 0; i < options_.in_flight && issue(lane); ++i) {
    }
    if (lane.in_flight == 0) finish(lane);
  }

  // --rate: sends what is due on `lane` by now, each with its scheduled time, then waits
  // for the next. A send the lane cannot take (at its cap, or reconnecting) is skipped,
  // not queued: the client must not build a backlog of its own.
  void tick(Lane& lane) {
    const std::uint64_t due = lane.schedule->due_by(Clock::now());
    for (; lane.next_send < due; ++lane.next_send) {
      const auto scheduled = lane.schedule->at(lane.next_send);
      const bool counted = window_.contains(scheduled);
      if (lane.reconnecting || lane.in_flight >= options_.in_flight) {
        if (counted) ++result_.dropped_by_client;
        continue;
      }
      if (counted) ++result_.sent;
      send(lane, scheduled);
    }
    lane.next_tick.expires_at(lane.schedule->at(lane.next_send));
    lane.next_tick.async_wait([this, &lane](const boost::system::error_code& ec) {
      if (!ec && !stopping_) tick(lane);
    });
  }

  // splitmix64: cheap and good enough to pick an operation by weight and a key.
  std::uint64_t next_random() {
    std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  std::size_t pick() {
    if (operations_.size() == 1) return 0;
    std::uint64_t ticket = next_random() % total_weight_;
    for (std::size_t i = 0; i < operations_.size(); ++i) {
      if (ticket < operations_[i].weight) return i;
      ticket -= operations_[i].weight;
    }
    return 0;
  }

  // Takes one request from a --create-keys budget; false when it is spent.
  bool take_request() {
    if (budget_ == nullptr) return true;
    std::uint64_t left = budget_->load(std::memory_order_relaxed);
    while (left > 0 && !budget_->compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) {
    }
    return left > 0;
  }

  bool budget_spent() const {
    return budget_ != nullptr && budget_->load(std::memory_order_relaxed) == 0;
  }

  // Closed loop: sends one request on `lane` now; false when a --create-keys run has none
  // left to send.
  bool issue(Lane& lane) {
    if (!take_request()) return false;
    send(lane, Clock::now());
    return true;
  }

  // Sends one request on `lane`; its latency counts from `since`.
  void send(Lane& lane, Clock::time_point since) {
    const std::size_t op = pick();
    const auto& payloads = operations_[op].payloads;
    frame_.set_method(operations_[op].method);
    // The modulo's bias is below 2^-40 for any key count a file holds.
    frame_.set_payload(payloads.size() == 1 ? payloads[0]
                                            : payloads[next_random() % payloads.size()]);
    ++lane.in_flight;
    lane.connection->send(frame_, [this, &lane, op, since](v1::ResponseFrame* response,
                                                           const Connection::Failure* failure) {
      on_done(lane, op, since, response, failure);
    });
  }

  // A --create-keys lane is over; the worker is once all its lanes are.
  void finish(Lane& lane) {
    if (lane.done) return;
    lane.done = true;
    lane.connection->close(Error(ErrorCode::kInternal, "run over"));
    if (++finished_lanes_ < lanes_.size()) return;
    finished_ = Clock::now();
    stop_timer_.cancel();
  }

  void keep_key_id(const v1::ResponseFrame& response) {
    v1::CreateKeyResponse created;
    if (created.ParseFromString(response.payload()))
      result_.created_key_ids.push_back(created.key_metadata().key_id());
  }

  void on_done(Lane& lane, std::size_t op, Clock::time_point sent, v1::ResponseFrame* response,
               const Connection::Failure* failure) {
    --lane.in_flight;
    const auto now = Clock::now();
    if (window_.contains(now)) {
      if (failure != nullptr) {
        ++result_.errors["ConnectionError"];
      } else if (response->has_error()) {
        ++result_.errors[response->error().code()];
      } else {
        auto& stats = result_.per_operation[op];
        ++stats.ok;
        stats.latency.record(now - sent);
        if (budget_ != nullptr) keep_key_id(*response);
      }
    }
    if (stopping_) {
      if (lane.in_flight == 0) lane.connection->close(Error(ErrorCode::kInternal, "run over"));
      if (--outstanding_ == 0) drain_timer_.cancel();
      return;
    }
    if (failure == nullptr && !lane.connection->closed()) {
      if (open_loop()) return;  // the schedule, not the response, sends the next
      if (issue(lane) || lane.in_flight > 0) return;
      return finish(lane);
    }
    if (lane.in_flight > 0) return;  // the others on this connection are failing right now
    if (budget_spent()) return finish(lane);
    ++result_.reconnects;
    lane.reconnecting = true;
    lane.retry.expires_after(kReconnectDelay);
    lane.retry.async_wait([this, &lane](const boost::system::error_code& ec) {
      if (!ec && !stopping_) open(lane);
    });
  }

  void stop() {
    stopping_ = true;
    outstanding_ = 0;
    for (auto& lane : lanes_) {
      lane->retry.cancel();
      lane->next_tick.cancel();
      outstanding_ += lane->in_flight;
      if (lane->in_flight == 0 && lane->connection)
        lane->connection->close(Error(ErrorCode::kInternal, "run over"));
    }
    if (outstanding_ == 0) return;
    drain_timer_.expires_after(kDrainTimeout);
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      for (auto& lane : lanes_) {
        result_.unanswered += lane->in_flight;
        lane->connection->close(
            Error(ErrorCode::kDependencyTimeout, "no response before the end of the run"));
      }
    });
  }

  const LoadOptions& options_;
  const std::vector<Operation>& operations_;
  Window window_;
  std::atomic<std::uint64_t>* budget_;
  asio::io_context io_{1};
  client::ConnectionOptions connection_options_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  asio::steady_timer stop_timer_;
  asio::steady_timer drain_timer_;
  std::uint64_t rng_;
  std::uint64_t total_weight_ = 0;
  bool stopping_ = false;
  std::uint64_t outstanding_ = 0;  // requests still to come back after the stop
  std::size_t finished_lanes_ = 0;
  Clock::time_point finished_;
  v1::RequestFrame frame_;  // reused: only method and payload change
  LoadResult result_;
};

}  // namespace

std::uint64_t LoadResult::error_count() const {
  std::uint64_t total = 0;
  for (const auto& [code, count] : errors) total += count;
  return total;
}

std::uint64_t LoadResult::throttled() const {
  const auto it = errors.find(std::string(error_name(ErrorCode::kThrottling)));
  return it == errors.end() ? 0 : it->second;
}

LoadResult run_load(const LoadOptions& options, const std::vector<Operation>& operations) {
  std::unique_ptr<asio::ssl::context> tls;
  if (options.client.tls) tls = client::make_tls_context(options.client);
  const unsigned threads = std::max(1u, std::min(options.threads, options.connections));
  const auto begin = Clock::now();
  Window window;
  window.begin = begin;
  window.start = begin + std::chrono::duration_cast<Clock::duration>(options.warmup);
  window.end = window.start + (options.create_keys > 0
                                   ? std::chrono::duration_cast<Clock::duration>(kCountedRunLimit)
                                   : std::chrono::duration_cast<Clock::duration>(options.duration));
  std::atomic<std::uint64_t> budget{options.create_keys};

  std::vector<std::unique_ptr<Worker>> workers;
  unsigned first_lane = 0;
  for (unsigned t = 0; t < threads; ++t) {
    const unsigned lanes =
        options.connections / threads + (t < options.connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(options, tls.get(), operations, first_lane, lanes,
                                               0x5eed0000ull + t, window,
                                               options.create_keys > 0 ? &budget : nullptr));
    first_lane += lanes;
  }
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&workers, t] { workers[t]->run(); });
  workers[0]->run();
  for (auto& thread : pool) thread.join();

  LoadResult total;
  Clock::time_point finished = window.start;
  for (const auto& worker : workers) finished = std::max(finished, worker->finished());
  total.measured = finished - window.start;
  total.per_operation.resize(operations.size());
  for (auto& worker : workers) {
    const LoadResult& r = worker->result();
    for (std::size_t i = 0; i < operations.size(); ++i) {
      total.per_operation[i].ok += r.per_operation[i].ok;
      total.per_operation[i].latency.merge(r.per_operation[i].latency);
    }
    for (const auto& [code, count] : r.errors) total.errors[code] += count;
    total.reconnects += r.reconnects;
    total.unanswered += r.unanswered;
    total.sent += r.sent;
    total.dropped_by_client += r.dropped_by_client;
    total.created_key_ids.insert(total.created_key_ids.end(), r.created_key_ids.begin(),
                                 r.created_key_ids.end());
  }
  for (const auto& stats : total.per_operation) {
    total.operations += stats.ok;
    total.latency.merge(stats.latency);
  }
  return total;
}

}  // namespace coffer::tools::load
