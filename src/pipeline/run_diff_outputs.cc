// The outputs of `sm-report diff` (run_diff.cc): diff-report.html, .pdf,
// .md and .json below the output folder, all rendered in memory before the
// first is written.
#include "src/pipeline/run_diff_outputs.h"

#include <filesystem>

#include <fmt/format.h>

#include "smr/compare.h"
#include "smr/diff.h"
#include "smr/pipeline.h"
#include "smr/render.h"
#include "src/pipeline/atomic_output.h"

namespace smr {

StatusOr<OutputFiles> RenderDiffFiles(const DiffOptions& opts, const Comparison& c,
                                      const std::string& generated_by) {
  const std::filesystem::path dir(opts.out_dir);
  const ReportModel model = BuildDiffReportModel(c, generated_by);
  OutputFiles files;
  if (opts.html) {
    StatusOr<std::string> html = RenderHtml(model, FindTemplateDir(opts.template_dir));
    if (!html.ok()) return Status::Error("HTML: " + html.status().message());
    files.emplace_back((dir / "diff-report.html").string(), std::move(*html));
  }
  if (opts.pdf) {
    PdfOptions pdf_options;
    if (!ParsePaper(opts.paper, &pdf_options.paper)) {
      return Status::Error(fmt::format("unknown paper '{}' (a4 or letter)", opts.paper));
    }
    StatusOr<std::string> pdf = RenderPdf(model, pdf_options);
    if (!pdf.ok()) return Status::Error("PDF: " + pdf.status().message());
    files.emplace_back((dir / "diff-report.pdf").string(), std::move(*pdf));
  }
  if (opts.md) files.emplace_back((dir / "diff-report.md").string(), RenderMarkdown(model));
  if (opts.json) {
    files.emplace_back((dir / "diff-report.json").string(), DiffReportJson(c, generated_by));
  }
  return files;
}

}  // namespace smr
