// How much line-chart data an HTML page carries: the column budget of the
// drawn series (PageColumnBudget) and, for the page script (hover values and
// zoom on time axes), the series downsampled to a bounded number of points
// and the shaded bands. Private to src/render.
#ifndef SMR_SRC_RENDER_CHART_DATA_H_
#define SMR_SRC_RENDER_CHART_DATA_H_

#include <string>

#include "smr/report_model.h"

namespace smr {

// The largest per-series column cap C with sum(min(demand, C)) within the
// page's column budget (series that need fewer columns keep all their
// points), not below a floor; 0 (no cap) when everything fits.
int PageColumnBudget(const ReportModel& model);

// Points the page keeps for the script: at most kScriptPointsPerChart per
// chart, at most kScriptPointsPerPage over all charts (so the page size
// stays bounded whatever the number of nodes), but never fewer than
// kMinScriptPointsPerChart per chart.
inline constexpr int kScriptPointsPerChart = 4000;
inline constexpr int kScriptPointsPerPage = 30000;
inline constexpr int kMinScriptPointsPerChart = 240;

// Points per chart for the script on the page of `model`.
int ScriptPointBudget(const ReportModel& model);

// "BASE|SERIES|SERIES..." where BASE is the smallest x of the chart and each
// SERIES is "LABEL;COLOR;DASH;x,y,x,y,...": LABEL percent-encoded (every
// byte outside [A-Za-z0-9 ._()-] as %XX, for decodeURIComponent), COLOR the
// series' "#rrggbb", DASH its drawing order (SeriesDashes), x as an offset
// from BASE. A series with more points than its share of `max_points`
// (at least 40) keeps the lowest and the highest point of each of share/2
// equal x ranges (so spikes survive). Non-finite points are dropped. "" for
// a chart that is not a line chart or has no finite point.
std::string ScriptSeries(const Chart& chart, int max_points = kScriptPointsPerChart);

// "x0,x1,COLOR;x0,x1,COLOR..." for the chart's bands (offsets from the same
// BASE as ScriptSeries); "" when there are none.
std::string ScriptBands(const Chart& chart);

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_DATA_H_
