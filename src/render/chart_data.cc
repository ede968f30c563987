// ScriptSeries / ScriptBands (chart_data.h).
#include "src/render/chart_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "src/render/chart_painter.h"

namespace smr {
namespace {

bool Finite(const ChartPoint& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

double BaseX(const Chart& chart) {
  double base = std::numeric_limits<double>::infinity();
  for (const ChartSeries& s : chart.series) {
    for (const ChartPoint& p : s.points) {
      if (Finite(p)) base = std::min(base, p.x);
    }
  }
  return std::isfinite(base) ? std::floor(base) : base;
}

void AppendLabel(const std::string& label, std::string* out) {
  for (unsigned char ch : label) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == ' ' || ch == '.' || ch == '_' ||
                       ch == '(' || ch == ')' || ch == '-';
    if (plain) {
      out->push_back(static_cast<char>(ch));
    } else {
      *out += fmt::format("%{:02X}", ch);
    }
  }
}

// The finite points of `s`, at most `budget` of them: the lowest and the
// highest point of each of budget/2 equal x ranges, in x order.
std::vector<ChartPoint> Thin(const std::vector<ChartPoint>& points, size_t budget) {
  std::vector<ChartPoint> finite;
  for (const ChartPoint& p : points) {
    if (Finite(p)) finite.push_back(p);
  }
  if (finite.size() <= budget) return finite;
  const double lo = finite.front().x, hi = finite.back().x;
  const size_t buckets = std::max<size_t>(1, budget / 2);
  std::vector<ChartPoint> out;
  size_t i = 0;
  for (size_t b = 0; b < buckets && i < finite.size(); ++b) {
    const double end =
        b + 1 == buckets ? hi : lo + (hi - lo) * static_cast<double>(b + 1) / buckets;
    size_t lo_i = i, hi_i = i;
    for (; i < finite.size() && (finite[i].x <= end || b + 1 == buckets); ++i) {
      if (finite[i].y < finite[lo_i].y) lo_i = i;
      if (finite[i].y > finite[hi_i].y) hi_i = i;
    }
    if (i == lo_i) continue;  // empty bucket
    out.push_back(finite[std::min(lo_i, hi_i)]);
    if (lo_i != hi_i) out.push_back(finite[std::max(lo_i, hi_i)]);
  }
  return out;
}

// Line-series columns the whole page may draw. A dense series costs about
// 23 bytes per column in the SVG (two points of its min/max envelope), so
// this keeps all series together to about 1.4 MB whatever the number of
// samples, nodes or charts.
constexpr long long kPageColumns = 60000;
// ...but no dense series gets fewer columns than this (a 840-unit wide plot
// then has one column per ~17 units, still showing each phase's level and
// extremes). The floor is reached at kPageColumns / kMinColumns = 1250
// dense series, about 50 nodes of 8 GPUs (~25 dense series per node).
// Independently of the series, each node adds its tables, labels, box plots
// and histograms (about 50 KB, see docs/performance.md).
constexpr int kMinColumns = 48;
// Widest plot area of a chart, in columns (charts are 900 units wide).
constexpr int kMaxColumns = 900;

void CollectSeriesDemand(const Section& section, std::vector<long long>* out) {
  auto add = [out](const Chart& chart) {
    if (chart.kind != ChartKind::kLine) return;
    for (const ChartSeries& s : chart.series) {
      // A series of n points needs n / 2 columns to be drawn in full.
      const long long n = static_cast<long long>(s.points.size());
      if (n > 1) out->push_back(std::min<long long>((n + 1) / 2, kMaxColumns));
    }
  };
  std::function<void(const Block&)> visit = [&](const Block& block) {
    if (block.kind == BlockKind::kChart) add(block.chart);
    if (block.kind == BlockKind::kCharts) {
      for (const Chart& chart : block.charts) add(chart);
    }
    for (const Block& child : block.children) visit(child);
  };
  for (const Block& block : section.blocks) visit(block);
  for (const Section& sub : section.subsections) CollectSeriesDemand(sub, out);
}

}  // namespace

// The largest per-series column cap C with sum(min(demand, C)) within
// kPageColumns (series that need fewer columns keep all their points), not
// below kMinColumns; 0 (no cap) when everything fits.
int PageColumnBudget(const ReportModel& model) {
  std::vector<long long> demand;
  for (const Section& section : model.sections) {
    CollectSeriesDemand(section, &demand);
  }
  std::sort(demand.begin(), demand.end());
  long long used = 0;
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const long long rest = static_cast<long long>(demand.size() - i);
    if (used + demand[i] * rest > kPageColumns) {
      const long long cap = (kPageColumns - used) / rest;
      return static_cast<int>(std::max<long long>(cap, kMinColumns));
    }
    used += demand[i];
  }
  return 0;
}

int ScriptPointBudget(const ReportModel& model) {
  long long charts = 0;
  std::function<void(const Block&)> visit = [&](const Block& block) {
    if (block.kind == BlockKind::kChart && block.chart.kind == ChartKind::kLine) ++charts;
    if (block.kind == BlockKind::kCharts) {
      for (const Chart& chart : block.charts) charts += chart.kind == ChartKind::kLine ? 1 : 0;
    }
    for (const Block& child : block.children) visit(child);
  };
  std::function<void(const Section&)> visit_section = [&](const Section& section) {
    for (const Block& block : section.blocks) visit(block);
    for (const Section& sub : section.subsections) visit_section(sub);
  };
  for (const Section& section : model.sections) visit_section(section);
  if (charts == 0) return kScriptPointsPerChart;
  return static_cast<int>(std::clamp<long long>(kScriptPointsPerPage / charts,
                                                kMinScriptPointsPerChart, kScriptPointsPerChart));
}

std::string ScriptSeries(const Chart& chart, int max_points) {
  if (chart.kind != ChartKind::kLine || chart.series.empty()) return "";
  const double base = BaseX(chart);
  if (!std::isfinite(base)) return "";
  const size_t share =
      std::max<size_t>(40, static_cast<size_t>(std::max(max_points, 0)) / chart.series.size());
  std::string out = fmt::format("{:.10g}", base);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    out.push_back('|');
    AppendLabel(s.label, &out);
    const int color = s.color >= 0 ? s.color : static_cast<int>(i);
    out += fmt::format(";{};{};", HexColor(PaletteColor(color)), i);
    bool first = true;
    for (const ChartPoint& p : Thin(s.points, share)) {
      if (!first) out.push_back(',');
      first = false;
      out += fmt::format("{:.6g},{:.4g}", p.x - base, p.y);
    }
  }
  return out;
}

std::string ScriptBands(const Chart& chart) {
  if (chart.kind != ChartKind::kLine || chart.bands.empty()) return "";
  const double base = BaseX(chart);
  if (!std::isfinite(base)) return "";
  std::string out;
  for (const ChartBand& b : chart.bands) {
    if (!std::isfinite(b.x0) || !std::isfinite(b.x1)) continue;
    if (!out.empty()) out.push_back(';');
    out +=
        fmt::format("{:.6g},{:.6g},{}", b.x0 - base, b.x1 - base, HexColor(PaletteColor(b.color)));
  }
  return out;
}

}  // namespace smr
