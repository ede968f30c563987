// PaintChart (src/render/chart_painter.h) rasterised with cairo: palette
// colours, dense-series envelopes, every chart kind, degenerate input.
#include "src/render/chart_painter.h"

#include <cairo-script.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "render/sample_model.h"

namespace smr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
TEST(PaletteTest, WrapsAndClampsNegativeIndices) {
  EXPECT_EQ(PaletteColor(-1).r, PaletteColor(0).r);
  EXPECT_EQ(PaletteColor(PaletteSize()).b, PaletteColor(0).b);
  EXPECT_NE(PaletteColor(0).r, PaletteColor(1).r);
}

// Every palette index names its own colour, clearly apart from the others
// (a chart never shows two series or slices in one colour).
TEST(PaletteTest, AllColoursAreDistinct) {
  ASSERT_GE(PaletteSize(), 24);
  for (int i = 0; i < PaletteSize(); ++i) {
    for (int j = i + 1; j < PaletteSize(); ++j) {
      const Rgb a = PaletteColor(i), b = PaletteColor(j);
      const double d = std::sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) +
                                 (a.b - b.b) * (a.b - b.b));
      EXPECT_GT(d, 0.12) << i << " vs " << j << " " << HexColor(a) << " " << HexColor(b);
    }
  }
  EXPECT_EQ(HexColor(PaletteColor(0)), "#0072b2");
  EXPECT_EQ(HexColor({1, 1, 1}), "#ffffff");
}

double Luminance(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

// Printed in greyscale, the three solid line series differ in lightness and
// the next ones are told apart by their dash patterns.
TEST(PaletteTest, LineSeriesSurviveGreyscale) {
  double dashes[4];
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(SeriesDashes(i, dashes), 0) << i;
    for (size_t j = i + 1; j < 3; ++j) {
      EXPECT_GT(std::fabs(Luminance(PaletteColor(static_cast<int>(i))) -
                          Luminance(PaletteColor(static_cast<int>(j)))),
                0.08)
          << i << " vs " << j;
    }
  }
  std::vector<std::vector<double>> patterns;
  for (size_t i = 3; i < 7; ++i) {
    const int n = SeriesDashes(i, dashes);
    EXPECT_GT(n, 0) << i;
    patterns.emplace_back(dashes, dashes + n);
  }
  for (size_t i = 0; i < patterns.size(); ++i) {
    for (size_t j = i + 1; j < patterns.size(); ++j) EXPECT_NE(patterns[i], patterns[j]);
  }
}

// Paints into an ARGB image and returns pixels; the data pointer stays valid
// while `surface` lives.
struct Raster {
  cairo_surface_t* surface = nullptr;
  explicit Raster(const Chart& c, int w = 600, int h = 300, const PaintOptions& options = {}) {
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t* cr = cairo_create(surface);
    PaintChart(cr, c, 0, 0, w, h, options);
    EXPECT_EQ(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
  }
  ~Raster() { cairo_surface_destroy(surface); }
  // Number of pixels within `tol` of colour `c`.
  int CountNear(Rgb c, int tol = 24) const {
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    int n = 0;
    for (int y = 0; y < cairo_image_surface_get_height(surface); ++y) {
      const uint32_t* row = reinterpret_cast<const uint32_t*>(data + y * stride);
      for (int x = 0; x < cairo_image_surface_get_width(surface); ++x) {
        const int r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff, b = row[x] & 0xff;
        if (std::abs(r - int(c.r * 255)) <= tol && std::abs(g - int(c.g * 255)) <= tol &&
            std::abs(b - int(c.b * 255)) <= tol) {
          ++n;
        }
      }
    }
    return n;
  }
  int NonWhite() const { return 600 * 300 - CountNear({1, 1, 1}, 3); }
};

TEST(PaintChartTest, LineSeriesUsesItsPaletteColour) {
  Chart c;
  c.kind = ChartKind::kLine;
  ChartSeries s;
  s.color = 5;  // vermillion
  for (int i = 0; i < 100; ++i) s.points.push_back({double(i), double(i % 7)});
  c.series.push_back(s);
  Raster r(c);
  EXPECT_GT(r.CountNear(PaletteColor(5)), 100);
  EXPECT_EQ(r.CountNear(PaletteColor(0), 10), 0);  // no other series colour
}

// A dense series drawn as its envelope still reaches a one-sample spike,
// even with few columns.
TEST(PaintChartTest, DenseSeriesEnvelopeShowsOneSampleSpike) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.y_min = 0;
  c.y_max = 100;
  ChartSeries s;
  s.color = 5;
  for (int i = 0; i < 200000; ++i) s.points.push_back({double(i), 10});
  s.points[100000].y = 100;
  c.series.push_back(s);
  auto top_rows = [](const Raster& r) {
    // Vermillion pixels in the top third of the image (the line sits at 10%).
    const unsigned char* data = cairo_image_surface_get_data(r.surface);
    const int stride = cairo_image_surface_get_stride(r.surface);
    const Rgb v = PaletteColor(5);
    int n = 0;
    for (int y = 0; y < 100; ++y) {
      const uint32_t* row = reinterpret_cast<const uint32_t*>(data + y * stride);
      for (int x = 0; x < 600; ++x) {
        const int red = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff;
        if (std::abs(red - int(v.r * 255)) <= 24 && std::abs(g - int(v.g * 255)) <= 24) {
          ++n;
        }
      }
    }
    return n;
  };
  for (int columns : {0, 40}) {
    PaintOptions options;
    options.max_columns = columns;
    const Raster r(c, 600, 300, options);
    EXPECT_GT(top_rows(r), 20) << "columns " << columns;
  }
}

