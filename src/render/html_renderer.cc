// RenderHtml: ReportModel -> one self-contained HTML page via ctemplate.
//
// The templates (templates/*.tpl) are logic-free and auto-escaped
// ({{%AUTOESCAPE context="HTML"}}), so every string from the model is
// escaped by ctemplate, never by hand. Only three values bypass escaping
// with :none: the stylesheet (templates/report.css) and the page script
// (templates/report.js), our own files, and the chart SVG produced by
// RenderChartSvg (our own markup).
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

#include "smr/diagnostics.h"
#include "smr/render.h"
#include "smr/report_model.h"
#include "smr/status.h"
#include "src/render/chart_data.h"
#include "src/render/svg_inline.h"

namespace smr {
namespace {

constexpr char kPageTemplate[] = "report.html.tpl";
constexpr char kSectionTemplate[] = "section.tpl";
constexpr char kTableTemplate[] = "table.tpl";
constexpr char kBlockTemplate[] = "block.tpl";
constexpr char kChartTemplate[] = "chart.tpl";
constexpr char kStylesheet[] = "report.css";
constexpr char kScript[] = "report.js";

// A text column with a cell longer than this is laid out as prose.
constexpr std::size_t kProseCellChars = 80;

// Deepest heading the section template has a branch for.
constexpr int kMaxHeadingLevel = 6;

// A note's CSS class and its label.
struct SeverityNames {
  const char* css;
  const char* label;
};

SeverityNames NamesOf(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return {"info", "Note"};
    case Severity::kOk:
      return {"ok", "OK"};
    case Severity::kWarning:
      return {"warning", "Warning"};
    case Severity::kIssue:
      return {"issue", "Issue"};
  }
  return {"info", "Note"};
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
// unique section anchors, a running chart number for SVG id prefixes and the
// definitions the page's charts share.
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

  SvgPageDefs svg_defs;

  // Most x columns per line series, shared by every chart of the page.
  int max_columns = 0;
  // Most points per chart kept for the page script (ScriptPointBudget).
  int script_points = kScriptPointsPerChart;

  // The first drawn chart's markup and dictionary: the shared definitions
  // are put in front of it once every chart has been drawn.
  ctemplate::TemplateDictionary* first_chart = nullptr;
  std::string first_markup;

 private:
  std::set<std::string> used_;
  int charts_ = 0;
};

// Widest drawing (SVG user units = CSS px) of a chart in a row of
// `columns`: the width of one column of the narrowest desktop layout (the
// 1440 px page with the contents beside it), so the HTML never shows a row
// chart below its natural size and its text never below 11 px. On wider
// pages the drawing grows to fill its column.
double RowChartWidth(int columns) {
  switch (columns) {
    case 2:
      return 488;
    case 3:
      return 314;
    default:
      return 1028;
  }
}

// Columns of a row of `n` charts: 1, 2 (also for 4, as 2 x 2) or 3.
int RowColumns(std::size_t n) {
  if (n <= 1) return 1;
  if (n == 2 || n == 4) return 2;
  return 3;
}

void FillChart(const Chart& model_chart, int columns, PageState* page,
               ctemplate::TemplateDictionary* dict) {
  dict->SetFilename(kChartTemplate);
  dict->SetValue("TITLE", model_chart.title.empty() ? "Chart" : model_chart.title);
  Chart chart_copy;
  const Chart* chart = &model_chart;
  const double max_w = RowChartWidth(columns);
  if (model_chart.width > max_w) {
    chart_copy = model_chart;
    chart_copy.width = max_w;
    chart = &chart_copy;
  }
  // A chart that cannot be drawn must not cost the reader the whole page:
  // it becomes a placeholder box naming the chart.
  SvgChartOptions options;
  options.max_columns = page->max_columns;
  StatusOr<std::string> svg = RenderChartSvg(*chart, options);
  std::string markup;
  if (svg.ok()) markup = InlineSvg(*svg, page->NextChartIdPrefix(), &page->svg_defs);
  if (markup.empty()) {
    dict->ShowSection("PLACEHOLDER");
    return;
  }
  // The series for the page script (hover values, zoom): line charts only.
  const std::string series = ScriptSeries(*chart, page->script_points);
  if (!series.empty()) {
    ctemplate::TemplateDictionary* data = dict->AddSectionDictionary("DATA");
    data->SetValue("SERIES", series);
    data->SetValue("BANDS", ScriptBands(*chart));
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
    col->SetValue("SORT", classes[c][0] == 'n' ? "num" : "text");
  }
  const std::set<int> highlighted(table.highlight_rows.begin(), table.highlight_rows.end());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    ctemplate::TemplateDictionary* row = dict->AddSectionDictionary("ROW");
    if (highlighted.count(static_cast<int>(r)) > 0) row->ShowSection("HL");
    for (std::size_t c = 0; c < width; ++c) {
      ctemplate::TemplateDictionary* cell = row->AddSectionDictionary("CELL");
      cell->SetValue("TEXT", c < cells.size() ? cells[c] : "");
      cell->SetValue("ALIGN", align(c));
      if (r < table.cell_titles.size() && c < table.cell_titles[r].size() &&
          !table.cell_titles[r][c].empty()) {
        cell->SetValueAndShowSection("TIP", table.cell_titles[r][c], "HAS_TIP");
      }
    }
  }
}

