// Test helper: a representative, self-contained ReportModel for renderer
// tests (every block kind, every chart kind, several sections, a long table,
// hostile strings). Deterministic: no clocks, no randomness.
#ifndef SMR_TESTS_RENDER_SAMPLE_MODEL_H_
#define SMR_TESTS_RENDER_SAMPLE_MODEL_H_

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "smr/report_model.h"

namespace smr::testing_sample {

inline constexpr double kJobStartS = 1700000000;  // 2023-11-14 22:13:20 UTC
inline constexpr const char* kHostile = "<script>alert(1)</script> & <b>";

// Line chart over a one-hour job: CPU, two GPUs, GPU memory, with phases.
inline Chart SampleLineChart(int points = 3600) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = "system-utilization";
  c.title = "System utilization";
  c.x_label = "Time";
  c.y_label = "Utilization (%)";
  c.x_is_time = true;
  c.y_min = 0;
  c.y_max = 100;
  const char* names[] = {"CPU", "gpu0", "gpu1", "GPU memory"};
  for (int s = 0; s < 4; ++s) {
    ChartSeries series;
    series.label = names[s];
    for (int i = 0; i < points; ++i) {
      const double t = kJobStartS + i * (3600.0 / points);
      const double phase = i * 6.283 / points;
      double y = 50 + 35 * std::sin(phase * (s + 1)) + 8 * std::sin(i * 0.7);
      if (s == 3) y = 30 + i * 40.0 / points;
      series.points.push_back({t, std::fmax(0, std::fmin(100, y))});
    }
    c.series.push_back(std::move(series));
  }
  c.bands.push_back({kJobStartS, kJobStartS + 300, "init", 7});
  c.bands.push_back({kJobStartS + 300, kJobStartS + 3000, "train", 2});
  c.bands.push_back({kJobStartS + 3000, kJobStartS + 3600, "eval", 1});
  return c;
}

inline Chart SampleBoxChart() {
  Chart c;
  c.kind = ChartKind::kBox;
  c.id = "step-durations";
  c.title = "Step duration per node";
  c.y_label = "Step time (ms)";
  c.x_label = "Node";
  for (int i = 0; i < 6; ++i) {
    BoxPlot b;
    b.label = "algo-" + std::to_string(i + 1);
    b.lower = 80 + i;
    b.p25 = 95 + i;
    b.p50 = 100 + 2 * i;
    b.p75 = 110 + 3 * i;
    b.upper = 130 + 4 * i;
    b.max = i == 4 ? 260 : std::numeric_limits<double>::quiet_NaN();
    b.highlight = i == 4;
    c.boxes.push_back(b);
  }
  c.height = 260;
  return c;
}

inline Chart SamplePieChart() {
  Chart c;
  c.kind = ChartKind::kPie;
  c.id = "framework-ops";
  c.title = "Time in framework operations";
  c.slices = {{"Conv2D", 41.5}, {"MatMul", 22.0}, {"BatchNorm", 12.0},
              {"Relu", 6.5},    {"Idle", 0.0},    {"Other", 18.0}};
  c.width = 440;
  c.height = 260;
  return c;
}

inline Chart SampleBarChart() {
  Chart c;
  c.kind = ChartKind::kBar;
  c.id = "phase-split";
  c.title = "Time per training phase";
  c.x_label = "Seconds";
  c.slices = {
      {"Training loop", 2700}, {"Initialization", 300}, {"Evaluation", 480}, {"Finalization", 120}};
  c.width = 440;
  c.height = 200;
  return c;
}

inline Chart SampleHistogramChart() {
  Chart c;
  c.kind = ChartKind::kHistogram;
  c.id = "gpu-util-hist";
  c.title = "GPU utilization distribution";
  c.x_label = "Utilization (%)";
  c.y_label = "Samples";
  for (int s = 0; s < 2; ++s) {
    HistogramSeries h;
    h.label = "gpu" + std::to_string(s);
    for (int b = 0; b < 20; ++b) {
      const double center = s == 0 ? 8 : 13;
      const double d = b - center;
      h.bins.push_back({b * 5.0, b * 5.0 + 5, 400 * std::exp(-d * d / 8)});
    }
    c.histograms.push_back(std::move(h));
  }
  c.vlines = {10, 90};
  return c;
}

inline Chart EmptyChart(ChartKind kind, const std::string& id) {
  Chart c;
  c.kind = kind;
  c.id = id;
  c.title = "Empty " + id;
  return c;
}

inline Table LongTable(int rows) {
  Table t;
  t.caption = "Per-step timings";
  t.columns = {"Step", "Phase", "Duration (ms)", "GPU util (%)", "Notes"};
  t.numeric = {true, false, true, true, false};
  for (int i = 0; i < rows; ++i) {
    t.rows.push_back({std::to_string(i), i % 50 == 0 ? "eval" : "train",
                      std::to_string(100 + (i * 37) % 90) + ".5", std::to_string((i * 13) % 100),
                      i % 40 == 7 ? "slow step: data loader stalled waiting "
                                    "for the input pipeline to refill"
                                  : ""});
    if (i % 40 == 7) t.highlight_rows.push_back(i);
  }
  return t;
}

