// The Prometheus text exposition format, version 0.0.4:
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <string>
#include <string_view>

#include "server/metrics/registry.h"

namespace coffer::server::metrics {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Families in name order, series in label order; families without series are left out.
// Floats are written as Go's client does (strconv 'g', shortest), so `le` values match
// what dashboards built against other exporters expect: le="0.0001", le="1e-05".
std::string render_prometheus(const Registry& registry);

}  // namespace coffer::server::metrics
