// PdfLayout's tables (pdf_layout.h): column widths fitted to the text width,
// rows that break between pages with the header row repeated, zebra and
// highlighted rows.
#include "src/render/pdf_layout.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace smr {
namespace pdf_internal {

// Column widths: every column gets at least `min_w` (its longest word, so
// words never break) and at most its natural one-line width; the text width
// left over is shared by water-filling, so narrow columns keep their width
// and only wide prose columns wrap.
std::vector<double> PdfLayout::FitWidths(const std::vector<double>& min_w,
                                         const std::vector<double>& natural, double total) {
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

std::string PdfLayout::LongestWord(const std::string& s) {
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

PdfLayout::TableLayout PdfLayout::LayoutTable(const Table& t) {
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
      min_w[c] = std::max(
          min_w[c], word.size() == cell.size() ? measure(cell, tl.cell) : measure(word, tl.cell));
    }
  }
  // A single-word cell longer than a third of the page may still wrap.
  for (double& m : min_w) m = std::min(m, TextW() / 3);
  // Keep whole headers on one line when that still fits.
  std::vector<double> min_full = min_w;
  double sum_full = 0;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    min_full[c] = std::max(min_full[c], std::min(measure(t.columns[c], tl.head), TextW() / 4));
  }
  for (double m : min_full) sum_full += m;
  tl.widths = FitWidths(sum_full <= TextW() ? min_full : min_w, natural, TextW());
  return tl;
}

bool PdfLayout::IsNumeric(const Table& t, size_t c) const {
  return c < t.numeric.size() && t.numeric[c];
}

// Lays out one row's cells; returns the row height.
double PdfLayout::RowLayouts(const Table& t, const TableLayout& tl,
                             const std::vector<std::string>* cells, bool header,
                             std::vector<PangoLayoutPtr>* out) {
  out->clear();
  double h = 0;
  for (size_t c = 0; c < tl.cols; ++c) {
    const std::string empty;
    const std::string& s = c < cells->size() ? (*cells)[c] : empty;
    PangoLayoutPtr l = text_.Layout(s, header ? tl.head : tl.cell, tl.widths[c] - 2 * tl.pad_x,
                                    false, IsNumeric(t, c) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    h = std::max(h, Height(l.get()));
    out->push_back(std::move(l));
  }
  return h + 2 * tl.pad_y;
}

void PdfLayout::DrawRow(const TableLayout& tl, const std::vector<PangoLayoutPtr>& ls, Rgb color) {
  double x = kMarginX;
  SetColor(cr_, color);
  for (size_t c = 0; c < tl.cols; ++c) {
    text_.Show(ls[c].get(), x + tl.pad_x, y_ + tl.pad_y);
    x += tl.widths[c];
  }
}

void PdfLayout::DrawHeader(const Table& t, const TableLayout& tl) {
  std::vector<PangoLayoutPtr> ls;
  const double h = RowLayouts(t, tl, &t.columns, true, &ls);
  FillRect(cr_, kMarginX, y_, TextW(), h, kHeaderBg);
  DrawRow(tl, ls, kHeading);
  y_ += h;
  HLine(cr_, kMarginX, PageW() - kMarginX, y_, Rgb{0.65, 0.70, 0.76}, 0.8);
}

void PdfLayout::RenderTable(const Table& t) {
  TableLayout tl = LayoutTable(t);
  if (tl.cols == 0) return;
  std::vector<PangoLayoutPtr> head;
  const double head_h = RowLayouts(t, tl, &t.columns, true, &head);
  std::vector<PangoLayoutPtr> ls;
  const double first_h = t.rows.empty() ? 0 : RowLayouts(t, tl, &t.rows[0], false, &ls);
  PangoLayoutPtr caption;
  double caption_h = 0;
  if (!t.caption.empty()) {
    caption = text_.Layout(t.caption, {9, true}, TextW());
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
    if (y_ + h > Bottom() && y_ > kTop + 0.5) {
      NewPage();
      // The continued table says what it is, then repeats its header.
      if (!t.caption.empty()) {
        PangoLayoutPtr cont = text_.Layout(t.caption + " (continued)", {8, false}, TextW(), true);
        SetColor(cr_, kMuted);
        text_.Show(cont.get(), kMarginX, y_);
        y_ += Height(cont.get()) + 3;
      }
      if (has_header) DrawHeader(t, tl);
    }
    if (highlighted[r]) {
      FillRect(cr_, kMarginX, y_, TextW(), h, kHighlightBg);
      FillRect(cr_, kMarginX, y_, 2, h, kHighlightBar);
    } else if (r % 2 == 1) {
      FillRect(cr_, kMarginX, y_, TextW(), h, kZebraBg);
    }
    DrawRow(tl, ls, kInk);
    y_ += h;
  }
  HLine(cr_, kMarginX, PageW() - kMarginX, y_, kRule, 0.6);
  y_ += 12;
}

}  // namespace pdf_internal
}  // namespace smr