// A `list` section holding one `item` section per element, each filled by
// fill(element, item); no `list` section at all for an empty list, so the
// template draws no empty frame.
template <typename T, typename Fill>
void FillList(const std::vector<T>& elements, const char* list, const char* item,
              ctemplate::TemplateDictionary* dict, Fill fill) {
  if (elements.empty()) return;
  ctemplate::TemplateDictionary* list_dict = dict->AddSectionDictionary(list);
  for (const T& element : elements) fill(element, list_dict->AddSectionDictionary(item));
}

void FillKeyValue(const KeyValue& kv, ctemplate::TemplateDictionary* dict) {
  dict->SetValue("KEY", kv.key);
  dict->SetValue("VALUE", kv.value);
}

// The stage tag of a finding outside the training loop ("" for the loop
// and for the job as a whole).
const char* StageTag(const std::string& stage) {
  if (stage == "initialization") return "During initialization";
  if (stage == "finalization") return "After the last step";
  return "";
}

void FillFinding(const FindingItem& f, ctemplate::TemplateDictionary* dict) {
  dict->SetValue("SEVERITY", NamesOf(f.severity).css);
  dict->SetValue("LABEL", NamesOf(f.severity).label);
  dict->SetValue("RULE", f.rule);
  dict->SetValue("STAGE", f.stage);
  dict->SetValue("TITLE", f.title);
  // The title links to the section with the detail, when there is one.
  const std::string anchor = Slug(f.anchor);
  dict->SetValue("ANCHOR", anchor);
  dict->ShowSection(anchor.empty() ? "NOLINK" : "LINK");
  if (const char* tag = StageTag(f.stage); *tag != '\0') {
    dict->SetValueAndShowSection("TEXT", tag, "STAGE_TAG");
  }
  if (!f.where.empty()) dict->SetValueAndShowSection("TEXT", f.where, "WHERE");
  if (!f.evidence.empty()) dict->SetValueAndShowSection("TEXT", f.evidence, "EVIDENCE");
  if (!f.impact.empty()) dict->SetValueAndShowSection("TEXT", f.impact, "IMPACT");
  if (!f.action.empty()) dict->SetValueAndShowSection("TEXT", f.action, "ACTION");
}

void FillBlock(const Block& block, PageState* page, ctemplate::TemplateDictionary* dict) {
  dict->SetFilename(kBlockTemplate);
  switch (block.kind) {
    case BlockKind::kParagraph:
      dict->SetValueAndShowSection("TEXT", block.text, "PARAGRAPH");
      break;
    case BlockKind::kNote: {
      ctemplate::TemplateDictionary* note = dict->AddSectionDictionary("NOTE");
      note->SetValue("TEXT", block.text);
      note->SetValue("SEVERITY", NamesOf(block.severity).css);
      note->SetValue("LABEL", NamesOf(block.severity).label);
      break;
    }
    case BlockKind::kKeyValues:
      FillList(block.key_values, "KEY_VALUES", "KV", dict, FillKeyValue);
      break;
    case BlockKind::kTable:
      FillTable(block.table,
                dict->AddSectionDictionary("TABLE")->AddIncludeDictionary("TABLE_BODY"));
      break;
    case BlockKind::kChart:
      FillChart(block.chart, 1, page,
                dict->AddSectionDictionary("CHART")->AddIncludeDictionary("CHART_BODY"));
      break;
    case BlockKind::kCharts: {
      const int columns = RowColumns(block.charts.size());
      FillList(block.charts, "CHART_ROW", "ROW_ITEM", dict,
               [page, columns](const Chart& chart, ctemplate::TemplateDictionary* item) {
                 FillChart(chart, columns, page, item->AddIncludeDictionary("CHART_BODY"));
               });
      if (!block.charts.empty()) {
        dict->SetIntValue("COLUMNS", columns);
      }
      break;
    }
    case BlockKind::kFindings:
      FillList(block.findings, "FINDINGS", "FINDING", dict, FillFinding);
      break;
    case BlockKind::kDetails: {
      ctemplate::TemplateDictionary* details = dict->AddSectionDictionary("DETAILS");
      details->SetValue("SUMMARY", block.text);
      for (const Block& child : block.children) {
        FillBlock(child, page,
                  details->AddSectionDictionary("CHILD")->AddIncludeDictionary("CHILD_BODY"));
      }
      break;
    }
  }
}

