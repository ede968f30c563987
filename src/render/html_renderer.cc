// RenderHtml: ReportModel -> one self-contained HTML page via ctemplate.
//
// The templates (templates/*.tpl) are logic-free and auto-escaped
// ({{%AUTOESCAPE context="HTML"}}), so every string from the model is
// escaped by ctemplate, never by hand. Only two values bypass escaping
// with :none: the stylesheet (templates/report.css, our own file) and the
// chart SVG produced by RenderChartSvg (our own markup).
//
// Each call uses its own ctemplate::TemplateCache, so RenderHtml is
// re-entrant and never sees templates cached from another directory.

#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>
#include <ctemplate/template_enums.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "smr/render.h"
#include "smr/report_model.h"
#include "smr/status.h"

namespace smr {
namespace {

constexpr char kPageTemplate[] = "report.html.tpl";
constexpr char kSectionTemplate[] = "section.tpl";
constexpr char kTableTemplate[] = "table.tpl";
constexpr char kChartTemplate[] = "chart.tpl";
constexpr char kStylesheet[] = "report.css";

// A text column with a cell longer than this is laid out as prose.
constexpr std::size_t kProseCellChars = 80;

// Deepest heading the section template has a branch for.
constexpr int kMaxHeadingLevel = 6;

const char* SeverityClass(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kOk:
      return "ok";
    case Severity::kWarning:
      return "warning";
    case Severity::kIssue:
      return "issue";
  }
  return "info";
}

const char* SeverityLabel(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "Note";
    case Severity::kOk:
      return "OK";
    case Severity::kWarning:
      return "Warning";
    case Severity::kIssue:
      return "Issue";
  }
  return "Note";
}

// Lower-case ASCII letters, digits and single dashes: an anchor that needs
// no escaping in either `id="..."` or `href="#..."`, so the table of
// contents and the headings always agree whatever the model's ids contain.
std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

// Per-page state, filled in document order so output is deterministic:
// unique section anchors and a running chart number for SVG id prefixes.
class PageState {
 public:
  std::string AllocateAnchor(const Section& section) {
    std::string base = Slug(section.id);
    if (base.empty()) base = Slug(section.title);
    if (base.empty()) base = "section";
    std::string anchor = base;
    for (int n = 2; used_.count(anchor) > 0; ++n) {
      anchor = fmt::format("{}-{}", base, n);
    }
    used_.insert(anchor);
    return anchor;
  }

  std::string NextChartIdPrefix() { return fmt::format("chart{}-", ++charts_); }

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
  std::string StyleClass(std::string_view style) {
    const auto [it, added] = styles_.emplace(
        std::string(style), fmt::format("s_{}", styles_.size() + 1));
    if (added) style_rules_ += "." + it->second + "{" + it->first + "}\n";
    return it->second;
  }
  // The hidden <svg> that holds the shared definitions ("" when no chart
  // was drawn). It takes no room and is hidden from assistive technology.
  std::string SharedDefs() const {
    if (glyph_defs_.empty() && style_rules_.empty()) return std::string();
    return "<svg class=\"smr-glyphs\" aria-hidden=\"true\" "
           "width=\"0\" height=\"0\" "
           "style=\"position:absolute;width:0;height:0;overflow:hidden\">\n"
           "<style>\n" + style_rules_ + "</style>\n<defs>\n" + glyph_defs_ +
           "</defs>\n</svg>\n";
  }

  // Most x columns per line series, shared by every chart of the page.
  int max_columns = 0;

  // The first drawn chart's markup and dictionary: the shared definitions
  // are put in front of it once every chart has been drawn.
  ctemplate::TemplateDictionary* first_chart = nullptr;
  std::string first_markup;

 private:
  std::set<std::string> used_;
  int charts_ = 0;
  // The id of `body` as a <symbol> among `ids` (prefix + number in order of
  // first use), defining it in the shared block the first time.
  std::string SharedSymbol(std::map<std::string, std::string, std::less<>>* ids,
                           const char* prefix, const std::string& body) {
    const auto [it, added] = ids->emplace(body, fmt::format("{}{}", prefix, ids->size() + 1));
    if (added) {
      glyph_defs_ += "<symbol overflow=\"visible\" id=\"" + it->second + "\">" + body +
                     "</symbol>\n";
    }
    return it->second;
  }

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
std::string ShareTextRuns(const std::string& svg, PageState* page);

std::string InlineSvg(std::string_view svg, std::string_view prefix,
                      PageState* page) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return std::string();
  std::string out(svg.substr(start));
  std::map<std::string, std::string, std::less<>> renamed;

