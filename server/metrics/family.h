// A family is one metric name with its help text and one series per label set. Series
// never move or die while the family lives, so callers look a series up once and keep the
// reference for the hot path.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "server/metrics/labels.h"

namespace coffer::server::metrics {

template <class Series>
class Family {
 public:
  // `reserved_label` is a label name the family's rendering uses itself ("le").
  Family(std::string name, std::string help, std::string_view reserved_label = {})
      : name_(std::move(name)), help_(std::move(help)), reserved_label_(reserved_label) {}
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }

  // The series for `labels`, created on first use. Lookup takes a shared lock, and copies
  // the labels only when they are not sorted by name or the series is new.
  Series& series(const Labels& labels = {}) {
    if (is_sorted_by_name(labels)) {
      std::shared_lock lock(mutex_);
      if (auto it = series_.find(labels); it != series_.end()) return *it->second;
    }
    return add(canonical_labels(labels, reserved_label_));
  }

  // Calls f(const Labels&, const Series&) for every series in label order, under the
  // family's shared lock: f must not call back into the family.
  template <class F>
  void visit(F&& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [labels, s] : series_) f(labels, *s);
  }

 protected:
  virtual std::unique_ptr<Series> make_series() const = 0;
  // Runs under the exclusive lock before `labels` gets a new series; throws to refuse it.
  virtual void check_new_series(const Labels& /*labels*/) const {}

  mutable std::shared_mutex mutex_;  // guards series_ and whatever derived families add
  std::map<Labels, std::unique_ptr<Series>, std::less<>> series_;

 private:
  Series& add(Labels labels) {
    std::unique_lock lock(mutex_);
    auto it = series_.find(labels);
    if (it == series_.end()) {
      check_new_series(labels);
      it = series_.emplace(std::move(labels), make_series()).first;
    }
    return *it->second;
  }

  const std::string name_;
  const std::string help_;
  const std::string reserved_label_;
};

}  // namespace coffer::server::metrics
