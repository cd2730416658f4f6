// A series is named by its family and a small set of label name/value pairs.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::server::metrics {

struct Label {
  std::string name;
  std::string value;

  friend auto operator<=>(const Label&, const Label&) = default;
};

// Order does not matter to callers: {{"code","OK"},{"method","Encrypt"}} and the reverse name
// the same series. Families keep them sorted by name, which is also the rendering order.
using Labels = std::vector<Label>;

// Sorts by name and checks the names (Prometheus syntax, no "__" prefix, no duplicates, not
// `reserved`: "le" for histograms) and that values are UTF-8. Throws Error(kValidation).
Labels canonical_labels(Labels labels, std::string_view reserved = {});

// Whether the labels are already in canonical order, checked without allocating.
bool is_sorted_by_name(const Labels& labels) noexcept;

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Throws Error(kValidation) otherwise.
void check_metric_name(std::string_view name);

}  // namespace coffer::server::metrics