  // Glyph symbols: <symbol overflow="visible" id="X">BODY</symbol>.
  {
    constexpr std::string_view kOpen = "<symbol";
    constexpr std::string_view kClose = "</symbol>";
    std::string kept;
    kept.reserve(out.size());
    std::size_t pos = 0;
    for (std::size_t at = out.find(kOpen); at != std::string::npos;
         at = out.find(kOpen, pos)) {
      const std::size_t tag_end = out.find('>', at);
      const std::size_t close = tag_end == std::string::npos
                                    ? std::string::npos
                                    : out.find(kClose, tag_end);
      const std::size_t id_at = out.find(" id=\"", at);
      if (close == std::string::npos || id_at == std::string::npos ||
          id_at > tag_end) {
        break;
      }
      const std::size_t id_begin = id_at + 5;
      const std::size_t id_end = out.find('"', id_begin);
      if (id_end == std::string::npos || id_end > tag_end) break;
      kept.append(out, pos, at - pos);
      const std::string body = out.substr(tag_end + 1, close - tag_end - 1);
      renamed[out.substr(id_begin, id_end - id_begin)] = page->GlyphId(body);
      pos = close + kClose.size();
      if (pos < out.size() && out[pos] == '\n') ++pos;
    }
    kept.append(out, pos, std::string::npos);
    out = std::move(kept);
    // cairo wraps the symbols in <defs><g>...</g></defs>; drop the husk.
    for (std::string_view husk : {"<g>\n</g>\n", "<defs>\n</defs>\n"}) {
      const std::size_t at = out.find(husk);
      if (at != std::string::npos) out.erase(at, husk.size());
    }
  }

  // Styles to classes.
  {
    constexpr std::string_view kStyle = " style=\"";
    std::string classed;
    classed.reserve(out.size());
    std::size_t pos = 0;
    for (std::size_t at = out.find(kStyle); at != std::string::npos;
         at = out.find(kStyle, pos)) {
      const std::size_t begin = at + kStyle.size();
      const std::size_t end = out.find('"', begin);
      if (end == std::string::npos) break;
      classed.append(out, pos, at - pos);
      std::string_view style(out.data() + begin, end - begin);
      while (!style.empty() && style.front() == ' ') style.remove_prefix(1);
      classed += " class=\"" + page->StyleClass(style) + "\"";
      pos = end + 1;
    }
    classed.append(out, pos, std::string::npos);
    out = std::move(classed);
  }

