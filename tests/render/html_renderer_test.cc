// RenderHtml: structure of the page, escaping of every model string,
// self-containment, error handling and determinism.

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "render/sample_model.h"
#include "smr/render.h"
#include "smr/report_model.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

const std::string kTemplateDir = std::string(SMR_SOURCE_DIR) + "/templates";

const std::string kScript = "<script>alert(1)</script>";
const std::string kImg = "\"><img src=x onerror=alert(1)>";

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

Block Paragraph(std::string text) {
  Block b;
  b.kind = BlockKind::kParagraph;
  b.text = std::move(text);
  return b;
}

Block Note(Severity severity, std::string text) {
  Block b;
  b.kind = BlockKind::kNote;
  b.severity = severity;
  b.text = std::move(text);
  return b;
}

Chart LineChart(std::string id, std::string title) {
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
ReportModel MakeModel() {
  ReportModel m;
  m.title = "SageMaker Debugger Profiling Report";
  m.subtitle = "Training job pytorch-mnist-2023";
  m.input_dir = "/data/run-1";
  m.generated_by = "sm-report 0.1.0";
  m.overview = {{"Job duration", "1079 s"},
                {"Nodes", "2"},
                {"Rules triggered", "3 of 9"}};

  Section summary;
  summary.id = "training-job-summary";
  summary.title = "Training job summary";
  summary.blocks.push_back(
      Paragraph("Your training job ran for 1079 seconds."));
  Block kv;
  kv.kind = BlockKind::kKeyValues;
  kv.key_values = {{"Start time", "10:02:11 03/14/2023"},
                   {"Initialization", "15 %"}};
  summary.blocks.push_back(kv);
  Block pie;
  pie.kind = BlockKind::kChart;
  pie.chart.kind = ChartKind::kPie;
  pie.chart.id = "job-phases";
  pie.chart.title = "Job phases";
  pie.chart.slices = {
      {"Initialization", 15}, {"Training loop", 84}, {"Finalization", 1}};
  summary.blocks.push_back(pie);

  Section usage;
  usage.id = "system-usage-statistics";
  usage.title = "System usage statistics";
  Block table;
  table.kind = BlockKind::kTable;
  table.table.caption = "Utilization per node";
  table.table.columns = {"node", "metric", "max", "p95"};
  table.table.numeric = {false, false, true, true};
  table.table.rows = {{"algo-1", "GPU", "99.00", "84.20"},
                      {"algo-2", "GPU", "98.00", "12.50"}};
  table.table.highlight_rows = {1};
  usage.blocks.push_back(table);
  usage.blocks.push_back(
      Note(Severity::kInfo, "Percentiles over the whole job."));
  usage.blocks.push_back(Note(Severity::kOk, "CPU is well utilized."));
  usage.blocks.push_back(Note(Severity::kWarning, "GPU p95 is below 70 %."));
  usage.blocks.push_back(
      Note(Severity::kIssue, "Node algo-2 is underutilized."));

  Section gpu;
  gpu.id = "gpu-utilization-analysis";
  gpu.title = "GPU utilization analysis";
  gpu.level = 3;
  Block charts;
  charts.kind = BlockKind::kCharts;
  charts.charts = {LineChart("gpu-algo-1", "Node algo-1"),
                   LineChart("gpu-algo-2", "Node algo-2")};
  gpu.blocks.push_back(charts);
  usage.subsections.push_back(gpu);

  m.sections = {summary, usage};
  return m;
}

std::string Render(const ReportModel& model) {
  StatusOr<std::string> html = RenderHtml(model, kTemplateDir);
  EXPECT_TRUE(html.ok()) << html.status().message();
  return html.ok() ? *html : std::string();
}

// A fresh directory in the binary's scratch folder (removed when the tests
// end) holding copies of the templates, so a test can remove or change one
// file.
std::filesystem::path CopyTemplates(const std::string& name) {
  const std::filesystem::path dir = smr::testing::ScratchDir("templates-" + name);
  for (const auto& entry : std::filesystem::directory_iterator(kTemplateDir)) {
    std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
  }
  return dir;
}

TEST(HtmlRendererTest, IsAStandaloneUtf8PageWithInlineStyles) {
  const std::string html = Render(MakeModel());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << html.substr(0, 80);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  // The stylesheet is inlined verbatim (its print rules included).
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlRendererTest, HeaderShowsTitleSubtitleAndOverviewCards) {
  const std::string html = Render(MakeModel());
  EXPECT_NE(html.find("<title>SageMaker Debugger Profiling Report</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<h1>SageMaker Debugger Profiling Report</h1>"),
            std::string::npos);
  EXPECT_NE(html.find("Training job pytorch-mnist-2023"), std::string::npos);
  EXPECT_NE(html.find("sm-report 0.1.0"), std::string::npos);
  EXPECT_EQ(Count(html, "<div class=\"card\">"), 3u);
  EXPECT_NE(html.find("<dt>Job duration</dt><dd>1079 s</dd>"),
            std::string::npos);
}

TEST(HtmlRendererTest, EverySectionHasHeadingAnchorAndContentsEntry) {
  const std::string html = Render(MakeModel());
  struct Expected {
    const char* anchor;
    const char* heading;
  };
  for (const Expected& e :
       {Expected{"training-job-summary", "<h2>Training job summary"},
        Expected{"system-usage-statistics", "<h2>System usage statistics"},
        Expected{"gpu-utilization-analysis", "<h3>GPU utilization analysis"}}) {
    SCOPED_TRACE(e.anchor);
    EXPECT_NE(html.find(std::string("id=\"") + e.anchor + "\""),
              std::string::npos);
    EXPECT_NE(html.find(e.heading), std::string::npos);
    // One link from the contents, one self-link beside the heading.
    EXPECT_EQ(Count(html, std::string("href=\"#") + e.anchor + "\""), 2u);
  }
  // Contents list the sections in model order.
  EXPECT_LT(html.find("href=\"#training-job-summary\""),
            html.find("href=\"#system-usage-statistics\""));
}

TEST(HtmlRendererTest, DuplicateOrEmptySectionIdsGetUniqueAnchors) {
  ReportModel m;
  Section a;
  a.id = "rules";
  a.title = "Rules";
  Section b = a;
  Section c;
  c.title = "Data quality";  // no id: anchor from the title
  m.sections = {a, b, c};
  const std::string html = Render(m);
  EXPECT_NE(html.find("id=\"rules\""), std::string::npos);
  EXPECT_NE(html.find("id=\"rules-2\""), std::string::npos);
  EXPECT_NE(html.find("id=\"data-quality\""), std::string::npos);
}

TEST(HtmlRendererTest, TableHasCaptionHeaderNumericAlignmentAndHighlight) {
  const std::string html = Render(MakeModel());
  EXPECT_NE(html.find("<figcaption>Utilization per node</figcaption>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\" class=\"txt\">node</th>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\" class=\"num\">p95</th>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"txt\">algo-1</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">84.20</td>"), std::string::npos);
  // 2 rows x 2 numeric columns.
  EXPECT_EQ(Count(html, "<td class=\"num\">"), 4u);
  // Only row 1 (algo-2) is highlighted.
  EXPECT_EQ(Count(html, "<tr class=\"hl\">"), 1u);
  EXPECT_NE(html.find("<tr class=\"hl\"><td class=\"txt\">algo-2</td>"),
            std::string::npos);
  // Wide tables scroll inside their own box.
  EXPECT_NE(html.find("<div class=\"table-scroll\">"), std::string::npos);
}

TEST(HtmlRendererTest, RaggedRowsArePaddedToTheHeaderWidth) {
  ReportModel m;
  Section s;
  s.title = "T";
  Block b;
  b.kind = BlockKind::kTable;
  b.table.columns = {"a", "b", "c"};
  b.table.numeric = {false, true, true};
  b.table.rows = {{"x"}};
  s.blocks.push_back(b);
  m.sections.push_back(s);
  const std::string html = Render(m);
  EXPECT_NE(html.find("<td class=\"txt\">x</td><td class=\"num\"></td>"
                      "<td class=\"num\"></td></tr>"),
            std::string::npos);
}

TEST(HtmlRendererTest, ColumnsOfSentencesAreMarkedAsProse) {
  ReportModel m;
  Section s;
  s.title = "Rules";
  Block b;
  b.kind = BlockKind::kTable;
  b.table.columns = {"Rule", "Description", "Triggered"};
  b.table.numeric = {false, false, true};
  b.table.rows = {{"BatchSize", std::string(81, 'x'), "18"},
                  {"StepOutlier", "short", "0"}};
  s.blocks.push_back(b);
  m.sections.push_back(s);
  const std::string html = Render(m);
  // The whole column is prose, including its short cells.
  EXPECT_EQ(Count(html, "<td class=\"txt prose\">"), 2u);
  EXPECT_NE(html.find("<td class=\"txt\">StepOutlier</td>"
                      "<td class=\"txt prose\">short</td>"),
            std::string::npos);
}

TEST(HtmlRendererTest, NotesCarryTheirSeverityClass) {
  const std::string html = Render(MakeModel());
  EXPECT_NE(html.find("class=\"note note-info\""), std::string::npos);
  EXPECT_NE(html.find("class=\"note note-ok\""), std::string::npos);
  EXPECT_NE(html.find("class=\"note note-warning\""), std::string::npos);
  EXPECT_NE(html.find("class=\"note note-issue\""), std::string::npos);
  const std::size_t issue = html.find("class=\"note note-issue\"");
  EXPECT_LT(issue, html.find("Node algo-2 is underutilized."));
}

TEST(HtmlRendererTest, KeyValuesBecomeARowHeaderTable) {
  const std::string html = Render(MakeModel());
  EXPECT_NE(html.find("<tr><th scope=\"row\">Start time</th>"
                      "<td>10:02:11 03/14/2023</td></tr>"),
            std::string::npos);
}

TEST(HtmlRendererTest, EveryChartBecomesSvgOrTitledPlaceholder) {
  const std::string html = Render(MakeModel());
  // 1 pie + a row of 2 line charts.
  EXPECT_EQ(Count(html, "<figure class=\"chart\""), 3u);
  EXPECT_EQ(Count(html, "<div class=\"chart-row\">"), 1u);
  // Charts, not counting the page's one hidden block of shared glyphs.
  const std::size_t drawn =
      Count(html, "<svg") - Count(html, "<svg class=\"smr-glyphs\"");
  const std::size_t placeholders = Count(html, "class=\"chart-placeholder\"");
  EXPECT_EQ(drawn + placeholders, 3u);
  for (const char* title : {"Job phases", "Node algo-1", "Node algo-2"}) {
    EXPECT_NE(html.find(std::string("aria-label=\"") + title + "\""),
              std::string::npos)
        << title;
  }
  // Inline SVG only: no XML declaration in the middle of an HTML body.
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
}

TEST(HtmlRendererTest, HostileStringsAreEscapedInEveryField) {
  ReportModel m;
  m.title = kScript;
  m.subtitle = kImg;
  m.input_dir = kScript;
  m.generated_by = kImg;
  m.overview = {{kScript, kImg}};
  Section s;
  s.id = kImg;
  s.title = kScript;
  s.blocks.push_back(Paragraph(kScript));
  s.blocks.push_back(Note(Severity::kIssue, kImg));
  Block kv;
  kv.kind = BlockKind::kKeyValues;
  kv.key_values = {{kImg, kScript}};
  s.blocks.push_back(kv);
  Block table;
  table.kind = BlockKind::kTable;
  table.table.caption = kScript;
  table.table.columns = {kImg, kScript};
  table.table.numeric = {false, true};
  table.table.rows = {{kScript, kImg}};
  s.blocks.push_back(table);
  Block chart;
  chart.kind = BlockKind::kChart;
  chart.chart = LineChart(kImg, kScript);
  chart.chart.x_label = kImg;
  chart.chart.y_label = kScript;
  chart.chart.series[0].label = kScript;
  s.blocks.push_back(chart);
  Block charts;
  charts.kind = BlockKind::kCharts;
  charts.charts = {LineChart(kScript, kImg)};
  s.blocks.push_back(charts);
  Section sub;
  sub.id = kScript;
  sub.title = kImg;
  sub.blocks.push_back(Paragraph(kImg));
  s.subsections.push_back(sub);
  m.sections.push_back(s);

  const std::string html = Render(m);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("\"><img"), std::string::npos);
  EXPECT_EQ(html.find("onerror=alert(1)>"), std::string::npos);
  // Escaped text is still there for the reader: title (x2 + h1 + footer),
  // input dir, section title (heading + contents), paragraph, key/value,
  // caption, header and cell; chart titles are in aria-labels/placeholders.
  EXPECT_GE(Count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 10u);
  EXPECT_GE(Count(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), 6u);
  // Section anchors derived from hostile ids are plain slugs.
  const std::regex href(R"re(<a (?:class="anchor" )?href="#([^"]*)")re");
  int anchors = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href);
       it != std::sregex_iterator(); ++it, ++anchors) {
    EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex("[a-z0-9-]+")))
        << (*it)[1].str();
  }
  EXPECT_EQ(anchors, 4);  // 2 sections x (contents + heading self-link)
}

