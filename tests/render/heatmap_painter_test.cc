// Heatmaps (src/render/heatmap_painter.cc) and the line-chart additions of
// the timelines (rule-firing marks, a fixed x range): rasterised with cairo
// to check where colours land, and rendered as SVG and PDF.
#include <cairo.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/render.h"
#include "src/render/chart_painter.h"

namespace smr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Rgb kDarkest{0x14 / 255.0, 0x22 / 255.0, 0x5E / 255.0};   // 90-100 %
constexpr Rgb kLightest{0xF4 / 255.0, 0xF9 / 255.0, 0xB8 / 255.0};  // 0-10 %
constexpr Rgb kMarkRed{0.72, 0.11, 0.11};

struct Raster {
  static constexpr int kW = 600, kH = 300;
  cairo_surface_t* surface = nullptr;
  explicit Raster(const Chart& c) {
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, kW, kH);
    cairo_t* cr = cairo_create(surface);
    PaintChart(cr, c, 0, 0, kW, kH);
    EXPECT_EQ(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
  }
  ~Raster() { cairo_surface_destroy(surface); }
  // Pixels within `tol` of `c` with x in [x0, x1).
  int CountNear(Rgb c, int x0 = 0, int x1 = kW, int tol = 6) const {
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    int n = 0;
    for (int y = 0; y < kH; ++y) {
      const uint32_t* row = reinterpret_cast<const uint32_t*>(data + y * stride);
      for (int x = x0; x < x1; ++x) {
        const int r = (row[x] >> 16) & 0xff, g = (row[x] >> 8) & 0xff, b = row[x] & 0xff;
        if (std::abs(r - int(c.r * 255 + 0.5)) <= tol &&
            std::abs(g - int(c.g * 255 + 0.5)) <= tol &&
            std::abs(b - int(c.b * 255 + 0.5)) <= tol) {
          ++n;
        }
      }
    }
    return n;
  }
};

Chart Heatmap(std::vector<HeatmapRow> rows) {
  Chart c;
  c.kind = ChartKind::kHeatmap;
  c.id = "heat";
  c.title = "Utilization heatmap";
  c.x_is_time = true;
  c.x_min = 1'700'000'000;
  c.x_max = 1'700'000'600;
  c.y_min = 0;
  c.y_max = 100;
  c.value_unit = "%";
  c.heat_rows = std::move(rows);
  return c;
}

// One row: the left half at 100 %, the right half at 0 %; the darkest step
// lands only left of the middle of the plot, the lightest only right of it
// (apart from the legend's swatches at the top left).
TEST(HeatmapPainterTest, CellsTakeTheColourOfTheirValueWhereTheyAre) {
  std::vector<double> values(20, 100.0);
  for (size_t k = 10; k < 20; ++k) values[k] = 0;
  const Raster r(Heatmap({{"gpu0", "GPU", values, {}}}));
  // The plot spans most of the width; its middle is right of x = 300 - 60
  // and left of 300 + 60.
  EXPECT_GT(r.CountNear(kDarkest, 0, 240), 2000);
  EXPECT_EQ(r.CountNear(kDarkest, 360, Raster::kW), 0);
  EXPECT_GT(r.CountNear(kLightest, 360, Raster::kW), 2000);
}

// Rows with kinds: the left half of the row is kind 1 at 100 % (palette
// colour 5 at full strength), the right half kind 0 at 100 % (colour 0);
// the scale's colours are not used.
TEST(HeatmapPainterTest, CellsWithKindsTakeTheirKindsColour) {
  std::vector<double> values(20, 100.0);
  std::vector<int> kinds(20, 1);
  for (size_t k = 10; k < 20; ++k) kinds[k] = 0;
  Chart c = Heatmap({{"stream 7", "rank 0", values, kinds}});
  c.stack_labels = {"computation", "communication"};
  c.stack_colors = {0, 5};
  const Raster r(c);
  EXPECT_GT(r.CountNear(PaletteColor(5), 0, 240), 2000);
  EXPECT_EQ(r.CountNear(PaletteColor(5), 360, Raster::kW), 0);
  EXPECT_GT(r.CountNear(PaletteColor(0), 360, Raster::kW), 2000);
  EXPECT_EQ(r.CountNear(kDarkest), 0);
  // At 10 % the cells are the palest step: no full colour beyond the legend.
  c.heat_rows[0].values.assign(20, 10.0);
  const Raster pale(c);
  EXPECT_LT(pale.CountNear(PaletteColor(5), 0, 240), 300);
}

