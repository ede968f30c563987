// RenderPdf: the ReportModel as a multi-page A4 PDF (cairo PDF surface +
// pango). Layout is a simple top-to-bottom flow with page breaks before any
// block that does not fit; tables break between rows and repeat their header
// row. The document is laid out twice: the first pass (output discarded)
// counts pages and records the page of every heading, so the second pass can
// print "Page N of M" and a table of contents with page numbers. Both passes
// use identical layout code, so the page numbers agree.
//
// Input text is always set with pango_layout_set_text (no markup), so report
// strings render literally. Metadata is fixed (no creation date) so the same
// model yields the same bytes.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/render.h"
#include "src/render/cairo_handles.h"
#include "src/render/chart_painter.h"

namespace smr {
namespace {

// A4 portrait in points.
constexpr double kPageW = 595.276;
constexpr double kPageH = 841.890;
constexpr double kMarginX = 50;
constexpr double kTop = 52;
constexpr double kBottom = kPageH - 60;  // content must end above this
constexpr double kFooterY = kPageH - 42;
constexpr double kTextW = kPageW - 2 * kMarginX;

constexpr Rgb kInk{0.12, 0.14, 0.17};
constexpr Rgb kMuted{0.38, 0.41, 0.46};
constexpr Rgb kHeading{0.09, 0.22, 0.37};
constexpr Rgb kRule{0.80, 0.83, 0.87};
constexpr Rgb kHeaderBg{0.90, 0.93, 0.96};
constexpr Rgb kZebraBg{0.965, 0.972, 0.98};
constexpr Rgb kHighlightBg{0.99, 0.91, 0.86};
constexpr Rgb kHighlightBar{0.84, 0.37, 0.0};
constexpr Rgb kPanelBg{0.96, 0.97, 0.985};

void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void FillRect(cairo_t* cr, double x, double y, double w, double h, Rgb c) {
  SetColor(cr, c);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}

void HLine(cairo_t* cr, double x0, double x1, double y, Rgb c, double width) {
  SetColor(cr, c);
  cairo_set_line_width(cr, width);
  cairo_move_to(cr, x0, y);
  cairo_line_to(cr, x1, y);
  cairo_stroke(cr);
}

struct NoteStyle {
  const char* label;
  Rgb bar;
  Rgb bg;
};

NoteStyle StyleFor(Severity s) {
  switch (s) {
    case Severity::kOk:
      return {"OK", {0.0, 0.55, 0.40}, {0.90, 0.96, 0.93}};
    case Severity::kWarning:
      return {"WARNING", {0.85, 0.55, 0.0}, {1.0, 0.96, 0.88}};
    case Severity::kIssue:
      return {"ISSUE", {0.78, 0.22, 0.10}, {0.99, 0.92, 0.90}};
    case Severity::kInfo:
    default:
      return {"INFO", {0.0, 0.45, 0.70}, {0.91, 0.95, 0.985}};
  }
}

struct Heading {
  std::string title;
  int level = 2;
  int page = 0;
};

cairo_status_t AppendToString(void* closure, const unsigned char* data,
                              unsigned int length) {
  if (closure != nullptr) {
    static_cast<std::string*>(closure)->append(
        reinterpret_cast<const char*>(data), length);
  }
  return CAIRO_STATUS_SUCCESS;
}

class PdfLayout {
 public:
  // `total_pages` and `known_pages` (heading pages from the previous pass)
  // are 0/empty on the first pass.
  PdfLayout(cairo_surface_t* surface, cairo_t* cr, const ReportModel& model,
            int total_pages, std::vector<int> known_pages)
      : surface_(surface),
        cr_(cr),
        text_(cr),
        m_(model),
        total_pages_(total_pages),
        known_pages_(std::move(known_pages)) {}

  void Render() {
    y_ = kTop;
    TitleBlock();
    Contents();
    NewPage();
    for (const Section& s : m_.sections) RenderSection(s);
    Footer();
  }

  int pages() const { return page_; }
  const std::vector<Heading>& headings() const { return headings_; }

 private:
  // ---- Flow control ----

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
  }

  // Starts a new page unless `h` fits below the cursor (or the page is
  // still empty, in which case nothing would be gained).
  void EnsureSpace(double h) {
    if (y_ + h > kBottom && y_ > kTop + 0.5) NewPage();
  }

