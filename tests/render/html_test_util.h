// Helpers shared by the HTML renderer tests: a small report model shaped like
// the real one, a dense one, rendering with the project's templates, copies
// of the templates to break, and HTML text escaping.
#ifndef SMR_TESTS_RENDER_HTML_TEST_UTIL_H_
#define SMR_TESTS_RENDER_HTML_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "smr/render.h"
#include "smr/report_model.h"
#include "tests/testing/html_text.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace html_test {

inline const std::string kTemplateDir = std::string(SMR_SOURCE_DIR) + "/templates";

inline const std::string kScript = "<script>alert(1)</script>";
inline const std::string kImg = "\"><img src=x onerror=alert(1)>";

inline std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The page without its own script (templates/report.js, inlined once as the
// last element of the body); "" when the page does not end with exactly
// that one script, so assertions on the rest of the page cannot pass by
// accident.
inline std::string WithoutPageScript(const std::string& html) {
  const std::size_t open = html.find("<script>\n");
  const std::size_t close = html.find("</script>\n</body>");
  if (open == std::string::npos || close == std::string::npos || close < open ||
      Count(html, "<script") != 1 || Count(html, "</script") != 1) {
    return "";
  }
  return html.substr(0, open) + html.substr(close + 9);
}

inline Block Paragraph(std::string text) {
  Block b;
  b.kind = BlockKind::kParagraph;
  b.text = std::move(text);
  return b;
}

inline Block Note(Severity severity, std::string text) {
  Block b;
  b.kind = BlockKind::kNote;
  b.severity = severity;
  b.text = std::move(text);
  return b;
}

inline Chart LineChart(std::string id, std::string title) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = std::move(id);
  c.title = std::move(title);
  c.x_label = "Time";
  c.y_label = "Utilization in %";
  ChartSeries s;
  s.label = "gpu0";
  s.points = {{0, 10}, {60, 80}, {120, 75}};
  c.series.push_back(s);
  return c;
}

// A small report shaped like the real one: overview cards, a summary with
// key/values and a pie, a statistics table with numeric columns and a
// highlighted row, notes of every severity, and a subsection with a row of
// small charts.
inline ReportModel MakeModel() {
  ReportModel m;
  m.title = "SageMaker Debugger Profiling Report";
  m.subtitle = "Training job pytorch-mnist-2023";
  m.input_dir = "/data/run-1";
  m.generated_by = "sm-report 0.1.0";
  m.overview = {{"Job duration", "1079 s"}, {"Nodes", "2"}, {"Rules triggered", "3 of 9"}};

  Section summary;
  summary.id = "training-job-summary";
  summary.title = "Training job summary";
  summary.blocks.push_back(Paragraph("Your training job ran for 1079 seconds."));
  Block kv;
  kv.kind = BlockKind::kKeyValues;
  kv.key_values = {{"Start time", "10:02:11 03/14/2023"}, {"Initialization", "15 %"}};
  summary.blocks.push_back(kv);
  Block pie;
  pie.kind = BlockKind::kChart;
  pie.chart.kind = ChartKind::kPie;
  pie.chart.id = "job-phases";
  pie.chart.title = "Job phases";
  pie.chart.slices = {{"Initialization", 15}, {"Training loop", 84}, {"Finalization", 1}};
  summary.blocks.push_back(pie);

  Section usage;
  usage.id = "system-usage-statistics";
  usage.title = "System usage statistics";
  Block table;
  table.kind = BlockKind::kTable;
  table.table.caption = "Utilization per node";
  table.table.columns = {"node", "metric", "max", "p95"};
  table.table.numeric = {false, false, true, true};
  table.table.rows = {{"algo-1", "GPU", "99.00", "84.20"}, {"algo-2", "GPU", "98.00", "12.50"}};
  table.table.highlight_rows = {1};
  usage.blocks.push_back(table);
  usage.blocks.push_back(Note(Severity::kInfo, "Percentiles over the whole job."));
  usage.blocks.push_back(Note(Severity::kOk, "CPU is well utilized."));
  usage.blocks.push_back(Note(Severity::kWarning, "GPU p95 is below 70 %."));
  usage.blocks.push_back(Note(Severity::kIssue, "Node algo-2 is underutilized."));

  Section gpu;
  gpu.id = "gpu-utilization-analysis";
  gpu.title = "GPU utilization analysis";
  gpu.level = 3;
  Block charts;
  charts.kind = BlockKind::kCharts;
  charts.charts = {LineChart("gpu-algo-1", "Node algo-1"), LineChart("gpu-algo-2", "Node algo-2")};
  gpu.blocks.push_back(charts);
  usage.subsections.push_back(gpu);

  m.sections = {summary, usage};
  return m;
}

inline std::string Render(const ReportModel& model) {
  StatusOr<std::string> html = RenderHtml(model, kTemplateDir);
  EXPECT_TRUE(html.ok()) << html.status().message();
  return html.ok() ? *html : std::string();
}

// A fresh directory in the binary's scratch folder (removed when the tests
// end) holding copies of the templates, so a test can remove or change one
// file.
inline std::filesystem::path CopyTemplates(const std::string& name) {
  const std::filesystem::path dir = smr::testing::ScratchDir("templates-" + name);
  for (const auto& entry : std::filesystem::directory_iterator(kTemplateDir)) {
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  }
  return dir;
}

using ::smr::testing::HtmlText;

// A page of `nodes` x (host chart with 3 dense series + GPU chart with 8),
// like the per-node charts of a real report.
inline ReportModel DenseModel(int nodes, int points) {
  ReportModel m;
  m.title = "Dense";
  Section s;
  s.id = "usage";
  s.title = "Usage";
  for (int n = 0; n < nodes; ++n) {
    for (int series : {3, 8}) {
      Block b;
      b.kind = BlockKind::kChart;
      b.chart.kind = ChartKind::kLine;
      b.chart.id = "node" + std::to_string(n) + "-" + std::to_string(series);
      b.chart.title = "algo-" + std::to_string(n + 1) + ": utilization";
      b.chart.x_label = "Time";
      b.chart.y_label = "Utilization (%)";
      b.chart.x_is_time = true;
      b.chart.y_min = 0;
      b.chart.y_max = 100;
      for (int k = 0; k < series; ++k) {
        ChartSeries sr;
        sr.label = "gpu" + std::to_string(k);
        sr.points.reserve(points);
        for (int i = 0; i < points; ++i) {
          const double noise = ((i * 7919LL + k * 104729LL + n) % 1000) / 1000.0;
          sr.points.push_back(
              {1.7e9 + i * 0.1, 45 + 30 * std::sin(i * 3e-4 * (k + 1)) + 20 * noise});
        }
        b.chart.series.push_back(std::move(sr));
      }
      s.blocks.push_back(std::move(b));
    }
  }
  m.sections.push_back(std::move(s));
  return m;
}

}  // namespace html_test
}  // namespace smr

#endif  // SMR_TESTS_RENDER_HTML_TEST_UTIL_H_
