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

TEST(NiceStepTest, RoundsUpToOneTwoFiveTimesPowerOfTen) {
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(19.4), 20);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(1), 1);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(7), 10);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0.3), 0.5);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0.2), 0.2);  // 0.2/0.1 is not exactly 2
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(450), 500);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0), 1);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(kNaN), 1);
}

TEST(NiceTicksTest, WidensToStepMultiples) {
  const Ticks t = NiceTicks(0, 97, 5);
  EXPECT_DOUBLE_EQ(t.step, 20);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 100);
  EXPECT_EQ(t.values, (std::vector<double>{0, 20, 40, 60, 80, 100}));
}

TEST(NiceTicksTest, NegativeRangeIncludesZero) {
  const Ticks t = NiceTicks(-3, 7, 5);
  EXPECT_DOUBLE_EQ(t.step, 2);
  EXPECT_EQ(t.values, (std::vector<double>{-4, -2, 0, 2, 4, 6, 8}));
}

TEST(NiceTicksTest, EqualBoundsArePadded) {
  // 5..5 -> 4.5..5.5 (10% of 5), raw step 0.25 -> 0.5.
  const Ticks t = NiceTicks(5, 5, 4);
  EXPECT_DOUBLE_EQ(t.step, 0.5);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_DOUBLE_EQ(t.values[0], 4.5);
  EXPECT_DOUBLE_EQ(t.values[2], 5.5);
  // 0..0 -> -1..1.
  const Ticks z = NiceTicks(0, 0, 4);
  EXPECT_DOUBLE_EQ(z.lo, -1);
  EXPECT_DOUBLE_EQ(z.hi, 1);
}

TEST(NiceTicksTest, NonFiniteInputGivesUnitRange) {
  const Ticks t = NiceTicks(kNaN, kInf, 5);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
}

TEST(InnerTicksTest, KeepsRangeAndListsInsideTicks) {
  const Ticks t = InnerTicks(0, 3600, 4);  // raw 900 -> 1000
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 3600);
  EXPECT_EQ(t.values, (std::vector<double>{0, 1000, 2000, 3000}));
  const Ticks u = InnerTicks(3, 97, 4);  // raw 23.5 -> 50
  EXPECT_EQ(u.values, (std::vector<double>{50}));
}

TEST(TimeTicksTest, UsesClockStepsAlignedToUtc) {
  // One hour from 22:13:20 UTC, 6 intervals: raw 600 s -> 10 min steps from
  // 22:20 to 23:10.
  const Ticks t = TimeTicks(1700000000, 1700003600, 6);
  EXPECT_DOUBLE_EQ(t.step, 600);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_DOUBLE_EQ(t.values.front(), 1700000400);
  EXPECT_DOUBLE_EQ(t.values.back(), 1700003400);
  EXPECT_EQ(FormatUtcTick(t.values.front(), t.step, false), "22:20");
  EXPECT_EQ(FormatUtcTick(t.values.back(), t.step, true), "11-14 23:10");
  // 7 minutes / 5 -> raw 84 s -> 2 min.
  EXPECT_DOUBLE_EQ(TimeTicks(0, 420, 5).step, 120);
  // Three days / 4 -> raw 64800 s -> 86400 (one day).
  EXPECT_DOUBLE_EQ(TimeTicks(0, 3 * 86400, 4).step, 86400);
}

TEST(TimeFormatTest, FormatsUtc) {
  EXPECT_EQ(FormatUtcDate(1700000000), "2023-11-14");
  EXPECT_EQ(FormatUtcTick(1700000000, 30, false), "22:13:20");
  EXPECT_EQ(FormatUtcTick(0, 3600, false), "00:00");
  EXPECT_EQ(FormatUtcTick(kNaN, 60, false), "");
}

TEST(FormatTickValueTest, DecimalsFollowStepAndSuffixesScale) {
  EXPECT_EQ(FormatTickValue(0.5, 0.5), "0.5");
  EXPECT_EQ(FormatTickValue(3, 1), "3");
  EXPECT_EQ(FormatTickValue(0.25, 0.05), "0.25");
  EXPECT_EQ(FormatTickValue(20000, 10000), "20k");
  EXPECT_EQ(FormatTickValue(2e6, 1e6), "2M");
  EXPECT_EQ(FormatTickValue(3e9, 1e9), "3G");
  EXPECT_EQ(FormatTickValue(4000, 2000), "4000");
  // Accumulated error around zero must not print "-0".
  EXPECT_EQ(FormatTickValue(-1e-17, 0.1), "0.0");
}