// "Training job summary": a paragraph, key/values and a bar chart.
inline Section SampleSummarySection() {
  Section summary;
  summary.id = "training-job-summary";
  summary.title = "Training job summary";
  Block p;
  p.kind = BlockKind::kParagraph;
  p.text =
      "The following table gives a summary of the training job. The job ran "
      "for one hour on two nodes. Most of the time was spent in the "
      "training loop; initialization took five minutes and evaluation "
      "eight. GPU utilization was moderate, with several dips caused by "
      "the input pipeline.";
  summary.blocks.push_back(p);
  Block kv;
  kv.kind = BlockKind::kKeyValues;
  kv.key_values = {{"Start time", "2023-11-14 22:13:20 UTC"},
                   {"End time", "2023-11-14 23:13:20 UTC"},
                   {"Job duration", "3600 s"},
                   {"Training loop duration", "2700 s"}};
  summary.blocks.push_back(kv);
  Block bar;
  bar.kind = BlockKind::kChart;
  bar.chart = SampleBarChart();
  summary.blocks.push_back(bar);
  return summary;
}

// "Step duration analysis", a subsection: a box chart and two notes.
inline Section SampleStepDurationsSection() {
  Section sub;
  sub.id = "step-durations";
  sub.title = "Step duration analysis";
  sub.level = 3;
  Block box;
  box.kind = BlockKind::kChart;
  box.chart = SampleBoxChart();
  sub.blocks.push_back(box);
  Block ok;
  ok.kind = BlockKind::kNote;
  ok.severity = Severity::kOk;
  ok.text = "No step outliers were found on algo-1.";
  sub.blocks.push_back(ok);
  Block issue;
  issue.kind = BlockKind::kNote;
  issue.severity = Severity::kIssue;
  issue.text = "algo-5 had step outliers up to 260 ms (2.6x the median).";
  sub.blocks.push_back(issue);
  return sub;
}

// "System usage statistics": a note, a line chart, a row of charts, a table
// and a subsection.
inline Section SampleSystemSection() {
  Section system;
  system.id = "system-usage";
  system.title = "System usage statistics";
  Block note;
  note.kind = BlockKind::kNote;
  note.severity = Severity::kWarning;
  note.text = "GPU utilization was below 70% for 40% of the training loop.";
  system.blocks.push_back(note);
  Block line;
  line.kind = BlockKind::kChart;
  line.chart = SampleLineChart();
  system.blocks.push_back(line);
  Block row;
  row.kind = BlockKind::kCharts;
  row.charts = {SamplePieChart(), SampleHistogramChart()};
  row.charts[1].width = 440;
  row.charts[1].height = 260;
  system.blocks.push_back(row);
  Table t;
  t.caption = "Utilization per node";
  t.columns = {"Node", "Metric", "max", "p99", "p95", "p50", "min"};
  t.numeric = {false, false, true, true, true, true, true};
  t.rows = {{"algo-1", "CPU", "99", "95", "90", "45", "2"},
            {"algo-1", "gpu0", "100", "99", "97", "72", "0"},
            {"algo-2", "CPU", "98", "93", "88", "40", "1"},
            {"algo-2", "gpu0", "100", "98", "96", "70", "0"}};
  t.highlight_rows = {3};
  Block tb;
  tb.kind = BlockKind::kTable;
  tb.table = t;
  system.blocks.push_back(tb);
  system.subsections.push_back(SampleStepDurationsSection());
  return system;
}

// "Per-step details": a note and a long table.
inline Section SampleStepsSection() {
  Section steps;
  steps.id = "per-step";
  steps.title = "Per-step details";
  Block info;
  info.kind = BlockKind::kNote;
  info.severity = Severity::kInfo;
  info.text = "Rows flagged by the StepOutlier rule are highlighted.";
  steps.blocks.push_back(info);
  Block tb;
  tb.kind = BlockKind::kTable;
  tb.table = LongTable(120);
  steps.blocks.push_back(tb);
  return steps;
}

// Hostile strings in a title, a paragraph and a table, and empty charts.
inline Section SampleHostileSection() {
  Section hostile;
  hostile.id = "hostile";
  hostile.title = std::string("Escaping check ") + kHostile;
  Block p;
  p.kind = BlockKind::kParagraph;
  p.text = std::string("Paragraph ") + kHostile;
  hostile.blocks.push_back(p);
  Block tb;
  tb.kind = BlockKind::kTable;
  tb.table.columns = {"Name", "Value"};
  tb.table.numeric = {false, true};
  tb.table.rows = {{kHostile, "1"}};
  hostile.blocks.push_back(tb);
  Block empty;
  empty.kind = BlockKind::kCharts;
  empty.charts = {EmptyChart(ChartKind::kLine, "empty-line"),
                  EmptyChart(ChartKind::kPie, "empty-pie")};
  hostile.blocks.push_back(empty);
  return hostile;
}

inline ReportModel SampleReportModel() {
  ReportModel m;
  m.title = "SageMaker Debugger Profiling Report";
  m.subtitle = "Job pytorch-resnet50-2023-11-14 (2 nodes, 8 GPUs)";
  m.input_dir = "/data/profiler-output";
  m.generated_by = "sm-report 0.1.0";
  m.overview = {{"Job duration", "1 h 00 min"},
                {"Nodes", "2 (ml.p3.16xlarge)"},
                {"Rules triggered", "3 of 12"},
                {"Input", "/data/profiler-output"}};

  m.sections = {SampleSummarySection(), SampleSystemSection(), SampleStepsSection(),
                SampleHostileSection()};
  return m;
}

}  // namespace smr::testing_sample

#endif  // SMR_TESTS_RENDER_SAMPLE_MODEL_H_
