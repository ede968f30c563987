// Chart construction shared by the report's sections: share bars, box plots
// on a 0–100 % axis, time-line charts, histogram charts and the histograms
// stored in rule JSONs.
// Private to src/report.
#ifndef SMR_SRC_REPORT_CHARTS_H_
#define SMR_SRC_REPORT_CHARTS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "smr/report_model.h"
#include "src/report/blocks.h"

namespace smr {
namespace report_internal {

// What the report calls the entries a top-N list leaves out, everywhere:
// "all others (K)" -- the one definition of "others" in the report. The
// rule JSONs' own "others" key of a phase breakdown is something else (the
// time between steps) and is shown as kBetweenStepsLabel.
std::string RestLabel(size_t count);
inline constexpr const char* kBetweenStepsLabel = "between steps";

// Keeps the first `n` - 1 of `sorted` (largest first) and sums the rest into
// one RestLabel slice, when there are more than `n`; the total is unchanged.
void KeepTopWithRest(std::vector<PieSlice>* sorted, size_t n);

// Shares (%) of a {name: value} object as a horizontal bar chart, largest
// first, at most 12 bars, the smallest summed into RestLabel (a rule's
// correlated framework activity).
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
