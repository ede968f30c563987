// Charts inlined into the HTML page (src/render/svg_inline.h): every chart
// becomes inline SVG or a titled placeholder, ids stay unique across charts,
// glyphs and styles are shared page-wide, nothing external is referenced,
// and dense charts share one detail budget.
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
#include "src/render/svg_inline.h"
#include "tests/render/html_test_util.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

using namespace html_test;  // NOLINT: test helpers

TEST(HtmlRendererTest, EveryChartBecomesSvgOrTitledPlaceholder) {
  const std::string html = Render(MakeModel());
  // 1 pie + a row of 2 line charts.
  EXPECT_EQ(Count(html, "<figure class=\"chart\""), 3u);
  EXPECT_EQ(Count(html, "<div class=\"chart-row cols-2\">"), 1u);
  // Charts, not counting the page's one hidden block of shared glyphs.
  const std::size_t drawn = Count(html, "<svg") - Count(html, "<svg class=\"smr-glyphs\"");
  const std::size_t placeholders = Count(html, "class=\"chart-placeholder\"");
  EXPECT_EQ(drawn + placeholders, 3u);
  for (const char* title : {"Job phases", "Node algo-1", "Node algo-2"}) {
    EXPECT_NE(html.find(std::string("aria-label=\"") + title + "\""), std::string::npos) << title;
  }
  // Inline SVG only: no XML declaration in the middle of an HTML body.
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
}

TEST(HtmlRendererTest, PageReferencesNoExternalResource) {
  const std::string html = Render(MakeModel());
  for (const char* needle :
       {"http://", "https://", "src=", "href=\"/", "<link", "@import", "<iframe", "<object",
        "<embed", "xmlns", "fetch(", "XMLHttpRequest", "WebSocket", "import("}) {
    EXPECT_EQ(html.find(needle), std::string::npos) << needle;
  }
  // The only script is the page's own, inline.
  const std::string page = WithoutPageScript(html);
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.find("<script"), std::string::npos);
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
  more.charts = {LineChart("same", "Step durations"), LineChart("same", "Workload")};
  m.sections[0].blocks.push_back(more);
  const std::string html = Render(m);
  std::set<std::string> ids;
  const std::regex id_attr(R"re( id="([^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_attr);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(ids.insert((*it)[1].str()).second) << "duplicate id " << (*it)[1].str();
  }
  const std::regex ref(R"re((?:href="#|url\(#|aria-labelledby="|aria-describedby=")([^")]*))re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref); it != std::sregex_iterator();
       ++it) {
    EXPECT_EQ(ids.count((*it)[1].str()), 1u) << "dangling reference #" << (*it)[1].str();
  }
}

// The page-wide column budget: more nodes share the same series budget, so
// 4x the charts costs far less than 4x the bytes and stays under 3 MB.
TEST(HtmlRendererTest, DenseChartsShareAPageWideDetailBudget) {
  const std::string four = Render(DenseModel(4, 20000));
  const std::string sixteen = Render(DenseModel(16, 20000));
  EXPECT_LT(four.size(), 2u * 1024 * 1024) << four.size();
  EXPECT_LT(sixteen.size(), 3u * 1024 * 1024) << sixteen.size();
  EXPECT_LT(sixteen.size(), four.size() * 2) << four.size() << " -> " << sixteen.size();
}

// Two charts' SVGs with the same cairo ids, glyph and style: each chart's
// ids get its own prefix, references follow, the shared glyph and style are
// defined once for the page, and the xmlns declarations go.
TEST(SvgInlineTest, RenamesIdsAndSharesGlyphsAndStyles) {
  const std::string svg =
      "<?xml version=\"1.0\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\" height=\"10\">\n"
      "<defs>\n<g>\n<symbol overflow=\"visible\" id=\"glyph0-1\">\n<path d=\"M 0 0 L 1 1\"/>\n"
      "</symbol>\n</g>\n</defs>\n"
      "<clipPath id=\"clip1\"><rect width=\"5\" height=\"5\"/></clipPath>\n"
      "<rect style=\" fill:red;\" clip-path=\"url(#clip1)\"/>\n"
      "<use xlink:href=\"#glyph0-1\" x=\"1\" y=\"2\"/>\n"
      "</svg>\n";
  SvgPageDefs page;
  const std::string a = InlineSvg(svg, "chart1-", &page);
  const std::string b = InlineSvg(svg, "chart2-", &page);
  EXPECT_EQ(a.rfind("<svg", 0), 0u) << a;
  EXPECT_EQ(a.find("xmlns"), std::string::npos) << a;
  EXPECT_NE(a.find("id=\"chart1-1\""), std::string::npos) << a;
  EXPECT_NE(a.find("url(#chart1-1)"), std::string::npos) << a;
  EXPECT_NE(b.find("id=\"chart2-1\""), std::string::npos) << b;
  EXPECT_NE(a.find("xlink:href=\"#g_1\""), std::string::npos) << a;
  EXPECT_NE(b.find("xlink:href=\"#g_1\""), std::string::npos) << b;
  EXPECT_NE(a.find("class=\"s_1\""), std::string::npos) << a;
  EXPECT_EQ(a.find("<symbol"), std::string::npos) << a;
  const std::string defs = page.SharedDefs();
  EXPECT_EQ(Count(defs, "<symbol"), 1u) << defs;
  EXPECT_NE(defs.find(".s_1{fill:red;}"), std::string::npos) << defs;
}

TEST(SvgInlineTest, NoSvgElementGivesNothingAndNoDefinitions) {
  SvgPageDefs page;
  EXPECT_EQ(InlineSvg("<p>not svg</p>", "chart1-", &page), "");
  EXPECT_EQ(page.SharedDefs(), "");
}

}  // namespace
}  // namespace smr
