// PdfLayout (pdf_layout.h): page flow, title page and contents, sections,
// notes, key/value panels and charts.
#include "src/render/pdf_layout.h"

#include <cairo-pdf.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace smr {
namespace pdf_internal {
namespace {

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

}  // namespace

void PdfLayout::Render() {
  y_ = kTop;
  TitleBlock();
  Contents();
  NewPage();
  for (const Section& s : m_.sections) RenderSection(s);
  Footer();
}

void PdfLayout::NewPage() {
  Footer();
  cairo_show_page(cr_);
  ++page_;
  y_ = kTop;
}

// Starts a new page unless `h` fits below the cursor (or the page is
// still empty, in which case nothing would be gained).
void PdfLayout::EnsureSpace(double h) {
  if (y_ + h > Bottom() && y_ > kTop + 0.5) NewPage();
}

void PdfLayout::Footer() {
  HLine(cr_, kMarginX, PageW() - kMarginX, FooterY() - 6, kRule, 0.5);
  const TextStyle st{7.5, false};
  const std::string right = total_pages_ > 0 ? fmt::format("Page {} of {}", page_, total_pages_)
                                             : fmt::format("Page {}", page_);
  PangoLayoutPtr r = text_.Layout(right, st);
  double rw = 0, rh = 0;
  TextContext::Size(r.get(), &rw, &rh);
  SetColor(cr_, kMuted);
  text_.Show(r.get(), PageW() - kMarginX - rw, FooterY());
  PangoLayoutPtr l = text_.Layout(m_.title, st, TextW() - rw - 20, true);
  text_.Show(l.get(), kMarginX, FooterY());
}

// Draws wrapped text line by line, breaking pages between lines.
void PdfLayout::FlowText(const std::string& text, const TextStyle& st, double x, double width,
                         Rgb color, double line_gap) {
  PangoLayoutPtr layout = text_.Layout(text, st, width);
  pango_layout_set_spacing(layout.get(), static_cast<int>(line_gap * PANGO_SCALE));
  PangoLayoutIter* it = pango_layout_get_iter(layout.get());
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    const double line_h = static_cast<double>(logical.height) / PANGO_SCALE + line_gap;
    const double baseline_off =
        static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
    EnsureSpace(line_h);
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
    SetColor(cr_, color);
    cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline_off);
    pango_cairo_show_layout_line(cr_, line);
    y_ += line_h;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

double PdfLayout::Height(PangoLayout* layout) {
  double w = 0, h = 0;
  TextContext::Size(layout, &w, &h);
  return h;
}

void PdfLayout::TitleBlock() {
  FillRect(cr_, 0, 0, PageW(), 8, kHeading);
  y_ = kTop + 10;
  FlowText(m_.title, {22, true}, kMarginX, TextW(), kHeading, 2);
  y_ += 4;
  if (!m_.subtitle.empty()) {
    FlowText(m_.subtitle, {12, false}, kMarginX, TextW(), kInk);
    y_ += 2;
  }
  std::string meta = m_.generated_by;
  if (!m_.input_dir.empty()) {
    meta += (meta.empty() ? "" : "  ·  ") + std::string("Input: ") + m_.input_dir;
  }
  if (!meta.empty()) FlowText(meta, {8.5, false}, kMarginX, TextW(), kMuted);
  y_ += 10;
  HLine(cr_, kMarginX, PageW() - kMarginX, y_, kRule, 0.8);
  y_ += 12;
  if (!m_.overview.empty()) {
    KeyValues(m_.overview, /*panel=*/true);
    y_ += 14;
  }
}

void PdfLayout::CollectHeadings(const Section& s, std::vector<Heading>* out) {
  out->push_back({s.title, s.level, 0});
  for (const Section& sub : s.subsections) CollectHeadings(sub, out);
}

void PdfLayout::Contents() {
  std::vector<Heading> all;
  for (const Section& s : m_.sections) CollectHeadings(s, &all);
  if (all.empty()) return;
  EnsureSpace(60);
  FlowText("Contents", {13, true}, kMarginX, TextW(), kHeading);
  y_ += 4;
  const TextStyle st{9.5, false};
  const TextStyle st3{9, false};
  for (size_t i = 0; i < all.size(); ++i) {
    const Heading& h = all[i];
    const bool sub = h.level >= 3;
    const double indent = sub ? 16 : 0;
    const std::string num = i < known_pages_.size() ? std::to_string(known_pages_[i]) : "";
    PangoLayoutPtr n = text_.Layout(num, sub ? st3 : st);
    double nw = 0, nh = 0;
    TextContext::Size(n.get(), &nw, &nh);
    PangoLayoutPtr t =
        text_.Layout(h.title, sub ? st3 : st, TextW() - indent - 40, /*ellipsize=*/true);
    const double lh = Height(t.get()) + 4;
    EnsureSpace(lh);
    SetColor(cr_, sub ? kMuted : kInk);
    text_.Show(t.get(), kMarginX + indent, y_);
    SetColor(cr_, kMuted);
    text_.Show(n.get(), PageW() - kMarginX - nw, y_);
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
    const double x1 = PageW() - kMarginX - std::max(nw, 8.0) - 4;
    if (x1 > x0 && !num.empty()) {
      HLine(cr_, x0, x1, y_ + nh * 0.75, kRule, 0.8);
    }
    cairo_set_dash(cr_, nullptr, 0, 0);
    if (!num.empty()) {
      const std::string link = fmt::format("page={} pos=[{} {}]", known_pages_[i], 0, 0);
      cairo_tag_begin(cr_, CAIRO_TAG_LINK, link.c_str());
      cairo_rectangle(cr_, kMarginX, y_, TextW(), lh);
      cairo_set_source_rgba(cr_, 0, 0, 0, 0);
      cairo_fill(cr_);
      cairo_tag_end(cr_, CAIRO_TAG_LINK);
    }
    y_ += lh;
  }
}

void PdfLayout::RenderSection(const Section& s) {
  const bool sub = s.level >= 3;
  const TextStyle st{sub ? 12.5 : 15.5, true};
  y_ += sub ? 8 : 12;
  // Keep the heading with the start of its first block.
  PangoLayoutPtr probe = text_.Layout(s.title, st, TextW());
  EnsureSpace(Height(probe.get()) + 90);
  if (y_ < kTop + 20) y_ = kTop;
  const double heading_y = y_;
  FlowText(s.title, st, kMarginX, TextW(), kHeading);
  if (!sub) {
    y_ += 2;
    HLine(cr_, kMarginX, PageW() - kMarginX, y_, kRule, 1.0);
  }
  y_ += sub ? 5 : 9;
  headings_.push_back({s.title, s.level, page_});
  if (total_pages_ > 0) {
    // PDF bookmarks (only on the final pass, where pages are known).
    const int parent = sub && last_outline_ != 0 ? last_outline_ : CAIRO_PDF_OUTLINE_ROOT;
    const std::string dest = fmt::format("page={} pos=[{:.1f} {:.1f}]", page_, kMarginX, heading_y);
    const int id = cairo_pdf_surface_add_outline(surface_, parent, s.title.c_str(), dest.c_str(),
                                                 static_cast<cairo_pdf_outline_flags_t>(0));
    if (!sub) last_outline_ = id;
  }
  for (const Block& b : s.blocks) RenderBlock(b);
  for (const Section& subsection : s.subsections) RenderSection(subsection);
}

void PdfLayout::RenderBlock(const Block& b) {
  switch (b.kind) {
    case BlockKind::kParagraph:
      FlowText(b.text, {9.5, false}, kMarginX, TextW(), kInk);
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
    case BlockKind::kFindings:
      Findings(b.findings);
      break;
    case BlockKind::kDetails:
      Details(b);
      break;
  }
}

void PdfLayout::Findings(const std::vector<FindingItem>& findings) {
  for (const FindingItem& f : findings) Finding(f);
  y_ += 6;
}

// One finding: a coloured bar and label, the title in bold, then one line
// each for where, evidence, impact and action with the key in a narrow
// column; kept whole on a page.
void PdfLayout::Finding(const FindingItem& f) {
  const NoteStyle ns = StyleFor(f.severity);
  const double pad = 5, bar = 3, key_w = 46;
  const double x = kMarginX + bar + pad;
  const double inner_w = TextW() - bar - 2 * pad;
  std::string head = f.title;
  if (f.stage == "initialization") head += "  (during initialization)";
  if (f.stage == "finalization") head += "  (after the last step)";
  PangoLayoutPtr label = text_.Layout(ns.label, {6.5, true});
  double label_w = 0, label_h = 0;
  TextContext::Size(label.get(), &label_w, &label_h);
  PangoLayoutPtr title = text_.Layout(head, {9.5, true}, inner_w - label_w - 6);
  struct Line {
    PangoLayoutPtr key, value;
    double h = 0;
  };
  std::vector<Line> lines;
  const std::pair<const char*, const std::string*> parts[] = {
      {"Where", &f.where}, {"Evidence", &f.evidence}, {"Impact", &f.impact}, {"Action", &f.action}};
  double h = pad + Height(title.get()) + 1;
  for (const auto& [key, value] : parts) {
    if (value->empty()) continue;
    Line line{text_.Layout(key, {7.5, true}), text_.Layout(*value, {8.5, false}, inner_w - key_w)};
    line.h = std::max(Height(line.key.get()), Height(line.value.get())) + 1;
    h += line.h;
    lines.push_back(std::move(line));
  }
  h += pad;
  if (h > Bottom() - kTop) {  // too tall for any page: plain text
    FlowText(head, {9.5, true}, kMarginX, TextW(), kInk);
    for (const auto& [key, value] : parts) {
      if (!value->empty())
        FlowText(std::string(key) + ": " + *value, {8.5, false}, kMarginX, TextW(), kInk);
    }
    y_ += 6;
    return;
  }
  EnsureSpace(h);
  FillRect(cr_, kMarginX, y_, TextW(), h, ns.bg);
  FillRect(cr_, kMarginX, y_, bar, h, ns.bar);
  double y = y_ + pad;
  SetColor(cr_, ns.bar);
  text_.Show(label.get(), x, y + 2);
  SetColor(cr_, kInk);
  text_.Show(title.get(), x + label_w + 6, y);
  y += Height(title.get()) + 1;
  for (const Line& line : lines) {
    SetColor(cr_, kMuted);
    text_.Show(line.key.get(), x, y + 0.8);
    SetColor(cr_, kInk);
    text_.Show(line.value.get(), x + key_w, y);
    y += line.h;
  }
  y_ += h + 4;
}

void PdfLayout::Details(const Block& b) {
  const TextStyle st{9.5, true};
  const std::string summary =
      b.children_in_pdf || b.children.empty() ? b.text : b.text + "  (detail in the HTML report)";
  PangoLayoutPtr probe = text_.Layout(summary, st, TextW());
  // The summary stays with the start of what it introduces.
  EnsureSpace(Height(probe.get()) + (b.children_in_pdf && !b.children.empty() ? 60 : 0));
  FlowText(summary, st, kMarginX, TextW(), b.children_in_pdf ? kInk : kMuted);
  y_ += 5;
  if (b.children_in_pdf) {
    for (const Block& child : b.children) RenderBlock(child);
  }
}

void PdfLayout::Note(const std::string& text, Severity severity) {
  const NoteStyle ns = StyleFor(severity);
  const double pad = 7, bar = 3;
  const double inner_w = TextW() - 2 * pad - bar;
  PangoLayoutPtr label = text_.Layout(ns.label, {7, true});
  PangoLayoutPtr body = text_.Layout(text, {9.5, false}, inner_w);
  const double lh = Height(label.get());
  const double bh = Height(body.get());
  const double box_h = pad + lh + 2 + bh + pad;
  if (box_h > Bottom() - kTop) {  // too tall for any page: plain text
    FlowText(text, {9.5, false}, kMarginX, TextW(), kInk);
    y_ += 8;
    return;
  }
  EnsureSpace(box_h);
  FillRect(cr_, kMarginX, y_, TextW(), box_h, ns.bg);
  FillRect(cr_, kMarginX, y_, bar, box_h, ns.bar);
  SetColor(cr_, ns.bar);
  text_.Show(label.get(), kMarginX + bar + pad, y_ + pad);
  SetColor(cr_, kInk);
  text_.Show(body.get(), kMarginX + bar + pad, y_ + pad + lh + 2);
  y_ += box_h + 8;
}

void PdfLayout::KeyValues(const std::vector<KeyValue>& kvs, bool panel) {
  const double key_w = TextW() * 0.32;
  const double pad_x = panel ? 10 : 0, pad_y = 4;
  const double val_w = TextW() - key_w - 2 * pad_x - 8;
  for (size_t i = 0; i < kvs.size(); ++i) {
    PangoLayoutPtr k = text_.Layout(kvs[i].key, {9, true}, key_w - 6);
    PangoLayoutPtr v = text_.Layout(kvs[i].value, {9, false}, val_w);
    const double h = std::max(Height(k.get()), Height(v.get())) + 2 * pad_y;
    EnsureSpace(h);
    if (panel) FillRect(cr_, kMarginX, y_, TextW(), h, kPanelBg);
    SetColor(cr_, kMuted);
    text_.Show(k.get(), kMarginX + pad_x, y_ + pad_y);
    SetColor(cr_, kInk);
    text_.Show(v.get(), kMarginX + pad_x + key_w + 8, y_ + pad_y);
    y_ += h;
    if (i + 1 < kvs.size()) {
      HLine(cr_, kMarginX + pad_x, PageW() - kMarginX - pad_x, y_,
            panel ? Rgb{0.88, 0.90, 0.93} : Rgb{0.91, 0.92, 0.94}, 0.5);
    }
  }
}

double PdfLayout::ChartHeightFor(const Chart& c, double w) const {
  const double cw = c.width > 16 && std::isfinite(c.width) ? c.width : 900;
  const double ch = c.height > 16 && std::isfinite(c.height) ? c.height : 300;
  // Scaling a wide 900x300 chart to the text width would leave a flat
  // strip; keep at least ~190 pt (or the chart's own height) of plot.
  const double scaled = std::max(ch * w / cw, std::min(ch, 190.0));
  return std::clamp(scaled, 90.0, (Bottom() - kTop) * 0.6);
}

void PdfLayout::FramedChart(const Chart& c, double x, double w, double h) {
  PaintChart(cr_, c, x, y_, w, h);
  SetColor(cr_, Rgb{0.88, 0.89, 0.91});
  cairo_set_line_width(cr_, 0.6);
  cairo_rectangle(cr_, x, y_, w, h);
  cairo_stroke(cr_);
}

void PdfLayout::ChartBlock(const Chart& c) {
  const double h = ChartHeightFor(c, TextW());
  EnsureSpace(h);
  FramedChart(c, kMarginX, TextW(), h);
  y_ += h + 12;
}

// Two charts per row: three across left too little room for titles and
// legends at a readable size.
void PdfLayout::ChartRow(const std::vector<Chart>& charts) {
  constexpr size_t kPerRow = 2;
  constexpr double kGap = 10;
  for (size_t start = 0; start < charts.size(); start += kPerRow) {
    const size_t n = std::min(kPerRow, charts.size() - start);
    // A row's last chart alone keeps the size of the others.
    const size_t cols = charts.size() > 1 ? kPerRow : 1;
    const double w = (TextW() - kGap * (cols - 1)) / cols;
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

}  // namespace pdf_internal
}  // namespace smr
