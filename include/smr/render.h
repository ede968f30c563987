// Renderers: ReportModel -> bytes. They do no analysis and write no files
// (the pipeline writes them atomically); RenderHtml reads its templates and
// stylesheet from `template_dir`.
#ifndef SMR_RENDER_H_
#define SMR_RENDER_H_

#include <string>

#include "smr/report_model.h"
#include "smr/status.h"

namespace smr {

// Level of detail of a chart's SVG.
struct SvgChartOptions {
  // Most x columns per line series (0 = one per unit of plot width). Dense
  // series are drawn as their min/max envelope over these columns, so the
  // SVG size is bounded by the column count whatever the number of points.
  int max_columns = 0;
};

// Draws one chart as a standalone <svg> element (cairo SVG surface). Text
// from the input is escaped by cairo's SVG writer / our own escaping.
StatusOr<std::string> RenderChartSvg(const Chart& chart);
StatusOr<std::string> RenderChartSvg(const Chart& chart, const SvgChartOptions& options);

// Self-contained HTML (inline CSS, inline SVG, one inline script that adds
// sorting, hover values, zoom and expand/collapse to content already in the
// page; no network) from the ctemplate templates in `template_dir`.
StatusOr<std::string> RenderHtml(const ReportModel& model, const std::string& template_dir);

// Paper of the PDF.
enum class Paper { kA4, kLetter };

struct PdfOptions {
  Paper paper = Paper::kA4;
};

// "a4" / "letter" (any case) to a Paper; false for anything else.
bool ParsePaper(const std::string& name, Paper* paper);

// Multi-page PDF (A4 unless `options` say Letter) drawn with cairo + pango
// (DejaVu fonts), tables that break across pages with repeated headers,
// vector charts, page numbers.
StatusOr<std::string> RenderPdf(const ReportModel& model);
StatusOr<std::string> RenderPdf(const ReportModel& model, const PdfOptions& options);

// GitHub-flavoured Markdown of any report model (src/render/
// markdown_renderer.cc): headings, paragraphs, notes, key-values, tables as
// pipe tables (`|` in cells escaped), findings; each chart as one line.
std::string RenderMarkdown(const ReportModel& model);

}  // namespace smr

#endif  // SMR_RENDER_H_