TEST(PaintChartTest, EveryKindPaintsSomething) {
  using namespace testing_sample;
  for (const Chart& c : {SampleLineChart(500), SampleBoxChart(), SamplePieChart(), SampleBarChart(),
                         SampleHistogramChart()}) {
    Raster r(c);
    EXPECT_GT(r.NonWhite(), 2000) << c.id;
  }
}

TEST(PaintChartTest, EmptyAndDegenerateChartsDoNotCrash) {
  for (ChartKind k : {ChartKind::kLine, ChartKind::kBox, ChartKind::kPie, ChartKind::kBar,
                      ChartKind::kHistogram}) {
    Chart empty;
    empty.kind = k;
    Raster r(empty);
    EXPECT_GT(r.NonWhite(), 0);  // the "No data" text
  }
  Chart single;
  single.kind = ChartKind::kLine;
  single.series.push_back({"one", {{5, 5}}, -1});
  single.series.push_back({"nan", {{kNaN, kNaN}, {1, kInf}}, -1});
  Raster r(single);
  EXPECT_GT(r.CountNear(PaletteColor(0)), 4);  // the single-point dot

  Chart zero_pie;
  zero_pie.kind = ChartKind::kPie;
  zero_pie.slices = {{"a", 0}, {"b", kNaN}, {"c", -3}};
  Raster rp(zero_pie);
  EXPECT_EQ(rp.CountNear(PaletteColor(0), 10), 0);

  Chart flat_box;
  flat_box.kind = ChartKind::kBox;
  flat_box.boxes.push_back({"flat", 2, 2, 2, 2, 2, kNaN, true});
  Raster rb(flat_box);
  EXPECT_GT(rb.NonWhite(), 0);

  // Zero-sized or NaN rectangles are ignored.
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t* cr = cairo_create(s);
  PaintChart(cr, flat_box, 0, 0, 0, 0);
  PaintChart(cr, flat_box, kNaN, 0, 10, 10);
  EXPECT_EQ(cairo_status(cr), CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
  cairo_surface_destroy(s);
}

TEST(PaintChartTest, HighlightedBoxUsesWarningColour) {
  Chart c;
  c.kind = ChartKind::kBox;
  c.boxes.push_back({"ok", 1, 2, 3, 4, 5, kNaN, false});
  Raster plain(c);
  c.boxes[0].highlight = true;
  Raster flagged(c);
  const Rgb vermillion = PaletteColor(5);
  EXPECT_GT(flagged.CountNear(vermillion), 50);
  EXPECT_EQ(plain.CountNear(vermillion, 10), 0);
}

}  // namespace
}  // namespace smr
namespace smr {
namespace {

// A pie with more slices than colours: the largest keep their own colour,
// the rest become one "Other" slice, so no colour repeats.
TEST(PaintChartTest, PieWithMoreSlicesThanColoursRepeatsNone) {
  Chart c;
  c.kind = ChartKind::kPie;
  c.title = "Operators";
  for (int i = 0; i < 40; ++i) c.slices.push_back({"op" + std::to_string(i), 100.0 - i});
  Raster r(c, 900, 600);
  for (int i = 0; i < PaletteSize(); ++i) {
    EXPECT_GT(r.CountNear(PaletteColor(i), 6), 20) << i << " " << HexColor(PaletteColor(i));
  }
}

cairo_status_t AppendScript(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The smallest font size (user units) `chart` is drawn with at w x h, read
// from the font matrices of a cairo script recording of the drawing.
double SmallestFont(const Chart& chart, double w, double h, const PaintOptions& options) {
  std::string script;
  cairo_device_t* dev = cairo_script_create_for_stream(AppendScript, &script);
  cairo_surface_t* surface = cairo_script_surface_create(dev, CAIRO_CONTENT_COLOR_ALPHA, w, h);
  cairo_t* cr = cairo_create(surface);
  PaintChart(cr, chart, 0, 0, w, h, options);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  cairo_device_finish(dev);
  cairo_device_destroy(dev);
  double smallest = 1e9;
  const std::regex matrix(
      R"(\[([-0-9.e]+) ([-0-9.e]+) ([-0-9.e]+) ([-0-9.e]+) [-0-9.e]+ [-0-9.e]+\] set-font-matrix)");
  int fonts = 0;
  for (auto it = std::sregex_iterator(script.begin(), script.end(), matrix);
       it != std::sregex_iterator(); ++it, ++fonts) {
    const double a = std::stod((*it)[1]), b = std::stod((*it)[2]);
    smallest = std::min(smallest, std::hypot(a, b));  // rotated labels too
  }
  EXPECT_GT(fonts, 0);
  return smallest;
}

// On screen (the HTML), every chart text is at least 11 px, whatever the
// chart kind and however narrow the chart (the page shows charts at least
// at their drawn size, HtmlChartsTest); the PDF keeps its smaller print
// sizes.
TEST(ChartTextTest, ScreenTextIsAtLeast11Px) {
  PaintOptions screen;
  screen.screen_text = true;
  const std::vector<Chart> charts = {
      testing_sample::SampleLineChart(600), testing_sample::SampleBoxChart(),
      testing_sample::SamplePieChart(), testing_sample::SampleBarChart(),
      testing_sample::SampleHistogramChart()};
  for (const Chart& c : charts) {
    for (double w : {314.0, 488.0, 900.0}) {
      EXPECT_GE(SmallestFont(c, w, 260, screen), 11.0) << c.id << " at " << w;
    }
  }
  PaintOptions print;
  EXPECT_LT(SmallestFont(charts[0], 900, 300, print), 11.0);
}

}  // namespace
}  // namespace smr

namespace smr {
namespace {

// Stacked bars: each part's length is its share of the axis, so with two
// bars of 75 + 25 on a 0–100 axis the first colour covers three times the
// area of the second (the legend's two equal swatches aside); parts that
// are zero, negative or NaN draw nothing.
TEST(PaintChartTest, StackedBarPartsAreProportional) {
  Chart c;
  c.kind = ChartKind::kStackedBar;
  c.y_min = 0;
  c.y_max = 100;
  c.stack_labels = {"a", "b", "c"};
  c.stack_colors = {0, 5, 2};
  c.stacks = {{"one", {75, 25, 0}, false}, {"two", {75, 25, kNaN}, true}};
  Raster r(c);
  const double blue = r.CountNear(PaletteColor(0), 10), red = r.CountNear(PaletteColor(5), 10);
  ASSERT_GT(red, 500);
  EXPECT_NEAR(blue / red, 3.0, 0.3);
  // Only the legend swatch of "c".
  const double green = r.CountNear(PaletteColor(2), 10);
  EXPECT_LT(green, red / 10);
  c.stacks[0].values[2] = -5;
  Raster negative(c);
  EXPECT_EQ(negative.CountNear(PaletteColor(2), 10), green);

  Chart empty;
  empty.kind = ChartKind::kStackedBar;
  Raster e(empty);
  EXPECT_GT(e.NonWhite(), 0);  // "No data"
}

}  // namespace
}  // namespace smr
