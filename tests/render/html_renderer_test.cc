// RenderHtml: structure of the page, escaping of every model string,
// self-containment, error handling and determinism. Chart inlining is
// tested in svg_inline_test.cc.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "render/sample_model.h"
#include "smr/render.h"
#include "smr/report_model.h"
#include "tests/render/html_test_util.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

using namespace html_test;  // NOLINT: test helpers

TEST(HtmlRendererTest, IsAStandaloneUtf8PageWithInlineStyles) {
  const std::string html = Render(MakeModel());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << html.substr(0, 80);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  // The stylesheet is inlined verbatim (its print rules included).
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  // One script, the page's own (templates/report.js), at the end of the body.
  const std::string page = WithoutPageScript(html);
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<script>\n/* sm-report page script"), std::string::npos);
  // It may run inline but load nothing: the page's policy forbids fetching.
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"),
            std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlRendererTest, HeaderShowsTitleSubtitleAndOverviewCards) {
  const std::string html = Render(MakeModel());
  EXPECT_NE(html.find("<title>SageMaker Debugger Profiling Report</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>SageMaker Debugger Profiling Report</h1>"), std::string::npos);
  EXPECT_NE(html.find("Training job pytorch-mnist-2023"), std::string::npos);
  EXPECT_NE(html.find("sm-report 0.1.0"), std::string::npos);
  EXPECT_EQ(Count(html, "<div class=\"card\">"), 3u);
  EXPECT_NE(html.find("<dt>Job duration</dt><dd>1079 s</dd>"), std::string::npos);
}

TEST(HtmlRendererTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  ReportModel m = MakeModel();
  m.input_dir = "jobs/caf\xe9-run";  // a Latin-1 folder name
  m.overview.push_back({"Nodes", "algo-\xff"});
  const std::string html = Render(m);
  EXPECT_NE(html.find("jobs/caf\xef\xbf\xbd-run"), std::string::npos);
  EXPECT_NE(html.find("algo-\xef\xbf\xbd"), std::string::npos);
  EXPECT_EQ(html.find('\xe9'), std::string::npos);
  EXPECT_EQ(html.find('\xff'), std::string::npos);
}

TEST(HtmlRendererTest, EverySectionHasHeadingAnchorAndContentsEntry) {
  const std::string html = Render(MakeModel());
  struct Expected {
    const char* anchor;
    const char* heading;
  };
  for (const Expected& e : {Expected{"training-job-summary", "<h2>Training job summary"},
                            Expected{"system-usage-statistics", "<h2>System usage statistics"},
                            Expected{"gpu-utilization-analysis", "<h3>GPU utilization analysis"}}) {
    SCOPED_TRACE(e.anchor);
    EXPECT_NE(html.find(std::string("id=\"") + e.anchor + "\""), std::string::npos);
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
  EXPECT_NE(html.find("<figcaption>Utilization per node</figcaption>"), std::string::npos);
  // Headers say how the page script sorts their column.
  EXPECT_NE(html.find("<table class=\"data sortable\">"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\" class=\"txt\" data-sort=\"text\">node</th>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\" class=\"num\" data-sort=\"num\">p95</th>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"txt\">algo-1</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">84.20</td>"), std::string::npos);
  // 2 rows x 2 numeric columns.
  EXPECT_EQ(Count(html, "<td class=\"num\">"), 4u);
  // Only row 1 (algo-2) is highlighted.
  EXPECT_EQ(Count(html, "<tr class=\"hl\">"), 1u);
  EXPECT_NE(html.find("<tr class=\"hl\"><td class=\"txt\">algo-2</td>"), std::string::npos);
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
  b.table.rows = {{"BatchSize", std::string(81, 'x'), "18"}, {"StepOutlier", "short", "0"}};
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
  ASSERT_FALSE(WithoutPageScript(html).empty());
  EXPECT_EQ(WithoutPageScript(html).find("<script"), std::string::npos);
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
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it, ++anchors) {
    EXPECT_TRUE(std::regex_match((*it)[1].str(), std::regex("[a-z0-9-]+"))) << (*it)[1].str();
  }
  EXPECT_EQ(anchors, 4);  // 2 sections x (contents + heading self-link)
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
    EXPECT_NE(html.find("<a href=\"#" + s->id + "\">" + HtmlText(s->title) + "</a>"),
              std::string::npos);
    EXPECT_NE(html.find(HtmlText(s->title) + "<a class=\"anchor\""), std::string::npos);
  }
  ASSERT_FALSE(WithoutPageScript(html).empty());
  EXPECT_EQ(WithoutPageScript(html).find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find(HtmlText(testing_sample::kHostile)), std::string::npos);
  // The 120-row table: every row present, highlighted rows 7, 47, 87.
  EXPECT_EQ(Count(html, "<tr class=\"hl\">"), 3u + 1u);  // + node table
  EXPECT_NE(html.find("<td class=\"num\">119</td>"), std::string::npos);
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
  StatusOr<std::string> html = RenderHtml(MakeModel(), "/nonexistent/smr-templates");
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.status().message().find("/nonexistent/smr-templates"), std::string::npos)
      << html.status().message();
}

TEST(HtmlRendererTest, MissingTemplateFileIsAnErrorNamingTheFile) {
  for (const char* name :
       {"report.html.tpl", "section.tpl", "block.tpl", "table.tpl", "chart.tpl", "report.css"}) {
    SCOPED_TRACE(name);
    const std::filesystem::path dir = CopyTemplates("missing");
    std::filesystem::remove(dir / name);
    StatusOr<std::string> html = RenderHtml(MakeModel(), dir.string());
    ASSERT_FALSE(html.ok());
    EXPECT_NE(html.status().message().find(name), std::string::npos) << html.status().message();
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
