// Chart construction shared by the report's sections: share bars, box plots
// on a 0–100 % axis, time-line charts, histogram charts and the histograms
// stored in rule JSONs.
// Private to src/report.
#ifndef SMR_SRC_REPORT_CHARTS_H_
#define SMR_SRC_REPORT_CHARTS_H_

#include <optional>
#include <string>

#include "smr/report_model.h"
#include "src/report/blocks.h"

namespace smr {
namespace report_internal {

// Shares (%) of a {name: value} object as a horizontal bar chart, largest
// first, at most 12 bars (a rule's correlated framework activity).
Chart TopSharesChart(const std::string& id, const std::string& title, const Json& obj);

// Every number of a {name: value} object as a `kind` chart (bar or pie), in
// the object's order (framework metrics summary).
Chart ShareChart(const std::string& id, const std::string& title, const Json& obj, ChartKind kind);

// Box plots on a 0–100 % y axis.
Chart PercentBoxChart(const std::string& id, const std::string& title, const std::string& y_label,
                      double height);

// Line chart over UTC time ("Time" axis).
Chart TimeLineChart(const std::string& id, const std::string& title, const std::string& y_label);

// An empty histogram chart with its axis labels (the sections add the
// series).
Chart HistogramChart(const std::string& id, const std::string& title, const std::string& x_label,
                     const std::string& y_label);

// A histogram the rule stored as "probs" (n counts) and "binedges" (n + 1
// edges) in `obj`; nullopt when they are missing or do not fit.
std::optional<HistogramSeries> StoredHistogram(const Json& obj, const std::string& label);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_CHARTS_H_