// `depth` 0 = top-level section. Headings follow nesting depth (h2, h3, ...)
// so the outline stays valid even if a model's `level` disagrees; `toc`
// receives entries for the first two levels only.
void FillSection(const Section& section, int depth, PageState* page,
                 ctemplate::TemplateDictionary* toc, ctemplate::TemplateDictionary* dict) {
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
    ctemplate::TemplateDictionary* entry = toc->AddSectionDictionary(entry_name);
    entry->SetValue("ANCHOR", anchor);
    entry->SetValue("TITLE", section.title);
    if (depth == 0 && !section.subsections.empty()) {
      sub_toc = entry->AddSectionDictionary("TOC_SUB");
    }
  }

  for (const Block& block : section.blocks) {
    FillBlock(block, page, dict->AddSectionDictionary("BLOCK")->AddIncludeDictionary("BLOCK_BODY"));
  }
  for (const Section& sub : section.subsections) {
    FillSection(sub, depth + 1, page, sub_toc,
                dict->AddSectionDictionary("SUBSECTION")->AddIncludeDictionary("SUBSECTION_BODY"));
  }
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
    return Status::Error(fmt::format("html template directory not found: {}", dir.string()));
  }
  for (const char* name : {kPageTemplate, kSectionTemplate, kBlockTemplate, kTableTemplate,
                           kChartTemplate, kStylesheet, kScript}) {
    const std::filesystem::path path = dir / name;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status::Error(fmt::format("html template not found: {}", path.string()));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> RenderHtml(const ReportModel& model, const std::string& template_dir) {
  const std::filesystem::path dir(template_dir.empty() ? "." : template_dir);
  if (Status status = CheckTemplateFiles(dir); !status.ok()) return status;
  StatusOr<std::string> css = ReadTextFile(dir / kStylesheet);
  if (!css.ok()) return css.status();
  StatusOr<std::string> script = ReadTextFile(dir / kScript);
  if (!script.ok()) return script.status();
  // "</" would end the inline script early; the script never needs it.
  if (script->find("</") != std::string::npos) {
    return Status::Error(fmt::format("{}: contains \"</\"", (dir / kScript).string()));
  }

  ctemplate::TemplateDictionary dict("report");
  dict.SetValue("CSS", *css);
  dict.SetValue("SCRIPT", *script);
  dict.SetValue("KIND", model.kind);
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
  FillList(model.overview, "OVERVIEW", "CARD", &dict, FillKeyValue);

  PageState page;
  page.max_columns = PageColumnBudget(model);
  page.script_points = ScriptPointBudget(model);
  ctemplate::TemplateDictionary* toc =
      model.sections.empty() ? nullptr : dict.AddSectionDictionary("TOC");
  for (const Section& section : model.sections) {
    // The findings stand right under the header, above the contents.
    const bool lead = &section == &model.sections.front() && section.id == "findings";
    FillSection(section, /*depth=*/0, &page, toc,
                lead ? dict.AddSectionDictionary("LEAD")->AddIncludeDictionary("LEAD_BODY")
                     : dict.AddSectionDictionary("SECTION")->AddIncludeDictionary("SECTION_BODY"));
  }

  if (page.first_chart != nullptr) {
    page.first_chart->SetValue("MARKUP", page.svg_defs.SharedDefs() + page.first_markup);
  }

  ctemplate::TemplateCache cache;
  if (!cache.SetTemplateRootDirectory(dir.string())) {
    return Status::Error(fmt::format("cannot use html template directory {}", dir.string()));
  }
  std::string html;
  if (!cache.ExpandWithData(kPageTemplate, ctemplate::STRIP_BLANK_LINES, &dict,
                            /*per_expand_data=*/nullptr, &html)) {
    return Status::Error(
        fmt::format("expanding html template {}: syntax error or unreadable include "
                    "(see ctemplate message above)",
                    (dir / kPageTemplate).string()));
  }
  // The page says it is UTF-8: a folder or node name with a byte that is not
  // (a Latin-1 file name) becomes U+FFFD instead of making the file invalid.
  return ReplaceInvalidUtf8(html);
}

}  // namespace smr
