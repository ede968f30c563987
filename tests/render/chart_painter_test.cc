// PaintChart (src/render/chart_painter.h) rasterised with cairo: palette
// colours, dense-series envelopes, every chart kind, degenerate input.
#include "src/render/chart_painter.h"

#include <cairo.h>

#include <cmath>
#include <limits>
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