TEST(HeatmapPainterTest, MissingBucketsStayBlank) {
  const Raster all_nan(Heatmap({{"gpu0", "", std::vector<double>(10, kNaN), {}}}));
  const Raster full(Heatmap({{"gpu0", "", std::vector<double>(10, 95.0), {}}}));
  // Only the legend swatch has the darkest colour when every cell is NaN.
  EXPECT_LT(all_nan.CountNear(kDarkest), 200);
  EXPECT_GT(full.CountNear(kDarkest), 10000);
}

TEST(HeatmapPainterTest, EmptyOrDegenerateHeatmapsDoNotCrash) {
  Raster none(Heatmap({}));
  Chart no_range = Heatmap({{"gpu0", "", {50, 60}, {}}});
  no_range.x_max = no_range.x_min;
  Raster degenerate(no_range);
  Raster ragged(Heatmap({{"a", "", {1}, {}}, {"b", "", {1, 2, 3, kNaN, -5, 500}, {}}}));
  SUCCEED();
}

// 128 rows x 240 columns of varied values stay small in the SVG: equal
// colour runs are merged and each colour is one path.
TEST(HeatmapPainterTest, LargeHeatmapSvgIsCompact) {
  std::vector<HeatmapRow> rows;
  for (int r = 0; r < 128; ++r) {
    HeatmapRow row{"algo-" + std::to_string(r + 1) + " GPU", r % 2 == 0 ? "g" : "", {}, {}};
    for (int k = 0; k < 240; ++k) row.values.push_back(std::fmod(r * 7.0 + k * 0.37, 100.0));
    rows.push_back(std::move(row));
  }
  Chart c = Heatmap(std::move(rows));
  c.height = 85 + 4.7 * 128;
  const StatusOr<std::string> svg = RenderChartSvg(c);
  ASSERT_TRUE(svg.ok()) << svg.status().message();
  EXPECT_LT(svg->size(), 400'000u);
  EXPECT_NE(svg->find("<svg"), std::string::npos);
}

TEST(HeatmapPainterTest, RendersInAPdf) {
  ReportModel m;
  Section s;
  s.id = "timelines";
  s.title = "Timelines";
  Block b;
  b.kind = BlockKind::kChart;
  b.chart = Heatmap({{"cpu0", "CPU", {10, 50, 90}, {}}, {"gpu0", "GPU", {kNaN, 100, 0}, {}}});
  s.blocks.push_back(b);
  m.sections.push_back(s);
  const StatusOr<std::string> pdf = RenderPdf(m);
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
}

Chart LineWith(double x_min, double x_max, std::vector<ChartBand> marks) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.title = "CPU";
  c.y_min = 0;
  c.y_max = 100;
  c.x_min = x_min;
  c.x_max = x_max;
  c.marks = std::move(marks);
  ChartSeries s;
  s.color = 5;  // vermillion
  for (int i = 0; i <= 100; ++i) s.points.push_back({i * 0.1, 50});
  c.series.push_back(s);
  return c;
}

// Data on [0, 10] drawn on a fixed x range [0, 20] fills only the left half.
TEST(LineTimelineTest, FixedXRangeIsHonoured) {
  const Raster own(LineWith(0, 0, {}));
  const Raster fixed(LineWith(0, 20, {}));
  EXPECT_GT(own.CountNear(PaletteColor(5), 400, Raster::kW, 30), 50);
  EXPECT_EQ(fixed.CountNear(PaletteColor(5), 400, Raster::kW, 30), 0);
  EXPECT_GT(fixed.CountNear(PaletteColor(5), 0, 300, 30), 50);
}

// A mark over [15, 20] of the range [0, 20] is red in the right quarter only
// (its row label is at the left).
TEST(LineTimelineTest, MarksAreRedTicksWhereTheRuleFired) {
  const Raster none(LineWith(0, 20, {}));
  const Raster marked(LineWith(0, 20, {{15, 20, "CPUBottleneck", 0}}));
  EXPECT_EQ(none.CountNear(kMarkRed, 0, Raster::kW, 10), 0);
  EXPECT_GT(marked.CountNear(kMarkRed, 470, Raster::kW, 10), 200);
  EXPECT_EQ(marked.CountNear(kMarkRed, 250, 440, 10), 0);
}

}  // namespace
}  // namespace smr