  // [begin, end) of the value of attribute `attr` (with its leading space
  // and `="`) in the root <svg ...> tag, or npos.
  auto root_value = [&out](std::string_view attr) {
    const std::size_t root_end = out.find('>');
    const std::size_t at = out.find(attr);
    if (root_end == std::string::npos || at == std::string::npos ||
        at > root_end) {
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
  constexpr std::string_view kIdAttr = " id=\"";
  int next_id = 0;
  for (std::size_t pos = out.find(kIdAttr); pos != std::string::npos;
       pos = out.find(kIdAttr, pos + kIdAttr.size())) {
    const std::size_t begin = pos + kIdAttr.size();
    const std::size_t end = out.find('"', begin);
    if (end == std::string::npos) break;
    if (renamed.emplace(out.substr(begin, end - begin), std::string()).second) {
      renamed[out.substr(begin, end - begin)] =
          fmt::format("{}{}", prefix, ++next_id);
    }
  }

  // One pass over the markup; each pattern is followed by an id that ends
  // at `terminator`. References to ids this chart does not define are kept.
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
  return ShareTextRuns(result, page);
}

// Value of attribute `name` (e.g. " x=\"") inside tag [begin, end), or
// nullopt.
std::optional<std::string_view> AttrValue(std::string_view tag,
                                          std::string_view name) {
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
std::string ShareTextRuns(const std::string& svg, PageState* page) {
  constexpr std::string_view kGroup = "<g class=\"";
  constexpr std::string_view kUse = "<use xlink:href=\"#";
  std::string out;
  out.reserve(svg.size());
  std::size_t pos = 0;
  for (std::size_t at = svg.find(kGroup); at != std::string::npos;
       at = svg.find(kGroup, pos)) {
    const std::size_t open_end = svg.find(">\n", at);
    const std::size_t close = svg.find("</g>", at);
    if (open_end == std::string::npos || close == std::string::npos) break;
    const std::string_view open(svg.data() + at, open_end - at);
    // Only a group whose whole content is glyph references qualifies.
    std::string_view content(svg.data() + open_end + 2,
                             close - (open_end + 2));
    std::string body;
    long long x0 = 0, y0 = 0;
    bool ok = open.find(' ', kGroup.size()) == std::string_view::npos &&
              !content.empty();
    bool first = true;
    while (ok && !content.empty()) {
      while (!content.empty() && content.front() == ' ') content.remove_prefix(1);
      const std::size_t end = content.find("/>\n");
      if (content.substr(0, kUse.size()) != kUse || end == std::string_view::npos) {
        ok = false;
        break;
      }
      const std::string_view tag = content.substr(0, end);
      content.remove_prefix(end + 3);
      const auto href = AttrValue(tag, "href=\"#");
      const auto xs = AttrValue(tag, " x=\"");
      const auto ys = AttrValue(tag, " y=\"");
      long long x = 0, y = 0;
      if (!href || !xs || !ys || !Hundredths(*xs, &x) || !Hundredths(*ys, &y)) {
        ok = false;
        break;
      }
      if (first) {
        x0 = x;
        y0 = y;
        first = false;
      }
      body += "<use xlink:href=\"#" + std::string(*href) + "\"";
      if (x != x0) body += " x=\"" + FormatHundredths(x - x0) + "\"";
      if (y != y0) body += " y=\"" + FormatHundredths(y - y0) + "\"";
      body += "/>";
    }
    if (!ok) {
      out.append(svg, pos, open_end + 2 - pos);
      pos = open_end + 2;
      continue;
    }
    out.append(svg, pos, at - pos);
    out += "<use" + std::string(open.substr(2)) + " xlink:href=\"#" +
           page->TextRunId(body) + "\" x=\"" + FormatHundredths(x0) +
           "\" y=\"" + FormatHundredths(y0) + "\"/>";
    pos = close + 4;
  }
  out.append(svg, pos, std::string::npos);
  return out;
}

void FillChart(const Chart& chart, PageState* page,
               ctemplate::TemplateDictionary* dict) {
  dict->SetFilename(kChartTemplate);
  dict->SetValue("TITLE", chart.title.empty() ? "Chart" : chart.title);
  // A chart that cannot be drawn must not cost the reader the whole page:
  // it becomes a placeholder box naming the chart.
  SvgChartOptions options;
  options.max_columns = page->max_columns;
  StatusOr<std::string> svg = RenderChartSvg(chart, options);
  std::string markup;
  if (svg.ok()) markup = InlineSvg(*svg, page->NextChartIdPrefix(), page);
  if (markup.empty()) {
    dict->ShowSection("PLACEHOLDER");
    return;
  }
  ctemplate::TemplateDictionary* svg_dict = dict->AddSectionDictionary("SVG");
  svg_dict->SetValue("MARKUP", markup);
  if (page->first_chart == nullptr) {
    page->first_chart = svg_dict;
    page->first_markup = std::move(markup);
  }
}

void FillTable(const Table& table, ctemplate::TemplateDictionary* dict) {
  dict->SetFilename(kTableTemplate);
  if (!table.caption.empty()) {
    dict->SetValueAndShowSection("TEXT", table.caption, "CAPTION");
  }
  // Rows may be ragged: every row is padded to the widest of header/rows so
  // column classes stay aligned.
  std::size_t width = table.columns.size();
  for (const auto& row : table.rows) width = std::max(width, row.size());
  // Column class: "num" (right-aligned figures), "txt", or "txt prose" for
  // columns of sentences (rule descriptions), which get a wider minimum so
  // they do not shrink to a few words per line beside wide columns.
  std::vector<const char*> classes(width, "txt");
  for (std::size_t c = 0; c < width; ++c) {
    if (c < table.numeric.size() && table.numeric[c]) {
      classes[c] = "num";
      continue;
    }
    for (const auto& row : table.rows) {
      if (c < row.size() && row[c].size() > kProseCellChars) {
        classes[c] = "txt prose";
        break;
      }
    }
  }
  auto align = [&classes](std::size_t col) { return classes[col]; };
  for (std::size_t c = 0; c < width; ++c) {
    ctemplate::TemplateDictionary* col = dict->AddSectionDictionary("COL");
    col->SetValue("NAME", c < table.columns.size() ? table.columns[c] : "");
    col->SetValue("ALIGN", align(c));
  }
  const std::set<int> highlighted(table.highlight_rows.begin(),
                                  table.highlight_rows.end());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    ctemplate::TemplateDictionary* row = dict->AddSectionDictionary("ROW");
    if (highlighted.count(static_cast<int>(r)) > 0) row->ShowSection("HL");
    for (std::size_t c = 0; c < width; ++c) {
      ctemplate::TemplateDictionary* cell = row->AddSectionDictionary("CELL");
      cell->SetValue("TEXT", c < cells.size() ? cells[c] : "");
      cell->SetValue("ALIGN", align(c));
    }
  }
}

void FillBlock(const Block& block, PageState* page,
               ctemplate::TemplateDictionary* dict) {
  switch (block.kind) {
    case BlockKind::kParagraph:
      dict->SetValueAndShowSection("TEXT", block.text, "PARAGRAPH");
      break;
    case BlockKind::kNote: {
      ctemplate::TemplateDictionary* note = dict->AddSectionDictionary("NOTE");
      note->SetValue("TEXT", block.text);
      note->SetValue("SEVERITY", SeverityClass(block.severity));
      note->SetValue("LABEL", SeverityLabel(block.severity));
      break;
    }
    case BlockKind::kKeyValues: {
      if (block.key_values.empty()) break;
      ctemplate::TemplateDictionary* kvs =
          dict->AddSectionDictionary("KEY_VALUES");
      for (const KeyValue& kv : block.key_values) {
        ctemplate::TemplateDictionary* row = kvs->AddSectionDictionary("KV");
        row->SetValue("KEY", kv.key);
        row->SetValue("VALUE", kv.value);
      }
      break;
    }
    case BlockKind::kTable:
      FillTable(block.table,
                dict->AddSectionDictionary("TABLE")->AddIncludeDictionary(
                    "TABLE_BODY"));
      break;
    case BlockKind::kChart:
      FillChart(block.chart, page,
                dict->AddSectionDictionary("CHART")->AddIncludeDictionary(
                    "CHART_BODY"));
      break;
    case BlockKind::kCharts: {
      if (block.charts.empty()) break;
      ctemplate::TemplateDictionary* row =
          dict->AddSectionDictionary("CHART_ROW");
      for (const Chart& chart : block.charts) {
        FillChart(chart, page,
                  row->AddSectionDictionary("ROW_ITEM")
                      ->AddIncludeDictionary("CHART_BODY"));
      }
      break;
    }
  }
}

// `depth` 0 = top-level section. Headings follow nesting depth (h2, h3, ...)
// so the outline stays valid even if a model's `level` disagrees; `toc`
// receives entries for the first two levels only.
void FillSection(const Section& section, int depth, PageState* page,
                 ctemplate::TemplateDictionary* toc,
                 ctemplate::TemplateDictionary* dict) {
  dict->SetFilename(kSectionTemplate);
  const std::string anchor = page->AllocateAnchor(section);
  const int level = std::min(2 + depth, kMaxHeadingLevel);
  dict->SetValue("ANCHOR", anchor);
  dict->SetValue("TITLE", section.title);
  dict->SetIntValue("LEVEL", level);
  dict->ShowSection(fmt::format("H{}", level));

  ctemplate::TemplateDictionary* sub_toc = nullptr;
  if (toc != nullptr) {
    const char* entry_name = depth == 0 ? "TOC_ENTRY" : "TOC_SUB_ENTRY";
    ctemplate::TemplateDictionary* entry =
        toc->AddSectionDictionary(entry_name);
    entry->SetValue("ANCHOR", anchor);
    entry->SetValue("TITLE", section.title);
    if (depth == 0 && !section.subsections.empty()) {
      sub_toc = entry->AddSectionDictionary("TOC_SUB");
    }
  }

  for (const Block& block : section.blocks) {
    FillBlock(block, page, dict->AddSectionDictionary("BLOCK"));
  }
  for (const Section& sub : section.subsections) {
    FillSection(sub, depth + 1, page, sub_toc,
                dict->AddSectionDictionary("SUBSECTION")
                    ->AddIncludeDictionary("SUBSECTION_BODY"));
  }
}

// ---- Detail budget ----------------------------------------------------------

// Line-series columns the whole page may draw. A dense series costs about
// 23 bytes per column in the SVG (two points of its min/max envelope), so
// this keeps all series together to about 1.4 MB whatever the number of
// samples, nodes or charts.
constexpr long long kPageColumns = 60000;
// ...but no dense series gets fewer columns than this (a 840-unit wide plot
// then has one column per ~17 units, still showing each phase's level and
// extremes). The floor is reached at kPageColumns / kMinColumns = 1250
// dense series, about 50 nodes of 8 GPUs (~25 dense series per node).
// Independently of the series, each node adds its tables, labels, box plots
// and histograms (about 50 KB, see docs/performance.md).
constexpr int kMinColumns = 48;
// Widest plot area of a chart, in columns (charts are 900 units wide).
constexpr int kMaxColumns = 900;

void CollectSeriesDemand(const Section& section, std::vector<long long>* out) {
  auto add = [out](const Chart& chart) {
    if (chart.kind != ChartKind::kLine) return;
    for (const ChartSeries& s : chart.series) {
      // A series of n points needs n / 2 columns to be drawn in full.
      const long long n = static_cast<long long>(s.points.size());
      if (n > 1) out->push_back(std::min<long long>((n + 1) / 2, kMaxColumns));
    }
  };
  for (const Block& block : section.blocks) {
    if (block.kind == BlockKind::kChart) add(block.chart);
    if (block.kind == BlockKind::kCharts) {
      for (const Chart& chart : block.charts) add(chart);
    }
  }
  for (const Section& sub : section.subsections) CollectSeriesDemand(sub, out);
}

// The largest per-series column cap C with sum(min(demand, C)) within
// kPageColumns (series that need fewer columns keep all their points), not
// below kMinColumns; 0 (no cap) when everything fits.
int PageColumnBudget(const ReportModel& model) {
  std::vector<long long> demand;
  for (const Section& section : model.sections) {
    CollectSeriesDemand(section, &demand);
  }
  std::sort(demand.begin(), demand.end());
  long long used = 0;
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const long long rest = static_cast<long long>(demand.size() - i);
    if (used + demand[i] * rest > kPageColumns) {
      const long long cap = (kPageColumns - used) / rest;
      return static_cast<int>(std::max<long long>(cap, kMinColumns));
    }
    used += demand[i];
  }
  return 0;
}

StatusOr<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return Status::Error(fmt::format("error reading {}", path.string()));
  }
  return contents.str();
}

