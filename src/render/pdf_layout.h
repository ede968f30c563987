// PdfLayout: the PDF renderer's page layout, a top-to-bottom flow over A4
// or Letter pages: title page and contents, sections, paragraphs and notes, key/value
// panels, tables that break between rows (pdf_table.cc) and charts. One
// instance draws one pass (see pdf_renderer.cc). Private to src/render.
#ifndef SMR_SRC_RENDER_PDF_LAYOUT_H_
#define SMR_SRC_RENDER_PDF_LAYOUT_H_

#include <cairo.h>
#include <pango/pangocairo.h>

#include <string>
#include <utility>
#include <vector>

#include "smr/report_model.h"
#include "src/render/cairo_handles.h"
#include "src/render/chart_painter.h"

namespace smr {
namespace pdf_internal {

// Page size in points (portrait).
struct PageSize {
  double w = 595.276, h = 841.890;
};
inline constexpr PageSize kA4{595.276, 841.890};
inline constexpr PageSize kLetter{612, 792};

inline constexpr double kMarginX = 50;
inline constexpr double kTop = 52;

inline constexpr Rgb kInk{0.12, 0.14, 0.17};
inline constexpr Rgb kMuted{0.38, 0.41, 0.46};
inline constexpr Rgb kHeading{0.09, 0.22, 0.37};
inline constexpr Rgb kRule{0.80, 0.83, 0.87};
inline constexpr Rgb kHeaderBg{0.90, 0.93, 0.96};
inline constexpr Rgb kZebraBg{0.965, 0.972, 0.98};
inline constexpr Rgb kHighlightBg{0.99, 0.91, 0.86};
inline constexpr Rgb kHighlightBar{0.84, 0.37, 0.0};
inline constexpr Rgb kPanelBg{0.96, 0.97, 0.985};

inline void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

inline void FillRect(cairo_t* cr, double x, double y, double w, double h, Rgb c) {
  SetColor(cr, c);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}

inline void HLine(cairo_t* cr, double x0, double x1, double y, Rgb c, double width) {
  SetColor(cr, c);
  cairo_set_line_width(cr, width);
  cairo_move_to(cr, x0, y);
  cairo_line_to(cr, x1, y);
  cairo_stroke(cr);
}

struct Heading {
  std::string title;
  int level = 2;
  int page = 0;
};

class PdfLayout {
 public:
  // `total_pages` and `known_pages` (heading pages from the previous pass)
  // are 0/empty on the first pass.
  PdfLayout(cairo_surface_t* surface, cairo_t* cr, const ReportModel& model, PageSize paper,
            int total_pages, std::vector<int> known_pages)
      : paper_(paper),
        surface_(surface),
        cr_(cr),
        text_(cr),
        m_(model),
        total_pages_(total_pages),
        known_pages_(std::move(known_pages)) {}

  void Render();

  int pages() const { return page_; }
  const std::vector<Heading>& headings() const { return headings_; }

 private:
  // ---- Page geometry ----

  double PageW() const { return paper_.w; }
  double Bottom() const { return paper_.h - 60; }  // content must end above this
  double FooterY() const { return paper_.h - 42; }
  double TextW() const { return paper_.w - 2 * kMarginX; }

  // ---- Flow control ----

  void NewPage();

  // Starts a new page unless `h` fits below the cursor (or the page is
  // still empty, in which case nothing would be gained).
  void EnsureSpace(double h);

  void Footer();

  // Draws wrapped text line by line, breaking pages between lines.
  void FlowText(const std::string& text, const TextStyle& st, double x, double width, Rgb color,
                double line_gap = 1.5);

  double Height(PangoLayout* layout);

  // ---- Title page ----

  void TitleBlock();

  void CollectHeadings(const Section& s, std::vector<Heading>* out);

  void Contents();

  // ---- Sections and blocks ----

  void RenderSection(const Section& s);

  void RenderBlock(const Block& b);

  void Note(const std::string& text, Severity severity);

  // The findings box: one compact item per finding, kept whole on a page.
  void Findings(const std::vector<FindingItem>& findings);
  void Finding(const FindingItem& f);

  // A folded-detail block: its summary, then its children (or a pointer to
  // the HTML report when they are not printed).
  void Details(const Block& b);

  void KeyValues(const std::vector<KeyValue>& kvs, bool panel);

  // ---- Tables ----

  struct TableLayout {
    size_t cols = 0;
    std::vector<double> widths;
    TextStyle cell, head;
    double pad_x = 4, pad_y = 3;
  };

  // Column widths: every column gets at least `min_w` (its longest word, so
  // words never break) and at most its natural one-line width; the text width
  // left over is shared by water-filling, so narrow columns keep their width
  // and only wide prose columns wrap.
  static std::vector<double> FitWidths(const std::vector<double>& min_w,
                                       const std::vector<double>& natural, double total);

  static std::string LongestWord(const std::string& s);

  TableLayout LayoutTable(const Table& t);

  bool IsNumeric(const Table& t, size_t c) const;

  // Lays out one row's cells; returns the row height.
  double RowLayouts(const Table& t, const TableLayout& tl, const std::vector<std::string>* cells,
                    bool header, std::vector<PangoLayoutPtr>* out);

  void DrawRow(const TableLayout& tl, const std::vector<PangoLayoutPtr>& ls, Rgb color);

  void DrawHeader(const Table& t, const TableLayout& tl);

  void RenderTable(const Table& t);

  // ---- Charts ----

  double ChartHeightFor(const Chart& c, double w) const;

  void FramedChart(const Chart& c, double x, double w, double h);

  void ChartBlock(const Chart& c);

  void ChartRow(const std::vector<Chart>& charts);

  PageSize paper_;
  cairo_surface_t* surface_;
  cairo_t* cr_;
  TextContext text_;
  const ReportModel& m_;
  int total_pages_;
  std::vector<int> known_pages_;
  int page_ = 1;
  double y_ = kTop;
  int last_outline_ = 0;
  std::vector<Heading> headings_;
};

}  // namespace pdf_internal
}  // namespace smr

#endif  // SMR_SRC_RENDER_PDF_LAYOUT_H_
