// A value that goes up and down: either set by its owner (Gauge) or read at scrape time
// from a callback (pool sizes, queue depths), so the owner does no work between scrapes.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>

#include "server/metrics/family.h"

namespace coffer::server::metrics {

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class GaugeFamily;

// Keeps a callback series registered; destroying or reset()ing it removes the series.
// Must not outlive the registry.
class GaugeCallback {
 public:
  GaugeCallback() = default;
  GaugeCallback(GaugeCallback&& other) noexcept;
  GaugeCallback& operator=(GaugeCallback&& other) noexcept;
  ~GaugeCallback() { reset(); }

  // After this returns the callback is not running and never runs again.
  void reset() noexcept;

 private:
  friend class GaugeFamily;
  GaugeCallback(GaugeFamily* family, Labels labels) : family_(family), labels_(std::move(labels)) {}

  GaugeFamily* family_ = nullptr;
  Labels labels_;
};

class GaugeFamily final : public Family<Gauge> {
 public:
  using Read = std::function<double()>;
  using Family::Family;

  // Adds a series whose value is read() at each scrape. read runs on the scraping thread
  // under the family's lock: it must be thread-safe and must not touch the registry.
  // Throws Error(kValidation) if the labels already name a series of this family.
  [[nodiscard]] GaugeCallback callback(const Labels& labels, Read read);

  // Calls f for every series, set and callback, in label order. A callback that throws is
  // logged and left out of this scrape rather than failing it.
  void visit_values(const std::function<void(const Labels&, double)>& f) const;

 private:
  friend class GaugeCallback;

  std::unique_ptr<Gauge> make_series() const override { return std::make_unique<Gauge>(); }
  void check_new_series(const Labels& labels) const override;
  void remove_callback(const Labels& labels) noexcept;

  std::map<Labels, Read, std::less<>> callbacks_;  // guarded by mutex_
};

}  // namespace coffer::server::metrics
