#include "server/metrics/registry.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "common/error.h"

namespace coffer::server::metrics {
namespace {

constexpr std::array<std::string_view, 3> kHistogramSuffixes = {"_bucket", "_sum", "_count"};

[[noreturn]] void refuse(std::string_view name, std::string_view why) {
  throw Error(ErrorCode::kValidation, "metric " + std::string(name) + " " + std::string(why));
}

}  // namespace

template <class F>
F& Registry::get_or_add(std::string_view name, std::string_view help, std::vector<double>* bounds) {
  check_metric_name(name);
  std::unique_lock lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    auto* existing = std::get_if<std::unique_ptr<F>>(&it->second);
    if (existing == nullptr) refuse(name, "is already registered with another type");
    F& family = **existing;
    if (family.help() != help) refuse(name, "is already registered with other help text");
    if constexpr (std::is_same_v<F, HistogramFamily>) {
      if (!std::ranges::equal(family.bounds(), *bounds))
        refuse(name, "is already registered with other bounds");
    }
    return family;
  }
  // A histogram's series are rendered under three derived names; keep them unambiguous.
  for (std::string_view suffix : kHistogramSuffixes) {
    if constexpr (std::is_same_v<F, HistogramFamily>) {
      if (families_.contains(std::string(name) + std::string(suffix)))
        refuse(name, "clashes with another metric");
    }
    if (name.ends_with(suffix)) {
      auto base = families_.find(name.substr(0, name.size() - suffix.size()));
      if (base != families_.end() &&
          std::holds_alternative<std::unique_ptr<HistogramFamily>>(base->second)) {
        refuse(name, "clashes with a histogram's series");
      }
    }
  }
  std::unique_ptr<F> family;
  if constexpr (std::is_same_v<F, HistogramFamily>) {
    family = std::make_unique<F>(std::string(name), std::string(help), std::move(*bounds));
  } else {
    family = std::make_unique<F>(std::string(name), std::string(help));
  }
  F& result = *family;
  families_.emplace(std::string(name), std::move(family));
  return result;
}

CounterFamily& Registry::counter(std::string_view name, std::string_view help) {
  return get_or_add<CounterFamily>(name, help, nullptr);
}

GaugeFamily& Registry::gauge(std::string_view name, std::string_view help) {
  return get_or_add<GaugeFamily>(name, help, nullptr);
}

HistogramFamily& Registry::histogram(std::string_view name, std::string_view help,
                                     std::vector<double> bounds) {
  return get_or_add<HistogramFamily>(name, help, &bounds);
}

std::vector<Registry::FamilyRef> Registry::families() const {
  std::shared_lock lock(mutex_);
  std::vector<FamilyRef> out;
  out.reserve(families_.size());
  for (const auto& [name, owned] : families_) {
    std::visit([&](const auto& family) { out.emplace_back(family.get()); }, owned);
  }
  return out;
}

}  // namespace coffer::server::metrics
