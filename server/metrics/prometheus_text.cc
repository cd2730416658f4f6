#include "server/metrics/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace coffer::server::metrics {
namespace {

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form below 1e-4 or
// from 1e6 up.
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[40];
  char* end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific).ptr;
  const char* exp = std::find(buf, end, 'e') + 1;
  if (*exp == '+') ++exp;  // from_chars takes no plus sign
  int exponent = 0;
  std::from_chars(exp, end, exponent);
  if (exponent < -4 || exponent >= 6) {
    out.append(buf, end);
    return;
  }
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed).ptr);
}

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quotes && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

// {a="x",b="y"} with an optional extra label last (le), nothing at all when empty.
void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  const auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out.append(name);
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const Label& label : labels) one(label.name, label.value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out += '}';
}

void append_header(std::string& out, const std::string& name, const std::string& help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out.append(type);
  out += '\n';
}

void render(std::string& out, const CounterFamily& family) {
  family.visit([&](const Labels& labels, const Counter& counter) {
    out += family.name();
    append_labels(out, labels);
    out += ' ';
    append_uint(out, counter.value());
    out += '\n';
  });
}

void render(std::string& out, const GaugeFamily& family) {
  family.visit_values([&](const Labels& labels, double value) {
    out += family.name();
    append_labels(out, labels);
    out += ' ';
    append_double(out, value);
    out += '\n';
  });
}

void render(std::string& out, const HistogramFamily& family) {
  // The le values are the same for every series: format them once.
  std::vector<std::string> les;
  for (double bound : family.bounds()) append_double(les.emplace_back(), bound);
  les.emplace_back("+Inf");
  family.visit([&](const Labels& labels, const Histogram& histogram) {
    const Histogram::Snapshot s = histogram.snapshot();
    for (std::size_t i = 0; i < les.size(); ++i) {
      out += family.name();
      out += "_bucket";
      append_labels(out, labels, "le", les[i]);
      out += ' ';
      append_uint(out, s.cumulative[i]);
      out += '\n';
    }
    out += family.name();
    out += "_sum";
    append_labels(out, labels);
    out += ' ';
    append_double(out, s.sum);
    out += '\n';
    out += family.name();
    out += "_count";
    append_labels(out, labels);
    out += ' ';
    append_uint(out, s.count);
    out += '\n';
  });
}

constexpr std::string_view type_name(const CounterFamily*) { return "counter"; }
constexpr std::string_view type_name(const GaugeFamily*) { return "gauge"; }
constexpr std::string_view type_name(const HistogramFamily*) { return "histogram"; }

}  // namespace

std::string render_prometheus(const Registry& registry) {
  std::string out;
  for (const Registry::FamilyRef& ref : registry.families()) {
    std::visit(
        [&](const auto* family) {
          const std::size_t start = out.size();
          append_header(out, family->name(), family->help(), type_name(family));
          const std::size_t samples = out.size();
          render(out, *family);
          if (out.size() == samples) out.resize(start);  // no series yet
        },
        ref);
  }
  return out;
}

}  // namespace coffer::server::metrics
