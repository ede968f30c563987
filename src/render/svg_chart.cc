// RenderChartSvg: one chart as an inline-embeddable <svg> element.
//
// cairo writes a standalone SVG document; we make it safe to inline several
// of them in one HTML page: the XML declaration is dropped, every element id
// cairo emits (glyph0-1, clip1, surface5, ...) is prefixed with the chart id
// so ids stay unique across charts, and an accessible <title> is added.
// Text is drawn by pango and reaches the SVG as glyph outlines, so no input
// string appears in the output except the escaped title. Coordinates are
// written to hundredths of a unit (cairo writes six decimals): the same
// drawing in about half the bytes.
#include <cairo-svg.h>
#include <cairo.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "smr/render.h"
#include "src/render/cairo_handles.h"
#include "src/render/chart_painter.h"
#include "src/render/xml_text.h"

namespace smr {
namespace {

// Id prefix: [A-Za-z0-9_-] from the chart id, starting with a letter.
std::string IdPrefix(const std::string& chart_id) {
  std::string out = "chart-";
  for (char ch : chart_id) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    out += ok ? ch : '_';
  }
  return out + "-";
}

// Rewrites every id definition (id="X") and reference (href="#X", url(#X))
// to prefix + a number in order of first appearance. Renumbering (not just
// prefixing) matters for determinism: cairo names some elements after
// process-wide surface counters ("surface6" on the second render).
std::string RenumberIds(const std::string& svg, const std::string& prefix) {
  static constexpr const char* kOpeners[] = {"id=\"", "href=\"#", "url(#"};
  std::map<std::string, int> ids;  // old name -> number
  std::string out;
  out.reserve(svg.size() + svg.size() / 8);
  size_t pos = 0;
  // Next hit per opener, recomputed only once passed (keeps this linear).
  size_t next[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) next[i] = svg.find(kOpeners[i]);
  while (pos < svg.size()) {
    size_t best = std::string::npos;
    size_t best_len = 0;
    for (int i = 0; i < 3; ++i) {
      if (next[i] != std::string::npos && next[i] < pos) {
        next[i] = svg.find(kOpeners[i], pos);
      }
      if (next[i] < best) {
        best = next[i];
        best_len = std::strlen(kOpeners[i]);
      }
    }
    if (best == std::string::npos) break;
    const size_t name_begin = best + best_len;
    const size_t name_end = svg.find_first_of("\")", name_begin);
    if (name_end == std::string::npos) break;
    const std::string name = svg.substr(name_begin, name_end - name_begin);
    const auto it = ids.emplace(name, static_cast<int>(ids.size()) + 1).first;
    out.append(svg, pos, name_begin - pos);
    out += prefix + std::to_string(it->second);
    pos = name_end;
  }
  out.append(svg, pos, std::string::npos);
  return out;
}

// Appends v rounded to hundredths, without trailing zeros ("12.5", "-3",
// "0.07"). Integer arithmetic, so the text never depends on printf rounding.
void AppendHundredths(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->push_back('0');
    return;
  }
  long long n = std::llround(v * 100);
  if (n < 0) {
    out->push_back('-');
    n = -n;
  }
  *out += std::to_string(n / 100);
  const int frac = static_cast<int>(n % 100);
  if (frac != 0) {
    out->push_back('.');
    out->push_back(static_cast<char>('0' + frac / 10));
    if (frac % 10 != 0) out->push_back(static_cast<char>('0' + frac % 10));
  }
}

// Rewrites path data as cairo writes it ("M 48.476562 76 L 66 76 Z M ...")
// compactly: numbers to hundredths of a unit, no blank around command
// letters, and without the lone move-to cairo ends a closed path with.
std::string CompactPathData(std::string_view d) {
  std::string out;
  out.reserve(d.size() / 2);
  size_t last_command = 0;  // position in `out` of the last command letter
  char last_letter = 0;
  size_t i = 0;
  while (i < d.size()) {
    const char ch = d[i];
    if (ch == ' ' || ch == ',' || ch == '\n' || ch == '\t') {
      ++i;
      continue;
    }
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')) {
      last_command = out.size();
      last_letter = ch;
      out.push_back(ch);
      ++i;
      continue;
    }
    size_t j = i;
    while (j < d.size() && d[j] != ' ' && d[j] != ',' && d[j] != '\n' &&
           !((d[j] >= 'A' && d[j] <= 'Z') || (d[j] >= 'a' && d[j] <= 'z' && d[j] != 'e'))) {
      ++j;
    }
    const std::string token(d.substr(i, j - i));
    const double v = std::strtod(token.c_str(), nullptr);
    const size_t before = out.size();
    AppendHundredths(v, &out);
    // Two numbers in a row need a separator unless the second has a sign.
    if (before > 0 && out[before] != '-') {
      const char prev = out[before - 1];
      if ((prev >= '0' && prev <= '9') || prev == '.') {
        out.insert(before, 1, ' ');
      }
    }
    i = j;
  }
  if (last_letter == 'M' && last_command > 0) out.resize(last_command);
  return out;
}

