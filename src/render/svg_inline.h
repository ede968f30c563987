// Inlining chart SVGs into one HTML page: SvgPageDefs collects what the
// charts of a page share (glyph outlines, text runs, styles) and InlineSvg
// rewrites one chart's SVG to use it. Private to src/render.
#ifndef SMR_SRC_RENDER_SVG_INLINE_H_
#define SMR_SRC_RENDER_SVG_INLINE_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace smr {

// Definitions shared by every chart of a page, filled in document order so
// output is deterministic.
class SvgPageDefs {
 public:
  // Glyph outlines and styles shared by every chart of the page (see
  // InlineSvg): each distinct glyph is defined once as <symbol id="g_N">,
  // each distinct style once as the CSS class s_N, in order of first use.
  std::string GlyphId(const std::string& symbol_body) {
    return SharedSymbol(&glyphs_, "g_", symbol_body);
  }
  // A run of glyphs (one text label) drawn at the origin, shared by every
  // chart that shows the same label in the same font: <symbol id="t_N">.
  std::string TextRunId(const std::string& symbol_body) {
    return SharedSymbol(&runs_, "t_", symbol_body);
  }
  std::string StyleClass(std::string_view style);
  // The hidden <svg> that holds the shared definitions ("" when no chart
  // was drawn). It takes no room and is hidden from assistive technology.
  std::string SharedDefs() const;

 private:
  // The id of `body` as a <symbol> among `ids` (prefix + number in order of
  // first use), defining it in the shared block the first time.
  std::string SharedSymbol(std::map<std::string, std::string, std::less<>>* ids, const char* prefix,
                           const std::string& body);

  std::map<std::string, std::string, std::less<>> glyphs_;
  std::map<std::string, std::string, std::less<>> styles_;
  std::map<std::string, std::string, std::less<>> runs_;
  std::string glyph_defs_;
  std::string style_rules_;
};

// Rewrites one chart's SVG (cairo's SVG writer output) for inlining into a
// page that holds many charts:
// - drops the XML declaration, which has no place inside an HTML body;
// - drops the xmlns declarations of the root element: the HTML parser puts
//   inline <svg> and xlink:href in their namespaces by itself, and the page
//   then carries no URL of any kind;
// - renames every id (and every "#id" / url(#id) reference to it) to
//   `prefix` + its rank of first definition. Ids must be unique in the
//   page: cairo numbers glyphs and clips from 1 in each file, so two charts
//   would otherwise both define id="glyph0-1" and the second would draw the
//   first one's glyphs. Renumbering also makes the page deterministic,
//   since cairo's "surfaceN" ids come from a process-wide counter.
// - moves the glyph outlines (<symbol> elements, the bulk of a small chart)
//   to the page's shared definitions: a glyph used by many charts is
//   defined once per page, and the chart's <use> elements point to it;
// - replaces each style="..." attribute by a class of the page's shared
//   stylesheet (cairo repeats a long style on every element).
std::string InlineSvg(std::string_view svg, std::string_view prefix, SvgPageDefs* page);

}  // namespace smr

#endif  // SMR_SRC_RENDER_SVG_INLINE_H_
