#include <cctype>
#include <cmath>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "render/sample_model.h"
#include "smr/render.h"

namespace smr {
namespace {

using testing_sample::kHostile;

std::string Svg(const Chart& c) {
  StatusOr<std::string> svg = RenderChartSvg(c);
  EXPECT_TRUE(svg.ok()) << svg.status().message();
  return svg.ok() ? *svg : std::string();
}

std::multiset<std::string> Ids(const std::string& svg) {
  std::multiset<std::string> ids;
  static const std::regex kId(R"re(\sid="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kId); it != std::sregex_iterator();
       ++it) {
    ids.insert((*it)[1]);
  }
  return ids;
}

std::set<std::string> References(const std::string& svg) {
  std::set<std::string> refs;
  static const std::regex kRef(R"re((?:href="#|url\(#)([^")]*))re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kRef); it != std::sregex_iterator();
       ++it) {
    refs.insert((*it)[1]);
  }
  return refs;
}

TEST(RenderChartSvgTest, IsInlineSvgWithoutXmlDeclaration) {
  const std::string svg = Svg(testing_sample::SampleBarChart());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.find("<?xml"), std::string::npos);
  // Size comes from the chart (440 x 200).
  EXPECT_NE(svg.find("viewBox=\"0 0 440 200\""), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(RenderChartSvgTest, IdsAreUniqueAcrossChartsAndReferencesResolve) {
  Chart a = testing_sample::SampleLineChart(300);
  Chart b = a;
  a.id = "first";
  b.id = "second";
  const std::string sa = Svg(a), sb = Svg(b);
  const std::multiset<std::string> ia = Ids(sa), ib = Ids(sb);
  ASSERT_FALSE(ia.empty());  // cairo emits glyph/clip ids
  std::multiset<std::string> all = ia;
  all.insert(ib.begin(), ib.end());
  for (const std::string& id : all) EXPECT_EQ(all.count(id), 1u) << id;
  for (const std::string& id : ia) EXPECT_EQ(id.rfind("chart-first-", 0), 0u);
  for (const std::string& ref : References(sa)) {
    EXPECT_EQ(ia.count(ref), 1u) << "dangling reference " << ref;
  }
}

TEST(RenderChartSvgTest, HostileChartIdCannotBreakAttributes) {
  Chart c = testing_sample::SampleBarChart();
  c.id = "x\" onload=\"alert(1)";
  const std::string svg = Svg(c);
  EXPECT_EQ(svg.find("onload=\""), std::string::npos);
}

TEST(RenderChartSvgTest, TitleIsEscapedAndAccessible) {
  Chart c = testing_sample::SamplePieChart();
  c.title = kHostile;
  const std::string svg = Svg(c);
  EXPECT_NE(svg.find("<title id=\"chart-framework-ops-title\">"
                     "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"
                     "</title>"),
            std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
}

TEST(RenderChartSvgTest, SameInputGivesSameBytes) {
  const Chart c = testing_sample::SampleHistogramChart();
  EXPECT_EQ(Svg(c), Svg(c));
}

TEST(RenderChartSvgTest, RendersEveryKindAndEmptyCharts) {
  using namespace testing_sample;
  for (const Chart& c :
       {SampleLineChart(), SampleBoxChart(), SamplePieChart(), SampleBarChart(),
        SampleHistogramChart(), EmptyChart(ChartKind::kLine, "e1"),
        EmptyChart(ChartKind::kBox, "e2"), EmptyChart(ChartKind::kPie, "e3"),
        EmptyChart(ChartKind::kBar, "e4"), EmptyChart(ChartKind::kHistogram, "e5")}) {
    const std::string svg = Svg(c);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << c.id;
  }
  Chart zero = SampleBarChart();
  zero.width = 0;
  zero.height = -5;
  EXPECT_TRUE(RenderChartSvg(zero).ok());
}

TEST(RenderChartSvgTest, HugeSeriesIsDownsampled) {
  const Chart small = testing_sample::SampleLineChart(2000);
  const Chart huge = testing_sample::SampleLineChart(200000);
  const std::string a = Svg(small), b = Svg(huge);
  // 100x the points must not give 100x the bytes: at most ~2 points per
  // horizontal unit per series survive.
  EXPECT_LT(b.size(), a.size() * 3);
  EXPECT_LT(b.size(), 600u * 1024);
}

Chart DenseChart(int series, int points) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = "dense";
  c.title = "Dense";
  c.x_is_time = true;
  c.y_min = 0;
  c.y_max = 100;
  for (int s = 0; s < series; ++s) {
    ChartSeries sr;
    sr.label = "gpu" + std::to_string(s);
    sr.points.reserve(points);
    for (int i = 0; i < points; ++i) {
      // Noisy: every column holds a spread of values (worst case for size).
      const double noise = ((i * 7919LL + s * 104729LL) % 1000) / 1000.0;
      sr.points.push_back({1.7e9 + i * 0.1, 45 + 30 * std::sin(i * 3e-4 * (s + 1)) + 20 * noise});
    }
    c.series.push_back(std::move(sr));
  }
  return c;
}

// The size of a chart is bounded by its width (or the column cap), not by
// its number of points: a million points per series stay below ~25 KB per
// series.
constexpr int kPoints = 1000000;
TEST(RenderChartSvgTest, MillionPointSeriesStaysSmall) {
  const std::string one = Svg(DenseChart(1, kPoints));
  EXPECT_LT(one.size(), 40u * 1024) << one.size();
  const std::string eight = Svg(DenseChart(8, kPoints));
  EXPECT_LT(eight.size(), 8u * 25 * 1024) << eight.size();
  // A column cap shrinks it further, roughly in proportion.
  SvgChartOptions options;
  options.max_columns = 100;
  StatusOr<std::string> capped = RenderChartSvg(DenseChart(8, kPoints), options);
  ASSERT_TRUE(capped.ok());
  EXPECT_LT(capped->size(), eight.size() / 3) << capped->size();
}

// Coordinates are written to hundredths at most (cairo writes six decimals).
TEST(RenderChartSvgTest, PathCoordinatesHaveAtMostTwoDecimals) {
  const std::string svg = Svg(testing_sample::SampleLineChart(5000));
  // Scanned by hand: std::regex recurses once per character and overflows
  // the stack on a long path attribute (seen under AddressSanitizer).
  int attributes = 0;
  for (const char* attr : {" d=\"", " x=\"", " y=\""}) {
    const std::string key(attr);
    for (size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
      const size_t begin = at + key.size();
      const size_t end = svg.find('"', begin);
      ASSERT_NE(end, std::string::npos);
      const std::string value = svg.substr(begin, end - begin);
      ++attributes;
      auto digit = [&](size_t k) {
        return std::isdigit(static_cast<unsigned char>(value[k])) != 0;
      };
      for (size_t i = 0; i + 4 < value.size(); ++i) {  // \d\.\d{3}
        const bool three_decimals =
            digit(i) && value[i + 1] == '.' && digit(i + 2) && digit(i + 3) && digit(i + 4);
        EXPECT_FALSE(three_decimals) << value.substr(i, 40);
      }
      EXPECT_NE(value.rfind("M ", 0), 0u);  // no blank after commands
    }
  }
  EXPECT_GT(attributes, 100);
}

}  // namespace
}  // namespace smr