  void Footer() {
    HLine(cr_, kMarginX, kPageW - kMarginX, kFooterY - 6, kRule, 0.5);
    const TextStyle st{7.5, false};
    const std::string right =
        total_pages_ > 0 ? fmt::format("Page {} of {}", page_, total_pages_)
                         : fmt::format("Page {}", page_);
    PangoLayoutPtr r = text_.Layout(right, st);
    double rw = 0, rh = 0;
    TextContext::Size(r.get(), &rw, &rh);
    SetColor(cr_, kMuted);
    text_.Show(r.get(), kPageW - kMarginX - rw, kFooterY);
    PangoLayoutPtr l = text_.Layout(m_.title, st, kTextW - rw - 20, true);
    text_.Show(l.get(), kMarginX, kFooterY);
  }

  // Draws wrapped text line by line, breaking pages between lines.
  void FlowText(const std::string& text, const TextStyle& st, double x,
                double width, Rgb color, double line_gap = 1.5) {
    PangoLayoutPtr layout = text_.Layout(text, st, width);
    pango_layout_set_spacing(layout.get(),
                             static_cast<int>(line_gap * PANGO_SCALE));
    PangoLayoutIter* it = pango_layout_get_iter(layout.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double line_h =
          static_cast<double>(logical.height) / PANGO_SCALE + line_gap;
      const double baseline_off =
          static_cast<double>(pango_layout_iter_get_baseline(it) -
                              logical.y) /
          PANGO_SCALE;
      EnsureSpace(line_h);
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
      SetColor(cr_, color);
      cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE,
                    y_ + baseline_off);
      pango_cairo_show_layout_line(cr_, line);
      y_ += line_h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  double Height(PangoLayout* layout) {
    double w = 0, h = 0;
    TextContext::Size(layout, &w, &h);
    return h;
  }

  // ---- Title page ----

  void TitleBlock() {
    FillRect(cr_, 0, 0, kPageW, 8, kHeading);
    y_ = kTop + 10;
    FlowText(m_.title, {22, true}, kMarginX, kTextW, kHeading, 2);
    y_ += 4;
    if (!m_.subtitle.empty()) {
      FlowText(m_.subtitle, {12, false}, kMarginX, kTextW, kInk);
      y_ += 2;
    }
    std::string meta = m_.generated_by;
    if (!m_.input_dir.empty()) {
      meta += (meta.empty() ? "" : "  ·  ") + std::string("Input: ") +
              m_.input_dir;
    }
    if (!meta.empty()) FlowText(meta, {8.5, false}, kMarginX, kTextW, kMuted);
    y_ += 10;
    HLine(cr_, kMarginX, kPageW - kMarginX, y_, kRule, 0.8);
    y_ += 12;
    if (!m_.overview.empty()) {
      KeyValues(m_.overview, /*panel=*/true);
      y_ += 14;
    }
  }

  void CollectHeadings(const Section& s, std::vector<Heading>* out) {
    out->push_back({s.title, s.level, 0});
    for (const Section& sub : s.subsections) CollectHeadings(sub, out);
  }

  void Contents() {
    std::vector<Heading> all;
    for (const Section& s : m_.sections) CollectHeadings(s, &all);
    if (all.empty()) return;
    EnsureSpace(60);
    FlowText("Contents", {13, true}, kMarginX, kTextW, kHeading);
    y_ += 4;
    const TextStyle st{9.5, false};
    const TextStyle st3{9, false};
    for (size_t i = 0; i < all.size(); ++i) {
      const Heading& h = all[i];
      const bool sub = h.level >= 3;
      const double indent = sub ? 16 : 0;
      const std::string num =
          i < known_pages_.size() ? std::to_string(known_pages_[i]) : "";
      PangoLayoutPtr n = text_.Layout(num, sub ? st3 : st);
      double nw = 0, nh = 0;
      TextContext::Size(n.get(), &nw, &nh);
      PangoLayoutPtr t = text_.Layout(h.title, sub ? st3 : st,
                                      kTextW - indent - 40, /*ellipsize=*/true);
      const double lh = Height(t.get()) + 4;
      EnsureSpace(lh);
      SetColor(cr_, sub ? kMuted : kInk);
      text_.Show(t.get(), kMarginX + indent, y_);
      SetColor(cr_, kMuted);
      text_.Show(n.get(), kPageW - kMarginX - nw, y_);
      // Dotted leader between title and page number.
      const double dots[] = {0.6, 2.4};
      cairo_set_dash(cr_, dots, 2, 0);
      double tw = 0;
      PangoLayoutLine* line = pango_layout_get_line_readonly(t.get(), 0);
      if (line != nullptr) {
        PangoRectangle lr;
        pango_layout_line_get_extents(line, nullptr, &lr);
        tw = static_cast<double>(lr.width) / PANGO_SCALE;
      }
      const double x0 = kMarginX + indent + tw + 4;
      const double x1 = kPageW - kMarginX - std::max(nw, 8.0) - 4;
      if (x1 > x0 && !num.empty()) {
        HLine(cr_, x0, x1, y_ + nh * 0.75, kRule, 0.8);
      }
      cairo_set_dash(cr_, nullptr, 0, 0);
      if (!num.empty()) {
        const std::string link =
            fmt::format("page={} pos=[{} {}]", known_pages_[i], 0, 0);
        cairo_tag_begin(cr_, CAIRO_TAG_LINK, link.c_str());
        cairo_rectangle(cr_, kMarginX, y_, kTextW, lh);
        cairo_set_source_rgba(cr_, 0, 0, 0, 0);
        cairo_fill(cr_);
        cairo_tag_end(cr_, CAIRO_TAG_LINK);
      }
      y_ += lh;
    }
  }

  // ---- Sections and blocks ----

  void RenderSection(const Section& s) {
    const bool sub = s.level >= 3;
    const TextStyle st{sub ? 12.5 : 15.5, true};
    y_ += sub ? 8 : 12;
    // Keep the heading with the start of its first block.
    PangoLayoutPtr probe = text_.Layout(s.title, st, kTextW);
    EnsureSpace(Height(probe.get()) + 90);
    if (y_ < kTop + 20) y_ = kTop;
    const double heading_y = y_;
    FlowText(s.title, st, kMarginX, kTextW, kHeading);
    if (!sub) {
      y_ += 2;
      HLine(cr_, kMarginX, kPageW - kMarginX, y_, kRule, 1.0);
    }
    y_ += sub ? 5 : 9;
    headings_.push_back({s.title, s.level, page_});
    if (total_pages_ > 0) {
      // PDF bookmarks (only on the final pass, where pages are known).
      const int parent =
          sub && last_outline_ != 0 ? last_outline_ : CAIRO_PDF_OUTLINE_ROOT;
      const std::string dest =
          fmt::format("page={} pos=[{:.1f} {:.1f}]", page_, kMarginX,
                      heading_y);
      const int id = cairo_pdf_surface_add_outline(
          surface_, parent, s.title.c_str(), dest.c_str(),
          static_cast<cairo_pdf_outline_flags_t>(0));
      if (!sub) last_outline_ = id;
    }
    for (const Block& b : s.blocks) RenderBlock(b);
    for (const Section& subsection : s.subsections) RenderSection(subsection);
  }

  void RenderBlock(const Block& b) {
    switch (b.kind) {
      case BlockKind::kParagraph:
        FlowText(b.text, {9.5, false}, kMarginX, kTextW, kInk);
        y_ += 7;
        break;
      case BlockKind::kNote:
        Note(b.text, b.severity);
        break;
      case BlockKind::kKeyValues:
        KeyValues(b.key_values, /*panel=*/false);
        y_ += 8;
        break;
      case BlockKind::kTable:
        RenderTable(b.table);
        break;
      case BlockKind::kChart:
        ChartBlock(b.chart);
        break;
      case BlockKind::kCharts:
        ChartRow(b.charts);
        break;
    }
  }

  void Note(const std::string& text, Severity severity) {
    const NoteStyle ns = StyleFor(severity);
    const double pad = 7, bar = 3;
    const double inner_w = kTextW - 2 * pad - bar;
    PangoLayoutPtr label = text_.Layout(ns.label, {7, true});
    PangoLayoutPtr body = text_.Layout(text, {9.5, false}, inner_w);
    const double lh = Height(label.get());
    const double bh = Height(body.get());
    const double box_h = pad + lh + 2 + bh + pad;
    if (box_h > kBottom - kTop) {  // too tall for any page: plain text
      FlowText(text, {9.5, false}, kMarginX, kTextW, kInk);
      y_ += 8;
      return;
    }
    EnsureSpace(box_h);
    FillRect(cr_, kMarginX, y_, kTextW, box_h, ns.bg);
    FillRect(cr_, kMarginX, y_, bar, box_h, ns.bar);
    SetColor(cr_, ns.bar);
    text_.Show(label.get(), kMarginX + bar + pad, y_ + pad);
    SetColor(cr_, kInk);
    text_.Show(body.get(), kMarginX + bar + pad, y_ + pad + lh + 2);
    y_ += box_h + 8;
  }

  void KeyValues(const std::vector<KeyValue>& kvs, bool panel) {
    const double key_w = kTextW * 0.32;
    const double pad_x = panel ? 10 : 0, pad_y = 4;
    const double val_w = kTextW - key_w - 2 * pad_x - 8;
    for (size_t i = 0; i < kvs.size(); ++i) {
      PangoLayoutPtr k = text_.Layout(kvs[i].key, {9, true}, key_w - 6);
      PangoLayoutPtr v = text_.Layout(kvs[i].value, {9, false}, val_w);
      const double h =
          std::max(Height(k.get()), Height(v.get())) + 2 * pad_y;
      EnsureSpace(h);
      if (panel) FillRect(cr_, kMarginX, y_, kTextW, h, kPanelBg);
      SetColor(cr_, kMuted);
      text_.Show(k.get(), kMarginX + pad_x, y_ + pad_y);
      SetColor(cr_, kInk);
      text_.Show(v.get(), kMarginX + pad_x + key_w + 8, y_ + pad_y);
      y_ += h;
      if (i + 1 < kvs.size()) {
        HLine(cr_, kMarginX + pad_x, kPageW - kMarginX - pad_x, y_,
              panel ? Rgb{0.88, 0.90, 0.93} : Rgb{0.91, 0.92, 0.94}, 0.5);
      }
    }
  }

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
                                       const std::vector<double>& natural,
                                       double total) {
    const size_t n = natural.size();
    std::vector<double> out(n);
    double sum_min = 0, sum_nat = 0;
    for (size_t i = 0; i < n; ++i) {
      sum_min += min_w[i];
      sum_nat += std::max(natural[i], min_w[i]);
    }
    if (sum_min >= total) {
      // Even the longest words do not fit: cap the widest columns (their
      // longest words break) and keep the narrow ones whole.
      double lo = 0, hi = total;
      for (int iter = 0; iter < 60; ++iter) {
        const double c = (lo + hi) / 2;
        double s = 0;
        for (double m : min_w) s += std::min(m, c);
        (s > total ? hi : lo) = c;
      }
      for (size_t i = 0; i < n; ++i) out[i] = std::min(min_w[i], lo);
      return out;
    }
    if (sum_nat <= total) {  // everything fits on one line: spread the rest
      for (size_t i = 0; i < n; ++i) {
        const double w = std::max(natural[i], min_w[i]);
        out[i] = w + (total - sum_nat) * w / sum_nat;
      }
      return out;
    }
    double lo = 0, hi = total;
    for (int iter = 0; iter < 60; ++iter) {
      const double c = (lo + hi) / 2;
      double s = 0;
      for (size_t i = 0; i < n; ++i) s += std::max(min_w[i], std::min(natural[i], c));
      (s > total ? hi : lo) = c;
    }
    for (size_t i = 0; i < n; ++i) out[i] = std::max(min_w[i], std::min(natural[i], lo));
    return out;
  }

