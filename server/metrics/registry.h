// The process's metric families by name. Families are created once (typically at start-up)
// and live as long as the registry, so references to them and their series stay valid.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/metrics/counter.h"
#include "server/metrics/gauge.h"
#include "server/metrics/histogram.h"

namespace coffer::server::metrics {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each returns the family of that name, creating it on first use. Asking again with the
  // same type, help and bounds returns the same family; anything else, an invalid name or a
  // name a histogram's _bucket/_sum/_count would clash with throws Error(kValidation).
  CounterFamily& counter(std::string_view name, std::string_view help);
  GaugeFamily& gauge(std::string_view name, std::string_view help);
  HistogramFamily& histogram(std::string_view name, std::string_view help,
                             std::vector<double> bounds = latency_buckets());

  // Every family in name order, for rendering. The pointers live as long as the registry.
  using FamilyRef = std::variant<const CounterFamily*, const GaugeFamily*, const HistogramFamily*>;
  std::vector<FamilyRef> families() const;

 private:
  using Owned = std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
                             std::unique_ptr<HistogramFamily>>;

  template <class F>
  F& get_or_add(std::string_view name, std::string_view help, std::vector<double>* bounds);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Owned, std::less<>> families_;
};

}  // namespace coffer::server::metrics