// Escapes the five HTML-special characters the way a reader's browser must
// see them as text (independent of the renderer's code path).
std::string HtmlText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The shared representative model (every block and chart kind, a long
// table, hostile strings) renders with every section reachable from the
// contents and no raw markup from the input.
TEST(HtmlRendererTest, SampleReportHasEverySectionAndNoRawInputMarkup) {
  const ReportModel model = testing_sample::SampleReportModel();
  const std::string html = Render(model);
  ASSERT_FALSE(html.empty());
  std::vector<const Section*> sections;
  for (const Section& s : model.sections) {
    sections.push_back(&s);
    for (const Section& sub : s.subsections) sections.push_back(&sub);
  }
  for (const Section* s : sections) {
    SCOPED_TRACE(s->id);
    EXPECT_NE(html.find("id=\"" + s->id + "\""), std::string::npos);
    EXPECT_NE(
        html.find("<a href=\"#" + s->id + "\">" + HtmlText(s->title) + "</a>"),
        std::string::npos);
    EXPECT_NE(html.find(HtmlText(s->title) + "<a class=\"anchor\""),
              std::string::npos);
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find(HtmlText(testing_sample::kHostile)), std::string::npos);
  // The 120-row table: every row present, highlighted rows 7, 47, 87.
  EXPECT_EQ(Count(html, "<tr class=\"hl\">"), 3u + 1u);  // + node table
  EXPECT_NE(html.find("<td class=\"num\">119</td>"), std::string::npos);
}

TEST(HtmlRendererTest, PageReferencesNoExternalResource) {
  const std::string html = Render(MakeModel());
  for (const char* needle :
       {"http://", "https://", "src=", "<link", "@import", "<script", "<iframe",
        "<object", "<embed", "xmlns"}) {
    EXPECT_EQ(html.find(needle), std::string::npos) << needle;
  }
  // url(...) only as a reference to an element of the page (SVG clips).
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(url\((?!#))")));
}

// Charts are drawn as separate SVG documents that each number their ids
// from 1; inlined side by side they must not share ids (even when two
// charts share a Chart::id), and every id reference must resolve inside
// the page.
TEST(HtmlRendererTest, IdsAreUniqueAndEveryFragmentReferenceResolves) {
  ReportModel m = MakeModel();
  Block more;
  more.kind = BlockKind::kCharts;
  more.charts = {LineChart("same", "Step durations"),
                 LineChart("same", "Workload")};
  m.sections[0].blocks.push_back(more);
  const std::string html = Render(m);
  std::set<std::string> ids;
  const std::regex id_attr(R"re( id="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_attr);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(ids.insert((*it)[1].str()).second)
        << "duplicate id " << (*it)[1].str();
  }
  const std::regex ref(
      R"re((?:href="#|url\(#|aria-labelledby="|aria-describedby=")([^")]*))re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(ids.count((*it)[1].str()), 1u)
        << "dangling reference #" << (*it)[1].str();
  }
}

// A page of `nodes` x (host chart with 3 dense series + GPU chart with 8),
// like the per-node charts of a real report.
ReportModel DenseModel(int nodes, int points) {
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

// The page-wide column budget: more nodes share the same series budget, so
// 4x the charts costs far less than 4x the bytes and stays under 3 MB.
TEST(HtmlRendererTest, DenseChartsShareAPageWideDetailBudget) {
  const std::string four = Render(DenseModel(4, 20000));
  const std::string sixteen = Render(DenseModel(16, 20000));
  EXPECT_LT(four.size(), 2u * 1024 * 1024) << four.size();
  EXPECT_LT(sixteen.size(), 3u * 1024 * 1024) << sixteen.size();
  EXPECT_LT(sixteen.size(), four.size() * 2) << four.size() << " -> "
                                             << sixteen.size();
}

// Glyph outlines and text labels are defined once per page, in one hidden
// block, however many charts use them; every chart only references them.
TEST(HtmlRendererTest, GlyphsAreDefinedOncePerPage) {
  const std::string two = Render(DenseModel(1, 10));
  const std::string twenty = Render(DenseModel(10, 10));
  EXPECT_EQ(Count(two, "<svg class=\"smr-glyphs\""), 1u);
  EXPECT_EQ(Count(twenty, "<svg class=\"smr-glyphs\""), 1u);
  // Ten times the charts, the same labels: no more than a few more glyph
  // and label definitions (the node numbers).
  EXPECT_LT(Count(twenty, "<symbol"), Count(two, "<symbol") + 40);
  // No symbol body is defined twice.
  std::set<std::string> bodies;
  const std::regex symbol(R"re(<symbol overflow="visible" id="[^"]*">(.*?)</symbol>)re");
  for (auto it = std::sregex_iterator(twenty.begin(), twenty.end(), symbol);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(bodies.insert((*it)[1].str()).second) << (*it)[1].str();
  }
  // Charts carry no glyph definitions and no inline style of their own.
  const std::size_t first_chart = twenty.find("<svg width=");
  ASSERT_NE(first_chart, std::string::npos);
  const std::string charts = twenty.substr(first_chart);
  EXPECT_EQ(charts.find("<symbol"), std::string::npos);
  EXPECT_EQ(charts.find(" style=\""), std::string::npos);
}

TEST(HtmlRendererTest, SameModelRendersIdenticalBytes) {
  const ReportModel m = MakeModel();
  const std::string first = Render(m);
  const std::string second = Render(m);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

TEST(HtmlRendererTest, MissingTemplateDirectoryIsAnErrorNamingIt) {
  StatusOr<std::string> html =
      RenderHtml(MakeModel(), "/nonexistent/smr-templates");
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.status().message().find("/nonexistent/smr-templates"),
            std::string::npos)
      << html.status().message();
}

TEST(HtmlRendererTest, MissingTemplateFileIsAnErrorNamingTheFile) {
  for (const char* name : {"report.html.tpl", "section.tpl", "table.tpl",
                           "chart.tpl", "report.css"}) {
    SCOPED_TRACE(name);
    const std::filesystem::path dir = CopyTemplates("missing");
    std::filesystem::remove(dir / name);
    StatusOr<std::string> html = RenderHtml(MakeModel(), dir.string());
    ASSERT_FALSE(html.ok());
    EXPECT_NE(html.status().message().find(name), std::string::npos)
        << html.status().message();
  }
}

TEST(HtmlRendererTest, MalformedTemplateIsAnErrorNotACrash) {
  const std::filesystem::path dir = CopyTemplates("malformed");
  std::ofstream(dir / "table.tpl", std::ios::trunc)
      << "{{%AUTOESCAPE context=\"HTML\"}}\n{{#ROW}}<td>{{TEXT}}</td>\n";
  StatusOr<std::string> html = RenderHtml(MakeModel(), dir.string());
  EXPECT_FALSE(html.ok());
}

TEST(HtmlRendererTest, EachCallLoadsTemplatesFromItsOwnDirectory) {
  const std::filesystem::path dir = CopyTemplates("custom");
  std::ofstream(dir / "report.html.tpl", std::ios::trunc)
      << "{{%AUTOESCAPE context=\"HTML\"}}\n<p>custom {{TITLE}}</p>\n";
  StatusOr<std::string> custom = RenderHtml(MakeModel(), dir.string());
  ASSERT_TRUE(custom.ok()) << custom.status().message();
  EXPECT_EQ(*custom, "<p>custom SageMaker Debugger Profiling Report</p>\n");
  // The stock templates are not shadowed by the previous call.
  EXPECT_NE(Render(MakeModel()).find("<!DOCTYPE html>"), std::string::npos);
}

}  // namespace
}  // namespace smr