  static std::string LongestWord(const std::string& s) {
    std::string best, cur;
    for (char ch : s) {
      if (ch == ' ' || ch == '\n' || ch == '\t') {
        if (cur.size() > best.size()) best = cur;
        cur.clear();
      } else {
        cur.push_back(ch);
      }
    }
    return cur.size() > best.size() ? cur : best;
  }

  TableLayout LayoutTable(const Table& t) {
    TableLayout tl;
    tl.cols = t.columns.size();
    for (const auto& row : t.rows) tl.cols = std::max(tl.cols, row.size());
    const double size = tl.cols > 6 ? 7.5 : 8.2;
    tl.cell = {size, false};
    tl.head = {size, true};
    std::vector<double> natural(tl.cols, 24);
    auto measure = [&](const std::string& s, const TextStyle& st) {
      PangoLayoutPtr l = text_.Layout(s, st);
      double w = 0, h = 0;
      TextContext::Size(l.get(), &w, &h);
      return w + 2 * tl.pad_x + 1;
    };
    // Headers may wrap: only their longest word counts.
    std::vector<double> min_w(tl.cols, 24);
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const double w = measure(LongestWord(t.columns[c]), tl.head);
      natural[c] = std::max(natural[c], w);
      min_w[c] = std::max(min_w[c], w);
    }
    // Measuring a bounded prefix keeps huge tables fast; later rows wrap.
    const size_t sample = std::min<size_t>(t.rows.size(), 1500);
    for (size_t r = 0; r < sample; ++r) {
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const std::string& cell = t.rows[r][c];
        natural[c] = std::max(natural[c], measure(cell, tl.cell));
        const std::string word = LongestWord(cell);
        min_w[c] = std::max(min_w[c], word.size() == cell.size() ? measure(cell, tl.cell)
                                                                 : measure(word, tl.cell));
      }
    }
    // A single-word cell longer than a third of the page may still wrap.
    for (double& m : min_w) m = std::min(m, kTextW / 3);
    // Keep whole headers on one line when that still fits.
    std::vector<double> min_full = min_w;
    double sum_full = 0;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      min_full[c] = std::max(min_full[c], std::min(measure(t.columns[c], tl.head), kTextW / 4));
    }
    for (double m : min_full) sum_full += m;
    tl.widths = FitWidths(sum_full <= kTextW ? min_full : min_w, natural, kTextW);
    return tl;
  }

  bool IsNumeric(const Table& t, size_t c) const {
    return c < t.numeric.size() && t.numeric[c];
  }

  // Lays out one row's cells; returns the row height.
  double RowLayouts(const Table& t, const TableLayout& tl,
                    const std::vector<std::string>* cells, bool header,
                    std::vector<PangoLayoutPtr>* out) {
    out->clear();
    double h = 0;
    for (size_t c = 0; c < tl.cols; ++c) {
      const std::string empty;
      const std::string& s =
          c < cells->size() ? (*cells)[c] : empty;
      PangoLayoutPtr l =
          text_.Layout(s, header ? tl.head : tl.cell,
                       tl.widths[c] - 2 * tl.pad_x, false,
                       IsNumeric(t, c) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      h = std::max(h, Height(l.get()));
      out->push_back(std::move(l));
    }
    return h + 2 * tl.pad_y;
  }

  void DrawRow(const TableLayout& tl, const std::vector<PangoLayoutPtr>& ls,
               Rgb color) {
    double x = kMarginX;
    SetColor(cr_, color);
    for (size_t c = 0; c < tl.cols; ++c) {
      text_.Show(ls[c].get(), x + tl.pad_x, y_ + tl.pad_y);
      x += tl.widths[c];
    }
  }

  void DrawHeader(const Table& t, const TableLayout& tl) {
    std::vector<PangoLayoutPtr> ls;
    const double h = RowLayouts(t, tl, &t.columns, true, &ls);
    FillRect(cr_, kMarginX, y_, kTextW, h, kHeaderBg);
    DrawRow(tl, ls, kHeading);
    y_ += h;
    HLine(cr_, kMarginX, kPageW - kMarginX, y_, Rgb{0.65, 0.70, 0.76}, 0.8);
  }

  void RenderTable(const Table& t) {
    TableLayout tl = LayoutTable(t);
    if (tl.cols == 0) return;
    std::vector<PangoLayoutPtr> head;
    const double head_h = RowLayouts(t, tl, &t.columns, true, &head);
    std::vector<PangoLayoutPtr> ls;
    const double first_h =
        t.rows.empty() ? 0 : RowLayouts(t, tl, &t.rows[0], false, &ls);
    PangoLayoutPtr caption;
    double caption_h = 0;
    if (!t.caption.empty()) {
      caption = text_.Layout(t.caption, {9, true}, kTextW);
      caption_h = Height(caption.get()) + 4;
    }
    // Caption, header and first row stay together.
    EnsureSpace(caption_h + head_h + first_h);
    if (caption) {
      SetColor(cr_, kInk);
      text_.Show(caption.get(), kMarginX, y_);
      y_ += caption_h;
    }
    const bool has_header = !t.columns.empty();
    if (has_header) DrawHeader(t, tl);
    std::vector<bool> highlighted(t.rows.size(), false);
    for (int r : t.highlight_rows) {
      if (r >= 0 && static_cast<size_t>(r) < t.rows.size()) {
        highlighted[r] = true;
      }
    }
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const double h = RowLayouts(t, tl, &t.rows[r], false, &ls);
      if (y_ + h > kBottom && y_ > kTop + 0.5) {
        NewPage();
        if (has_header) DrawHeader(t, tl);
      }
      if (highlighted[r]) {
        FillRect(cr_, kMarginX, y_, kTextW, h, kHighlightBg);
        FillRect(cr_, kMarginX, y_, 2, h, kHighlightBar);
      } else if (r % 2 == 1) {
        FillRect(cr_, kMarginX, y_, kTextW, h, kZebraBg);
      }
      DrawRow(tl, ls, kInk);
      y_ += h;
    }
    HLine(cr_, kMarginX, kPageW - kMarginX, y_, kRule, 0.6);
    y_ += 12;
  }

  // ---- Charts ----

  static double ChartHeightFor(const Chart& c, double w) {
    const double cw = c.width > 16 && std::isfinite(c.width) ? c.width : 900;
    const double ch = c.height > 16 && std::isfinite(c.height) ? c.height : 300;
    // Scaling a wide 900x300 chart to the text width would leave a flat
    // strip; keep at least ~190 pt (or the chart's own height) of plot.
    const double scaled = std::max(ch * w / cw, std::min(ch, 190.0));
    return std::clamp(scaled, 90.0, (kBottom - kTop) * 0.6);
  }

  void FramedChart(const Chart& c, double x, double w, double h) {
    PaintChart(cr_, c, x, y_, w, h);
    SetColor(cr_, Rgb{0.88, 0.89, 0.91});
    cairo_set_line_width(cr_, 0.6);
    cairo_rectangle(cr_, x, y_, w, h);
    cairo_stroke(cr_);
  }

  void ChartBlock(const Chart& c) {
    const double h = ChartHeightFor(c, kTextW);
    EnsureSpace(h);
    FramedChart(c, kMarginX, kTextW, h);
    y_ += h + 12;
  }

  void ChartRow(const std::vector<Chart>& charts) {
    constexpr size_t kPerRow = 3;
    constexpr double kGap = 10;
    for (size_t start = 0; start < charts.size(); start += kPerRow) {
      const size_t n = std::min(kPerRow, charts.size() - start);
      const double w = (kTextW - kGap * (n - 1)) / n;
      double h = 0;
      for (size_t i = 0; i < n; ++i) {
        h = std::max(h, ChartHeightFor(charts[start + i], w));
      }
      h = std::clamp(h, 120.0, 260.0);
      EnsureSpace(h);
      for (size_t i = 0; i < n; ++i) {
        FramedChart(charts[start + i], kMarginX + i * (w + kGap), w, h);
      }
      y_ += h + 12;
    }
  }

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