// Applies CompactPathData to every d="..." and rounds x="..." / y="..."
// (glyph positions) to hundredths.
std::string CompactNumbers(const std::string& svg) {
  std::string out;
  out.reserve(svg.size());
  static constexpr const char* kAttrs[] = {" d=\"", " x=\"", " y=\""};
  // Next hit per attribute, searched again only once passed (linear time).
  size_t next[3];
  for (int k = 0; k < 3; ++k) next[k] = svg.find(kAttrs[k]);
  size_t pos = 0;
  while (pos < svg.size()) {
    size_t best = std::string::npos;
    int which = -1;
    for (int k = 0; k < 3; ++k) {
      if (next[k] != std::string::npos && next[k] < pos) {
        next[k] = svg.find(kAttrs[k], pos);
      }
      if (next[k] < best) {
        best = next[k];
        which = k;
      }
    }
    if (best == std::string::npos) break;
    const size_t begin = best + 4;
    const size_t end = svg.find('"', begin);
    if (end == std::string::npos) break;
    out.append(svg, pos, begin - pos);
    const std::string_view value(svg.data() + begin, end - begin);
    if (which == 0) {
      out += CompactPathData(value);
    } else {
      char* stop = nullptr;
      const std::string v(value);
      const double num = std::strtod(v.c_str(), &stop);
      if (stop != nullptr && *stop == '\0' && !v.empty()) {
        AppendHundredths(num, &out);
      } else {
        out.append(value);
      }
    }
    pos = end;
  }
  out.append(svg, pos, std::string::npos);
  return out;
}

// data-plot="x y w h" (user units), data-x="lo hi", data-y="lo hi" and
// data-tick (height of the x tick labels) of a line chart, data-time="1" on
// a UTC time axis: what the page script needs to map the pointer to data.
std::string GeometryAttributes(const ChartGeometry& g, bool x_is_time) {
  if (!g.valid) return "";
  std::string out;
  auto attr = [&out](const char* name, std::initializer_list<double> values) {
    out += fmt::format(" {}=\"", name);
    bool first = true;
    for (double v : values) {
      if (!first) out.push_back(' ');
      first = false;
      out += fmt::format("{:.10g}", std::isfinite(v) ? v : 0.0);
    }
    out.push_back('"');
  };
  attr("data-plot", {g.plot_x, g.plot_y, g.plot_w, g.plot_h});
  attr("data-x", {g.x0, g.x1});
  attr("data-y", {g.y0, g.y1});
  attr("data-tick", {g.tick_h});
  if (x_is_time) out += " data-time=\"1\"";
  return out;
}

}  // namespace

StatusOr<std::string> RenderChartSvg(const Chart& chart) {
  return RenderChartSvg(chart, SvgChartOptions{});
}

StatusOr<std::string> RenderChartSvg(const Chart& chart, const SvgChartOptions& options) {
  const double w = std::isfinite(chart.width) && chart.width >= 16 ? chart.width : 900;
  const double h = std::isfinite(chart.height) && chart.height >= 16 ? chart.height : 300;
  std::string svg;
  ChartGeometry geometry;
  {
    CairoSurfacePtr surface(cairo_svg_surface_create_for_stream(AppendToString, &svg, w, h));
    if (Status st = CheckSurface(surface.get(), "SVG"); !st.ok()) return st;
    cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
    cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PX);
    CairoPtr cr(cairo_create(surface.get()));
    PaintOptions paint;
    paint.max_columns = options.max_columns;
    paint.screen_text = true;
    paint.geometry = &geometry;
    PaintChart(cr.get(), chart, 0, 0, w, h, paint);
    if (Status st = FinishSurface(&cr, surface.get(), "SVG"); !st.ok()) return st;
  }

  // Drop the XML declaration (invalid inside HTML).
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) {
    return Status::Error("SVG rendering produced no <svg> element");
  }
  svg.erase(0, start);

  // Every id in the document is cairo's; renumber them all consistently.
  const std::string prefix = IdPrefix(chart.id);
  svg = RenumberIds(CompactNumbers(svg), prefix);

  // Accessible name: role on the root element, <title> as its first child.
  const size_t tag_end = svg.find('>');
  if (tag_end == std::string::npos) {
    return Status::Error("SVG rendering produced a malformed <svg> element");
  }
  const std::string title_id = prefix + "title";
  svg.insert(tag_end + 1,
             "\n<title id=\"" + title_id + "\">" + XmlEscape(chart.title) + "</title>");
  svg.insert(tag_end, " role=\"img\" aria-labelledby=\"" + title_id + "\"" +
                          GeometryAttributes(geometry, chart.x_is_time));
  return svg;
}

}  // namespace smr
