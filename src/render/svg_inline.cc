// InlineSvg and SvgPageDefs (svg_inline.h): a chart's SVG rewritten for a
// page that holds many charts.
#include "src/render/svg_inline.h"

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace smr {

std::string SvgPageDefs::SharedSymbol(std::map<std::string, std::string, std::less<>>* ids,
                                      const char* prefix, const std::string& body) {
  const auto [it, added] = ids->emplace(body, fmt::format("{}{}", prefix, ids->size() + 1));
  if (added) {
    glyph_defs_ += "<symbol overflow=\"visible\" id=\"" + it->second + "\">" + body + "</symbol>\n";
  }
  return it->second;
}

std::string SvgPageDefs::StyleClass(std::string_view style) {
  const auto [it, added] =
      styles_.emplace(std::string(style), fmt::format("s_{}", styles_.size() + 1));
  if (added) style_rules_ += "." + it->second + "{" + it->first + "}\n";
  return it->second;
}

std::string SvgPageDefs::SharedDefs() const {
  if (glyph_defs_.empty() && style_rules_.empty()) return std::string();
  return "<svg class=\"smr-glyphs\" aria-hidden=\"true\" "
         "width=\"0\" height=\"0\" "
         "style=\"position:absolute;width:0;height:0;overflow:hidden\">\n"
         "<style>\n" +
         style_rules_ + "</style>\n<defs>\n" + glyph_defs_ + "</defs>\n</svg>\n";
}

namespace {

// Old id -> new id of one chart.
using Renames = std::map<std::string, std::string, std::less<>>;

// Value of attribute `name` (e.g. " x=\"") inside tag [begin, end), or
// nullopt.
std::optional<std::string_view> AttrValue(std::string_view tag, std::string_view name) {
  const std::size_t at = tag.find(name);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t begin = at + name.size();
  const std::size_t end = tag.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  return tag.substr(begin, end - begin);
}

// Hundredths of a unit from a number InlineSvg's input writes (RenderChartSvg
// rounds glyph positions to hundredths); false if `text` is not a number.
bool Hundredths(std::string_view text, long long* out) {
  const std::string copy(text);
  char* stop = nullptr;
  const double v = std::strtod(copy.c_str(), &stop);
  if (copy.empty() || stop == nullptr || *stop != '\0' || !std::isfinite(v)) return false;
  *out = std::llround(v * 100);
  return true;
}

std::string FormatHundredths(long long n) {
  std::string out = n < 0 ? "-" : "";
  const long long a = n < 0 ? -n : n;
  out += std::to_string(a / 100);
  if (a % 100 != 0) {
    out += fmt::format(".{:02d}", a % 100);
    if (out.back() == '0') out.pop_back();
  }
  return out;
}

// One rewritten piece of markup: `text` replaces the input up to `end`.
struct Replacement {
  std::size_t end;
  std::string text;
};

// `svg` with each piece that starts at `marker` rewritten by
// rewrite(at) -> std::optional<Replacement>; the scan goes on after each
// replaced piece, and stops (keeping the rest as it is) at nullopt.
template <typename Rewrite>
std::string RewriteEach(const std::string& svg, std::string_view marker, Rewrite rewrite) {
  std::string out;
  out.reserve(svg.size());
  std::size_t pos = 0;
  for (std::size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, pos)) {
    std::optional<Replacement> piece = rewrite(at);
    if (!piece) break;
    out.append(svg, pos, at - pos);
    out += piece->text;
    pos = piece->end;
  }
  out.append(svg, pos, std::string::npos);
  return out;
}

// The glyph references of one text label relative to its first glyph, and
// that glyph's position (see ShareTextRuns); nullopt unless `content` is
// nothing but glyph references.
struct TextRun {
  std::string body;
  long long x0 = 0, y0 = 0;
};
std::optional<TextRun> ReadTextRun(std::string_view content) {
  constexpr std::string_view kUse = "<use xlink:href=\"#";
  if (content.empty()) return std::nullopt;
  TextRun run;
  bool first = true;
  while (!content.empty()) {
    while (!content.empty() && content.front() == ' ') content.remove_prefix(1);
    const std::size_t end = content.find("/>\n");
    if (content.substr(0, kUse.size()) != kUse || end == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view tag = content.substr(0, end);
    content.remove_prefix(end + 3);
    const auto href = AttrValue(tag, "href=\"#");
    const auto xs = AttrValue(tag, " x=\"");
    const auto ys = AttrValue(tag, " y=\"");
    long long x = 0, y = 0;
    if (!href || !xs || !ys || !Hundredths(*xs, &x) || !Hundredths(*ys, &y)) {
      return std::nullopt;
    }
    if (first) {
      run.x0 = x;
      run.y0 = y;
      first = false;
    }
    run.body += "<use xlink:href=\"#" + std::string(*href) + "\"";
    if (x != run.x0) run.body += " x=\"" + FormatHundredths(x - run.x0) + "\"";
    if (y != run.y0) run.body += " y=\"" + FormatHundredths(y - run.y0) + "\"";
    run.body += "/>";
  }
  return run;
}

// cairo draws each text label as a group of glyph references:
//   <g class="s_3">
//     <use xlink:href="#g_1" x="8" y="16.67"/>
//     <use xlink:href="#g_2" x="13.2" y="16.67"/>
//   </g>
// Each such group becomes one reference to a page-wide symbol holding the
// glyphs at their offsets from the first one:
//   <use class="s_3" xlink:href="#t_1" x="8" y="16.67"/>
// Tick values, axis titles and legend entries repeat across charts, so most
// labels are then defined once per page. Offsets are kept to hundredths, so
// every glyph stays exactly where cairo put it.
std::string ShareTextRuns(const std::string& svg, SvgPageDefs* page) {
  constexpr std::string_view kGroup = "<g class=\"";
  return RewriteEach(svg, kGroup, [&](std::size_t at) -> std::optional<Replacement> {
    const std::size_t open_end = svg.find(">\n", at);
    const std::size_t close = svg.find("</g>", at);
    if (open_end == std::string::npos || close == std::string::npos) return std::nullopt;
    const std::string_view open(svg.data() + at, open_end - at);
    // Only a group whose whole content is glyph references qualifies.
    std::optional<TextRun> run;
    if (open.find(' ', kGroup.size()) == std::string_view::npos) {
      run = ReadTextRun(std::string_view(svg.data() + open_end + 2, close - (open_end + 2)));
    }
    if (!run) return Replacement{open_end + 2, svg.substr(at, open_end + 2 - at)};
    return Replacement{close + 4, "<use" + std::string(open.substr(2)) + " xlink:href=\"#" +
                                      page->TextRunId(run->body) + "\" x=\"" +
                                      FormatHundredths(run->x0) + "\" y=\"" +
                                      FormatHundredths(run->y0) + "\"/>"};
  });
}

// Glyph symbols, <symbol overflow="visible" id="X">BODY</symbol>, move to
// the page's shared definitions; `renamed` maps X to the shared id.
std::string MoveGlyphsToPage(const std::string& svg, SvgPageDefs* page, Renames* renamed) {
  constexpr std::string_view kClose = "</symbol>";
  std::string out = RewriteEach(svg, "<symbol", [&](std::size_t at) -> std::optional<Replacement> {
    const std::size_t tag_end = svg.find('>', at);
    const std::size_t close =
        tag_end == std::string::npos ? std::string::npos : svg.find(kClose, tag_end);
    const std::size_t id_at = svg.find(" id=\"", at);
    if (close == std::string::npos || id_at == std::string::npos || id_at > tag_end) {
      return std::nullopt;
    }
    const std::size_t id_begin = id_at + 5;
    const std::size_t id_end = svg.find('"', id_begin);
    if (id_end == std::string::npos || id_end > tag_end) return std::nullopt;
    const std::string body = svg.substr(tag_end + 1, close - tag_end - 1);
    (*renamed)[svg.substr(id_begin, id_end - id_begin)] = page->GlyphId(body);
    std::size_t end = close + kClose.size();
    if (end < svg.size() && svg[end] == '\n') ++end;
    return Replacement{end, ""};
  });
  // cairo wraps the symbols in <defs><g>...</g></defs>; drop the husk.
  for (std::string_view husk : {"<g>\n</g>\n", "<defs>\n</defs>\n"}) {
    const std::size_t at = out.find(husk);
    if (at != std::string::npos) out.erase(at, husk.size());
  }
  return out;
}

// Each style="..." attribute becomes a class of the page's stylesheet.
std::string StylesToClasses(const std::string& svg, SvgPageDefs* page) {
  constexpr std::string_view kStyle = " style=\"";
  return RewriteEach(svg, kStyle, [&](std::size_t at) -> std::optional<Replacement> {
    const std::size_t begin = at + kStyle.size();
    const std::size_t end = svg.find('"', begin);
    if (end == std::string::npos) return std::nullopt;
    std::string_view style(svg.data() + begin, end - begin);
    while (!style.empty() && style.front() == ' ') style.remove_prefix(1);
    return Replacement{end + 1, " class=\"" + page->StyleClass(style) + "\""};
  });
}

// Drops the xmlns declarations of the root <svg> element.
void DropRootNamespaces(std::string* svg) {
  std::string& out = *svg;
  // [begin, end) of the value of attribute `attr` (with its leading space
  // and `="`) in the root <svg ...> tag, or npos.
  auto root_value = [&out](std::string_view attr) {
    const std::size_t root_end = out.find('>');
    const std::size_t at = out.find(attr);
    if (root_end == std::string::npos || at == std::string::npos || at > root_end) {
      return std::pair(std::string::npos, std::string::npos);
    }
    const std::size_t begin = at + attr.size();
    const std::size_t end = out.find('"', begin);
    if (end == std::string::npos || end > root_end) {
      return std::pair(std::string::npos, std::string::npos);
    }
    return std::pair(begin, end);
  };
  for (std::string_view attr : {" xmlns=\"", " xmlns:xlink=\""}) {
    const auto [begin, end] = root_value(attr);
    if (begin == std::string::npos) continue;
    out.erase(begin - attr.size(), end + 1 - (begin - attr.size()));
  }
}

constexpr std::string_view kIdAttr = " id=\"";

// Names every id the chart defines (and has not been renamed) prefix + its
// rank of first definition.
void NumberIds(const std::string& out, std::string_view prefix, Renames* renamed) {
  int next_id = 0;
  for (std::size_t pos = out.find(kIdAttr); pos != std::string::npos;
       pos = out.find(kIdAttr, pos + kIdAttr.size())) {
    const std::size_t begin = pos + kIdAttr.size();
    const std::size_t end = out.find('"', begin);
    if (end == std::string::npos) break;
    if (renamed->emplace(out.substr(begin, end - begin), std::string()).second) {
      (*renamed)[out.substr(begin, end - begin)] = fmt::format("{}{}", prefix, ++next_id);
    }
  }
}

// One pass over the markup; each pattern is followed by an id that ends
// at `terminator`. References to ids this chart does not define are kept.
std::string RewriteIdReferences(const std::string& out, const Renames& renamed) {
  struct IdSite {
    std::string_view pattern;
    char terminator;
  };
  constexpr IdSite kSites[] = {{kIdAttr, '"'},
                               {"href=\"#", '"'},
                               {"url(#", ')'},
                               {"aria-labelledby=\"", '"'},
                               {"aria-describedby=\"", '"'}};
  std::string result;
  result.reserve(out.size());
  std::size_t i = 0;
  while (i < out.size()) {
    const IdSite* site = nullptr;
    for (const IdSite& candidate : kSites) {
      if (out.compare(i, candidate.pattern.size(), candidate.pattern) == 0) {
        site = &candidate;
        break;
      }
    }
    if (site == nullptr) {
      result.push_back(out[i++]);
      continue;
    }
    const std::size_t begin = i + site->pattern.size();
    const std::size_t end = out.find(site->terminator, begin);
    if (end == std::string::npos) {
      result.append(out, i, std::string::npos);
      break;
    }
    result.append(site->pattern);
    // aria-* hold space-separated id lists; the other sites hold one id.
    std::string_view names(out.data() + begin, end - begin);
    while (!names.empty()) {
      const std::size_t space = names.find(' ');
      const std::string_view name = names.substr(0, space);
      const auto it = renamed.find(name);
      result.append(it != renamed.end() ? std::string_view(it->second) : name);
      if (space == std::string_view::npos) break;
      result.push_back(' ');
      names.remove_prefix(space + 1);
    }
    i = end;
  }
  return result;
}

}  // namespace

std::string InlineSvg(std::string_view svg, std::string_view prefix, SvgPageDefs* page) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return std::string();
  Renames renamed;
  std::string out = MoveGlyphsToPage(std::string(svg.substr(start)), page, &renamed);
  out = StylesToClasses(out, page);
  DropRootNamespaces(&out);
  NumberIds(out, prefix, &renamed);
  return ShareTextRuns(RewriteIdReferences(out, renamed), page);
}

}  // namespace smr
