// ReportModel: the report as plain data (sections, paragraphs, tables,
// charts). Built once by BuildReportModel(), rendered by the HTML and PDF
// renderers. Every string is final display text (already formatted with fmt)
// and NOT escaped: renderers escape for their medium.
#ifndef SMR_REPORT_MODEL_H_
#define SMR_REPORT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace smr {

// ---- Charts: data, not pixels -------------------------------------------

struct ChartPoint {
  double x = 0;
  double y = 0;
};

struct ChartSeries {
  std::string label;
  std::vector<ChartPoint> points;  // line charts: sorted by x
  int color = -1;                  // palette index; -1 = by series order
};

struct ChartBand {  // shaded x-range (training phases)
  double x0 = 0, x1 = 0;
  std::string label;
  int color = 0;
};

struct BoxPlot {  // Tukey box: whiskers lower/upper, box p25..p75, median
  std::string label;
  double lower = 0, p25 = 0, p50 = 0, p75 = 0, upper = 0;
  double max = 0;          // optional dot (NaN = none)
  bool highlight = false;  // flagged by a rule
};

struct PieSlice {
  std::string label;
  double value = 0;
};

struct HistogramBin {
  double x0 = 0, x1 = 0, count = 0;
};

struct HistogramSeries {
  std::string label;
  std::vector<HistogramBin> bins;
};

// kHeatmap: one row per series (a CPU core, a GPU, a node's mean), one
// column per equal x bucket between x_min and x_max; each cell is coloured by
// its value on a sequential scale from y_min to y_max (a colour legend shows
// the scale). NaN = no sample in the bucket (left blank).
struct HeatmapRow {
  std::string label;           // "gpu0", "CPU (mean)"
  std::string group;           // first row of a group names it ("algo-1"); "" = same group
  std::vector<double> values;  // one per column
  // Optional, one per column: the cell's kind, an index into
  // Chart::stack_labels (-1 none). A heatmap whose rows have kinds draws
  // each cell in its kind's colour (Chart::stack_colors), paler for lower
  // values, and names the kinds in its legend (busy GPU streams by kernel
  // type).
  std::vector<int> kinds;
};

// kStackedBar: one horizontal bar per StackedBar, its values laid end to end
// in the order of Chart::stack_labels (a legend names them); the x axis runs
// from 0 to the largest bar total (or y_min..y_max when set: 0–100 for
// shares). Time breakdowns per rank or per step.
struct StackedBar {
  std::string label;           // "rank 0", "step 12"
  std::vector<double> values;  // one per stack label; NaN / negative = 0
  bool highlight = false;      // label drawn in bold (flagged)
};

enum class ChartKind { kLine, kBox, kPie, kBar, kHistogram, kHeatmap, kStackedBar };

struct Chart {
  ChartKind kind = ChartKind::kLine;
  std::string id;  // stable identifier (used for file-free embedding)
  std::string title;
  std::string x_label;
  std::string y_label;
  bool x_is_time = false;                   // x in seconds since epoch: axis shows UTC time
  double y_min = 0, y_max = 0;              // y_max <= y_min: auto
  std::vector<ChartSeries> series;          // kLine
  std::vector<ChartBand> bands;             // kLine
  std::vector<BoxPlot> boxes;               // kBox
  std::vector<PieSlice> slices;             // kPie / kBar
  std::vector<HistogramSeries> histograms;  // kHistogram
  std::vector<double> vlines;               // kHistogram: threshold markers
  // kLine / kHeatmap: fixed x range (x_max <= x_min: the data's), so stacked
  // charts share one time axis.
  double x_min = 0, x_max = 0;
  // kLine: least width (units) kept for the y tick labels, so the plots of
  // stacked charts start at the same x (0: as wide as the labels need).
  double y_tick_room = 0;
  // kLine: x ranges marked in a strip above the plot, one row per distinct
  // label (the 60 s windows where a rule fired; label = the rule's name).
  std::vector<ChartBand> marks;
  std::vector<HeatmapRow> heat_rows;  // kHeatmap
  // kStackedBar: the parts' names and palette indices (-1 or missing: by
  // order), and the bars. kHeatmap: the kinds of HeatmapRow::kinds.
  std::vector<std::string> stack_labels;
  std::vector<int> stack_colors;
  std::vector<StackedBar> stacks;
  std::string value_unit;            // kHeatmap: colour legend unit ("%")
  double width = 900, height = 300;  // points (1/72 in); SVG px
};

// ---- Text and tables -------------------------------------------------------

