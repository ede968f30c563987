// Shared by the timeline section (timeline_section.cc) and its heatmap
// (utilization_heatmap.cc): the common time frame, the network series, and
// the rule-firing marks of a node. Private to src/report.
#ifndef SMR_SRC_REPORT_SECTIONS_TIMELINE_PARTS_H_
#define SMR_SRC_REPORT_SECTIONS_TIMELINE_PARTS_H_

#include <map>
#include <string>
#include <vector>

#include "smr/report_builder.h"
#include "smr/report_model.h"
#include "smr/store.h"

namespace smr {
namespace report_internal {

// The x range every timeline chart shares (the job: first to last system
// sample) and the phase bands drawn on each.
struct TimelineFrame {
  double t0_s = 0, t1_s = 0;
  std::vector<ChartBand> bands;
};
TimelineFrame MakeTimelineFrame(const ReportInputs& in);

struct NetSeries {
  MetricKind kind;
  const char* label;
  int color;
};
// Algorithm and Platform receive and transmit, in chart order.
const std::vector<NetSeries>& NetworkSeries();

// Largest (or smallest) value over `series` per timestamp: the fullest
// GPU's memory, the least busy GPU.
std::vector<ChartPoint> MaxPerTimestamp(const MetricStore& st, const std::vector<uint32_t>& series,
                                        bool smallest = false);

// Per rule (by name), the 60 s windows in which it fired on system node
// `node` (findings naming the node, a framework node of it such as
// "algo-1-27", or no node), one band per window, labelled with the rule's
// name and the devices concerned: "LowGPUUtilization (gpu3)".
std::map<std::string, std::vector<ChartBand>> RuleMarks(const ReportInputs& in,
                                                        const std::string& node);
// Distinct mark labels (the rows the line chart draws).
size_t MarkRowCount(const std::vector<ChartBand>& marks);

// The utilization heatmap subsection (utilization_heatmap.cc).
void AddHeatmap(const ReportInputs& in, const TimelineFrame& f, Section* s);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_SECTIONS_TIMELINE_PARTS_H_
