#include "server/metrics/gauge.h"

#include <exception>
#include <utility>

#include "common/error.h"
#include "common/log.h"

namespace coffer::server::metrics {

GaugeCallback::GaugeCallback(GaugeCallback&& other) noexcept
    : family_(std::exchange(other.family_, nullptr)), labels_(std::move(other.labels_)) {}

GaugeCallback& GaugeCallback::operator=(GaugeCallback&& other) noexcept {
  if (this != &other) {
    reset();
    family_ = std::exchange(other.family_, nullptr);
    labels_ = std::move(other.labels_);
  }
  return *this;
}

void GaugeCallback::reset() noexcept {
  if (family_ == nullptr) return;
  std::exchange(family_, nullptr)->remove_callback(labels_);
  labels_.clear();
}

GaugeCallback GaugeFamily::callback(const Labels& labels, Read read) {
  if (!read) throw Error(ErrorCode::kValidation, "gauge callback for " + name() + " is empty");
  Labels key = canonical_labels(labels);
  std::unique_lock lock(mutex_);
  check_new_series(key);
  if (series_.contains(key)) {
    throw Error(ErrorCode::kValidation,
                "gauge " + name() + " already has a set series with these labels");
  }
  callbacks_.emplace(key, std::move(read));
  return GaugeCallback(this, std::move(key));
}

void GaugeFamily::visit_values(const std::function<void(const Labels&, double)>& f) const {
  std::shared_lock lock(mutex_);
  auto set = series_.begin();
  auto cb = callbacks_.begin();
  while (set != series_.end() || cb != callbacks_.end()) {
    if (cb == callbacks_.end() || (set != series_.end() && set->first < cb->first)) {
      f(set->first, set->second->value());
      ++set;
      continue;
    }
    double value = 0;
    bool read = false;
    try {
      value = cb->second();
      read = true;
    } catch (const std::exception& e) {
      log_event(LogLevel::kWarn, "metrics_gauge_callback_failed",
                {{"metric", name()}, {"error", e.what()}});
    } catch (...) {
      log_event(LogLevel::kWarn, "metrics_gauge_callback_failed", {{"metric", name()}});
    }
    if (read) f(cb->first, value);
    ++cb;
  }
}

void GaugeFamily::check_new_series(const Labels& labels) const {
  if (callbacks_.contains(labels)) {
    throw Error(ErrorCode::kValidation,
                "gauge " + name() + " already has a callback with these labels");
  }
}

void GaugeFamily::remove_callback(const Labels& labels) noexcept {
  std::unique_lock lock(mutex_);  // waits for a scrape that may be running the callback
  callbacks_.erase(labels);
}

}  // namespace coffer::server::metrics