struct Table {
  std::string caption;
  std::vector<std::string> columns;
  std::vector<bool> numeric;  // per column: right-align
  std::vector<std::vector<std::string>> rows;
  std::vector<int> highlight_rows;  // row indices to emphasise
  // Optional full text of shortened cells (the HTML's title tooltip): same
  // shape as rows, "" = none; may be shorter than rows.
  std::vector<std::vector<std::string>> cell_titles;
};

// kDetails: folded detail (per-rank tables and charts of a multi-node job):
// the HTML shows `text` as the summary of a <details> element holding
// `children`; the PDF prints the summary and, unless `children_in_pdf` is
// false, the children.
// kFindings: the ranked problems at the top of the report (FindingItem).
enum class BlockKind {
  kParagraph,
  kTable,
  kChart,
  kNote,
  kKeyValues,
  kCharts,
  kDetails,
  kFindings
};

struct KeyValue {
  std::string key;
  std::string value;
};

enum class Severity { kInfo, kOk, kWarning, kIssue };

// One line of the findings box: what is wrong, where and when, the evidence
// in numbers, what to do, and the section with the detail. The HTML marks
// each item with data-rule="<rule>" (empty for the report's own findings)
// and data-stage="<stage>".
struct FindingItem {
  Severity severity = Severity::kWarning;
  std::string rule;           // "CPUBottleneck", "" for the report's own analysis
  std::string stage;          // "initialization", "training", "finalization", "job"
  std::string title;          // "CPU bottleneck: the GPUs wait for the data pipeline"
  std::string where;          // "algo-1, cores 0-5, 08:45-09:05 UTC"
  std::string evidence;       // "93 % of datapoints: a GPU < 10 % while a core > 90 %"
  std::string action;         // "Move augmentation to the GPU or use more loader workers"
  std::string impact;         // "~14 min of the training loop" ("" if not estimated)
  double impact_seconds = 0;  // the estimate behind `impact` (ranking; 0 = none)
  std::string anchor;         // section id with the detail ("cpu-bottlenecks")
};

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  std::string text;                     // kParagraph / kNote (plain text; **bold** not used)
  Severity severity = Severity::kInfo;  // kNote colouring
  Table table;                          // kTable
  Chart chart;                          // kChart
  std::vector<Chart> charts;            // kCharts: a row of small charts side by side
  std::vector<KeyValue> key_values;     // kKeyValues
  std::vector<FindingItem> findings;    // kFindings, ranked (most impact first)
  std::vector<Block> children;          // kDetails
  bool children_in_pdf = true;          // kDetails: false = summary only in the PDF
};

struct Section {
  std::string id;     // anchor, e.g. "training-job-summary"
  std::string title;  // heading text
  int level = 2;      // 2 = section, 3 = subsection
  std::vector<Block> blocks;
  std::vector<Section> subsections;
};

// What the report says about a rule, in the rules table and in the rule's
// own section. kMissing and kUnreadable come from `sm-report render`: the
// rule JSON was absent, or could not be parsed (bad JSON, wrong envelope).
enum class RuleState {
  kOk,             // evaluated, not triggered
  kTriggered,      // evaluated, triggered at least once
  kNotEvaluated,   // the data is there but too little to decide (detail says what)
  kNotApplicable,  // the data the rule needs is absent (no GPU, one GPU, ...)
  kFailed,         // internal error
  kDisabled,       // switched off by configuration
  kMissing,        // render: no <Rule>.json
  kUnreadable,     // render: <Rule>.json could not be read
};

struct RuleStatus {
  std::string name;
  RuleState state = RuleState::kOk;
  std::string detail;  // the reason for kNotApplicable .. kUnreadable
};

// "ok", "triggered", "not evaluated", "not applicable", "failed",
// "disabled", "missing", "unreadable".
inline const char* RuleStateName(RuleState s) {
  switch (s) {
    case RuleState::kOk:
      return "ok";
    case RuleState::kTriggered:
      return "triggered";
    case RuleState::kNotEvaluated:
      return "not evaluated";
    case RuleState::kNotApplicable:
      return "not applicable";
    case RuleState::kFailed:
      return "failed";
    case RuleState::kDisabled:
      return "disabled";
    case RuleState::kMissing:
      return "missing";
    case RuleState::kUnreadable:
      return "unreadable";
  }
  return "ok";
}

struct ReportModel {
  std::string kind = "Profiling report";  // the line above the title in the HTML
  std::string title = "SageMaker Debugger Profiling Report";
  std::string subtitle;  // job / input description
  std::string input_dir;
  std::string generated_by;        // "sm-report 0.1.0"
  std::vector<KeyValue> overview;  // headline facts shown at the top
  std::vector<Section> sections;
  // Every rule the report covers, in rule order, with its state.
  std::vector<RuleStatus> rules;
};

}  // namespace smr

#endif  // SMR_REPORT_MODEL_H_
