// Chart construction shared by the report's sections.
#include "src/report/charts.h"

#include <algorithm>

#include <fmt/format.h>

namespace smr {
namespace report_internal {

std::string RestLabel(size_t count) { return fmt::format("all others ({})", count); }

void KeepTopWithRest(std::vector<PieSlice>* sorted, size_t n) {
  if (n == 0 || sorted->size() <= n) return;
  double rest = 0;
  for (size_t i = n - 1; i < sorted->size(); ++i) rest += (*sorted)[i].value;
  const size_t count = sorted->size() - (n - 1);
  sorted->resize(n - 1);
  sorted->push_back({RestLabel(count), rest});
}

Chart TopSharesChart(const std::string& id, const std::string& title, const Json& obj) {
  Chart c;
  c.kind = ChartKind::kBar;
  c.id = id;
  c.title = title;
  if (obj.is_object()) {
    for (const auto& [k, v] : obj.items()) {
      if (v.is_number()) c.slices.push_back({k, v.get<double>()});
    }
  }
  std::stable_sort(c.slices.begin(), c.slices.end(),
                   [](const PieSlice& a, const PieSlice& b) { return a.value > b.value; });
  KeepTopWithRest(&c.slices, 12);
  c.width = 440;
  c.height = 60 + 22.0 * std::max<size_t>(c.slices.size(), 3);
  return c;
}

Chart ShareChart(const std::string& id, const std::string& title, const Json& obj, ChartKind kind) {
  Chart c;
  c.kind = kind;
  c.id = id;
  c.title = title;
  for (const auto& [k, v] : obj.items()) {
    if (v.is_number()) c.slices.push_back({k, v.get<double>()});
  }
  c.width = 440;
  c.height = 260;
  return c;
}

Chart PercentBoxChart(const std::string& id, const std::string& title, const std::string& y_label,
                      double height) {
  Chart c;
  c.kind = ChartKind::kBox;
  c.id = id;
  c.title = title;
  c.y_label = y_label;
  c.y_min = 0;
  c.y_max = 100;
  c.height = height;
  return c;
}

Chart TimeLineChart(const std::string& id, const std::string& title, const std::string& y_label) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = id;
  c.title = title;
  c.x_label = "Time";
  c.y_label = y_label;
  c.x_is_time = true;
  return c;
}

Chart HistogramChart(const std::string& id, const std::string& title, const std::string& x_label,
                     const std::string& y_label) {
  Chart c;
  c.kind = ChartKind::kHistogram;
  c.id = id;
  c.title = title;
  c.x_label = x_label;
  c.y_label = y_label;
  return c;
}

std::optional<HistogramSeries> StoredHistogram(const Json& obj, const std::string& label) {
  if (!obj.contains("probs") || !obj.contains("binedges")) return std::nullopt;
  const Json& probs = obj["probs"];
  const Json& edges = obj["binedges"];
  if (!probs.is_array() || !edges.is_array() || edges.size() != probs.size() + 1) {
    return std::nullopt;
  }
  HistogramSeries hs;
  hs.label = label;
  for (size_t i = 0; i < probs.size(); ++i) {
    hs.bins.push_back({edges[i].get<double>(), edges[i + 1].get<double>(),
                       probs[i].is_number() ? probs[i].get<double>() : 0.0});
  }
  return hs;
}

}  // namespace report_internal
}  // namespace smr