TEST(LinearScaleTest, MapsDomainOntoRange) {
  const LinearScale y{0, 100, 200, 0};  // y axis grows upward
  EXPECT_DOUBLE_EQ(y.Map(0), 200);
  EXPECT_DOUBLE_EQ(y.Map(25), 150);
  EXPECT_DOUBLE_EQ(y.Map(100), 0);
  const LinearScale flat{5, 5, 10, 30};
  EXPECT_DOUBLE_EQ(flat.Map(5), 20);
}

TEST(MinMaxEnvelopeTest, KeepsMinAndMaxOfEveryColumn) {
  // 4 columns of width 3 over [0, 12); column 2 is empty.
  const std::vector<ChartPoint> pts = {
      {0, 5}, {1, -2}, {2, 7},  {3, 1},    {4, 1},
      {5, kNaN}, {9, 4}, {10, 9}, {11, -3}, {kInf, 100}};
  const std::vector<EnvelopeColumn> env = MinMaxEnvelope(pts, 0, 12, 4);
  ASSERT_EQ(env.size(), 3u);
  EXPECT_DOUBLE_EQ(env[0].x, 0);  // first point's x, not the column centre
  EXPECT_DOUBLE_EQ(env[0].lo, -2);
  EXPECT_DOUBLE_EQ(env[0].hi, 7);
  EXPECT_DOUBLE_EQ(env[1].x, 4.5);  // centre of [3, 6)
  EXPECT_DOUBLE_EQ(env[1].lo, 1);
  EXPECT_DOUBLE_EQ(env[1].hi, 1);
  EXPECT_DOUBLE_EQ(env[2].x, 11);  // last point's x
  EXPECT_DOUBLE_EQ(env[2].lo, -3);
  EXPECT_DOUBLE_EQ(env[2].hi, 9);
}

TEST(MinMaxEnvelopeTest, MillionPointsGiveAtMostOneEntryPerColumn) {
  std::vector<ChartPoint> pts;
  pts.reserve(1000000);
  for (int i = 0; i < 1000000; ++i) {
    pts.push_back({double(i), std::sin(i * 0.001) * 10});
  }
  pts[123457].y = 1000;   // one-sample spikes must survive
  pts[876543].y = -1000;
  const std::vector<EnvelopeColumn> env = MinMaxEnvelope(pts, 0, 999999, 300);
  EXPECT_EQ(env.size(), 300u);
  double lo = 0, hi = 0;
  for (size_t i = 0; i < env.size(); ++i) {
    EXPECT_LE(env[i].lo, env[i].hi);
    lo = std::min(lo, env[i].lo);
    hi = std::max(hi, env[i].hi);
    if (i > 0) {
      EXPECT_LT(env[i - 1].x, env[i].x);
    }
  }
  EXPECT_DOUBLE_EQ(lo, -1000);
  EXPECT_DOUBLE_EQ(hi, 1000);
  EXPECT_DOUBLE_EQ(env.front().x, 0);
  EXPECT_DOUBLE_EQ(env.back().x, 999999);
}

TEST(PaletteTest, WrapsAndClampsNegativeIndices) {
  EXPECT_EQ(PaletteColor(-1).r, PaletteColor(0).r);
  EXPECT_EQ(PaletteColor(PaletteSize()).b, PaletteColor(0).b);
  EXPECT_NE(PaletteColor(0).r, PaletteColor(1).r);
}

// Paints into an ARGB image and returns pixels; the data pointer stays valid
// while `surface` lives.
struct Raster {
  cairo_surface_t* surface = nullptr;
  explicit Raster(const Chart& c, int w = 600, int h = 300,
                  const PaintOptions& options = {}) {
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
        const int r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff,
                  b = row[x] & 0xff;
        if (std::abs(r - int(c.r * 255)) <= tol &&
            std::abs(g - int(c.g * 255)) <= tol &&
            std::abs(b - int(c.b * 255)) <= tol) {
          ++n;
        }
      }
    }
    return n;
  }
  int NonWhite() const {
    return 600 * 300 - CountNear({1, 1, 1}, 3);
  }
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
        if (std::abs(red - int(v.r * 255)) <= 24 &&
            std::abs(g - int(v.g * 255)) <= 24) {
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
  for (const Chart& c : {SampleLineChart(500), SampleBoxChart(),
                         SamplePieChart(), SampleBarChart(),
                         SampleHistogramChart()}) {
    Raster r(c);
    EXPECT_GT(r.NonWhite(), 2000) << c.id;
  }
}

TEST(PaintChartTest, EmptyAndDegenerateChartsDoNotCrash) {
  for (ChartKind k : {ChartKind::kLine, ChartKind::kBox, ChartKind::kPie,
                      ChartKind::kBar, ChartKind::kHistogram}) {
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
