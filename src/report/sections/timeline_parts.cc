// The timelines' time frame, network series and rule-firing marks
// (timeline_parts.h).
#include "src/report/sections/timeline_parts.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/rule.h"
#include "smr/timeline_views.h"

namespace smr {
namespace report_internal {
namespace {

// A finding's node ("algo-1", "algo-1-27" or "") concerns system node `node`.
bool ConcernsNode(const std::string& finding_node, const std::string& node) {
  if (finding_node.empty() || finding_node == node) return true;
  return finding_node.size() > node.size() && finding_node.compare(0, node.size(), node) == 0 &&
         finding_node[node.size()] == '-';
}

// " (gpu0, gpu3)", " (gpu0, gpu1 +2 more)", "" for none.
std::string DeviceSuffix(const std::set<std::string>& devices) {
  if (devices.empty()) return "";
  std::string out;
  size_t i = 0;
  for (const std::string& d : devices) {
    if (i == 2 && devices.size() > 3) {
      out += fmt::format(" +{} more", devices.size() - 2);
      break;
    }
    out += (i == 0 ? "" : ", ") + d;
    ++i;
  }
  return " (" + out + ")";
}

}  // namespace

TimelineFrame MakeTimelineFrame(const ReportInputs& in) {
  TimelineFrame f;
  const MetricStore& st = *in.store;
  f.t0_s = st.min_system_ts_s();
  f.t1_s = st.max_system_ts_s();
  if (in.timeline != nullptr && in.timeline->has_system) {
    f.t0_s = in.timeline->job_start_s;
    f.t1_s = in.timeline->job_end_s;
  }
  if (in.timeline == nullptr) return f;
  for (const PhaseInterval& p : in.timeline->phases) {
    if (!p.phase.empty()) {
      f.bands.push_back({p.start_us / 1e6, p.end_us / 1e6, p.label, p.phase == "EVAL" ? 1 : 0});
    } else if (p.label == "Before first step" || p.label == "After last step") {
      f.bands.push_back({p.start_us / 1e6, p.end_us / 1e6, p.label, 7});
    }
  }
  return f;
}

std::vector<ChartPoint> MaxPerTimestamp(const MetricStore& st, const std::vector<uint32_t>& series,
                                        bool smallest) {
  std::map<double, double> most;
  for (uint32_t s : series) {
    for (uint32_t row : st.SeriesRows(s)) {
      const double v = st.system().value(row);
      auto [it, added] = most.emplace(st.system().ts(row), v);
      if (!added) it->second = smallest ? std::min(it->second, v) : std::max(it->second, v);
    }
  }
  std::vector<ChartPoint> pts;
  pts.reserve(most.size());
  for (const auto& [ts, v] : most) pts.push_back({ts, v});
  return pts;
}

const std::vector<NetSeries>& NetworkSeries() {
  static const std::vector<NetSeries> kSeries = {
      {MetricKind::kNetRxAlgorithm, "Algorithm receive", 0},
      {MetricKind::kNetTxAlgorithm, "Algorithm transmit", 4},
      {MetricKind::kNetRxPlatform, "Platform receive", 5},
      {MetricKind::kNetTxPlatform, "Platform transmit", 1},
  };
  return kSeries;
}

std::map<std::string, std::vector<ChartBand>> RuleMarks(const ReportInputs& in,
                                                        const std::string& node) {
  std::map<std::string, std::vector<ChartBand>> out;
  if (in.results == nullptr) return out;
  for (const RuleResult& r : *in.results) {
    std::set<int64_t> windows;
    std::set<std::string> devices;
    for (const RuleFinding& f : r.findings) {
      if (!ConcernsNode(f.node, node)) continue;
      windows.insert(f.window_start_us);
      if (!f.device.empty()) devices.insert(f.device);
    }
    if (windows.empty()) continue;
    const std::string label = r.name + DeviceSuffix(devices);
    std::vector<ChartBand>& marks = out[r.name];
    for (int64_t w : windows) {
      marks.push_back({w / 1e6, (w + WindowPlan::kWindowUs) / 1e6, label, 0});
    }
  }
  return out;
}

size_t MarkRowCount(const std::vector<ChartBand>& marks) {
  std::set<std::string> labels;
  for (const ChartBand& m : marks) labels.insert(m.label);
  return labels.size();
}

}  // namespace report_internal
}  // namespace smr