// ctemplate only reports a bool (and logs to stderr), so missing files are
// checked up front to give the user an error that names the file.
Status CheckTemplateFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::Error(
        fmt::format("html template directory not found: {}", dir.string()));
  }
  for (const char* name : {kPageTemplate, kSectionTemplate, kTableTemplate,
                           kChartTemplate, kStylesheet}) {
    const std::filesystem::path path = dir / name;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status::Error(
          fmt::format("html template not found: {}", path.string()));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> RenderHtml(const ReportModel& model,
                                 const std::string& template_dir) {
  const std::filesystem::path dir(template_dir.empty() ? "." : template_dir);
  if (Status status = CheckTemplateFiles(dir); !status.ok()) return status;
  StatusOr<std::string> css = ReadTextFile(dir / kStylesheet);
  if (!css.ok()) return css.status();

  ctemplate::TemplateDictionary dict("report");
  dict.SetValue("CSS", *css);
  dict.SetValue("TITLE", model.title);
  if (!model.subtitle.empty()) {
    dict.SetValueAndShowSection("TEXT", model.subtitle, "SUBTITLE");
  }
  if (!model.generated_by.empty()) {
    dict.SetValueAndShowSection("TEXT", model.generated_by, "GENERATED");
  }
  dict.SetValue("GENERATED_BY", model.generated_by);
  if (!model.input_dir.empty()) {
    dict.SetValueAndShowSection("TEXT", model.input_dir, "INPUT");
  }
  if (!model.overview.empty()) {
    ctemplate::TemplateDictionary* overview =
        dict.AddSectionDictionary("OVERVIEW");
    for (const KeyValue& kv : model.overview) {
      ctemplate::TemplateDictionary* card =
          overview->AddSectionDictionary("CARD");
      card->SetValue("KEY", kv.key);
      card->SetValue("VALUE", kv.value);
    }
  }

  PageState page;
  page.max_columns = PageColumnBudget(model);
  ctemplate::TemplateDictionary* toc =
      model.sections.empty() ? nullptr : dict.AddSectionDictionary("TOC");
  for (const Section& section : model.sections) {
    FillSection(section, /*depth=*/0, &page, toc,
                dict.AddSectionDictionary("SECTION")->AddIncludeDictionary(
                    "SECTION_BODY"));
  }

  if (page.first_chart != nullptr) {
    page.first_chart->SetValue("MARKUP",
                               page.SharedDefs() + page.first_markup);
  }

  ctemplate::TemplateCache cache;
  if (!cache.SetTemplateRootDirectory(dir.string())) {
    return Status::Error(
        fmt::format("cannot use html template directory {}", dir.string()));
  }
  std::string html;
  if (!cache.ExpandWithData(kPageTemplate, ctemplate::STRIP_BLANK_LINES, &dict,
                            /*per_expand_data=*/nullptr, &html)) {
    return Status::Error(fmt::format(
        "expanding html template {}: syntax error or unreadable include "
        "(see ctemplate message above)",
        (dir / kPageTemplate).string()));
  }
  return html;
}

}  // namespace smr
