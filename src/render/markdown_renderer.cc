// RenderMarkdown (include/smr/render.h): any ReportModel as GitHub-flavoured
// Markdown. Headings from the title and sections, paragraphs, notes as
// block quotes with their severity, key-values as a bullet list, tables as
// pipe tables (numeric columns right-aligned, highlighted rows in bold),
// findings as a numbered list, folded detail as its summary followed by its
// content, and each chart as one line (its title; bar and pie charts with
// their values). Text is escaped so that it shows as written: Markdown's
// inline markup characters get a backslash, and in tables `|` too.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "smr/render.h"

namespace smr {
namespace {

// Escapes inline markup; newlines become spaces in table cells.
std::string Escape(const std::string& text, bool in_table) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
        out += '\\';
        out += ch;
        break;
      case '|':
        out += in_table ? "\\|" : "|";
        break;
      case '\n':
        out += in_table ? " " : "\n";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

const char* SeverityWord(Severity s) {
  switch (s) {
    case Severity::kIssue:
      return "Issue";
    case Severity::kWarning:
      return "Warning";
    case Severity::kOk:
      return "OK";
    case Severity::kInfo:
      return "Note";
  }
  return "Note";
}

std::string Value(double v) {
  if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string ChartLine(const Chart& c) {
  std::string line = fmt::format("*Chart: {}*", Escape(c.title.empty() ? c.id : c.title, false));
  if ((c.kind == ChartKind::kBar || c.kind == ChartKind::kPie) && !c.slices.empty()) {
    std::string values;
    for (const PieSlice& s : c.slices) {
      values += fmt::format("{}{} {}", values.empty() ? "" : ", ", Escape(s.label, false),
                            Value(s.value));
    }
    line += ": " + values;
  } else {
    line += " (shown in the HTML and PDF reports)";
  }
  return line + "\n\n";
}

std::string Row(const std::vector<std::string>& cells, size_t width, bool bold) {
  std::string out = "|";
  for (size_t i = 0; i < width; ++i) {
    const std::string text = i < cells.size() ? Escape(cells[i], true) : "";
    out += bold && !text.empty() ? fmt::format(" **{}** |", text) : fmt::format(" {} |", text);
  }
  return out + "\n";
}

std::string TableText(const Table& t) {
  std::string out;
  if (!t.caption.empty()) out += fmt::format("**{}**\n\n", Escape(t.caption, false));
  size_t width = t.columns.size();
  for (const auto& r : t.rows) width = std::max(width, r.size());
  if (width == 0) return out;
  out += Row(t.columns, width, false);
  out += "|";
  for (size_t i = 0; i < width; ++i) {
    out += i < t.numeric.size() && t.numeric[i] ? " ---: |" : " --- |";
  }
  out += "\n";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const bool bold = std::find(t.highlight_rows.begin(), t.highlight_rows.end(),
                                static_cast<int>(r)) != t.highlight_rows.end();
    out += Row(t.rows[r], width, bold);
  }
  return out + "\n";
}

std::string FindingsText(const std::vector<FindingItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const FindingItem& f = items[i];
    out += fmt::format("{}. **{}** ({})", i + 1, Escape(f.title, false), SeverityWord(f.severity));
    for (const std::string* part : {&f.where, &f.evidence, &f.impact, &f.action}) {
      if (!part->empty()) out += " — " + Escape(*part, false);
    }
    out += "\n";
  }
  return out + "\n";
}

std::string BlockText(const Block& b) {
  switch (b.kind) {
    case BlockKind::kParagraph:
      return Escape(b.text, false) + "\n\n";
    case BlockKind::kNote:
      return fmt::format("> **{}:** {}\n\n", SeverityWord(b.severity), Escape(b.text, false));
    case BlockKind::kKeyValues: {
      std::string out;
      for (const KeyValue& kv : b.key_values) {
        out += fmt::format("- **{}:** {}\n", Escape(kv.key, false), Escape(kv.value, false));
      }
      return out + "\n";
    }
    case BlockKind::kTable:
      return TableText(b.table);
    case BlockKind::kChart:
      return ChartLine(b.chart);
    case BlockKind::kCharts: {
      std::string out;
      for (const Chart& c : b.charts) out += ChartLine(c);
      return out;
    }
    case BlockKind::kDetails: {
      std::string out = b.text.empty() ? "" : Escape(b.text, false) + "\n\n";
      for (const Block& child : b.children) out += BlockText(child);
      return out;
    }
    case BlockKind::kFindings:
      return FindingsText(b.findings);
  }
  return "";
}

void SectionText(const Section& s, std::string* out) {
  *out += fmt::format("{} {}\n\n", std::string(static_cast<size_t>(std::clamp(s.level, 1, 6)), '#'),
                      Escape(s.title, false));
  for (const Block& b : s.blocks) *out += BlockText(b);
  for (const Section& sub : s.subsections) SectionText(sub, out);
}

}  // namespace

std::string RenderMarkdown(const ReportModel& model) {
  std::string out = fmt::format("# {}\n\n", Escape(model.title, false));
  if (!model.subtitle.empty()) out += Escape(model.subtitle, false) + "\n\n";
  for (const KeyValue& kv : model.overview) {
    out += fmt::format("- **{}:** {}\n", Escape(kv.key, false), Escape(kv.value, false));
  }
  if (!model.overview.empty()) out += "\n";
  for (const Section& s : model.sections) SectionText(s, &out);
  if (!model.generated_by.empty())
    out += fmt::format("*Generated by {}*\n", Escape(model.generated_by, false));
  return out;
}

}  // namespace smr