struct PassResult {
  int pages = 0;
  std::vector<int> heading_pages;
};

Status RunPass(const ReportModel& model, int total_pages,
               const std::vector<int>& known_pages, std::string* out,
               PassResult* result) {
  CairoSurfacePtr surface(cairo_pdf_surface_create_for_stream(
      AppendToString, out, kPageW, kPageH));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Error(
        std::string("cannot create PDF surface: ") +
        cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 model.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR,
                                 "sm-report");
  // cairo 1.16 stamps the current time unless a date is set; an empty date
  // makes it omit /CreationDate entirely (deterministic output).
  cairo_pdf_surface_set_metadata(surface.get(),
                                 CAIRO_PDF_METADATA_CREATE_DATE, "");
  if (!model.subtitle.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT,
                                   model.subtitle.c_str());
  }
  CairoPtr cr(cairo_create(surface.get()));
  PdfLayout layout(surface.get(), cr.get(), model, total_pages, known_pages);
  layout.Render();
  const cairo_status_t st = cairo_status(cr.get());
  cr.reset();
  cairo_surface_finish(surface.get());
  const cairo_status_t sst = cairo_surface_status(surface.get());
  if (st != CAIRO_STATUS_SUCCESS || sst != CAIRO_STATUS_SUCCESS) {
    return Status::Error(
        std::string("PDF rendering failed: ") +
        cairo_status_to_string(st != CAIRO_STATUS_SUCCESS ? st : sst));
  }
  result->pages = layout.pages();
  for (const Heading& h : layout.headings()) {
    result->heading_pages.push_back(h.page);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> RenderPdf(const ReportModel& model) {
  PassResult first;
  Status s = RunPass(model, 0, {}, nullptr, &first);
  if (!s.ok()) return s;
  std::string pdf;
  PassResult second;
  s = RunPass(model, first.pages, first.heading_pages, &pdf, &second);
  if (!s.ok()) return s;
  return pdf;
}

}  // namespace smr
