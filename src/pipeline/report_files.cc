// The report's HTML and PDF as output files in memory (report_files.h).
#include "src/pipeline/report_files.h"

#include <utility>

#include "smr/pipeline.h"
#include "smr/render.h"

namespace smr {

Status RenderReportFiles(const ReportModel& model, bool html, bool pdf,
                         const std::string& template_dir, const std::filesystem::path& out_dir,
                         OutputFiles* files, const std::string& paper) {
  if (html) {
    StatusOr<std::string> page = RenderHtml(model, FindTemplateDir(template_dir));
    if (!page.ok()) return Status::Error("rendering HTML: " + page.status().message());
    files->emplace_back((out_dir / "profiler-report.html").string(), std::move(*page));
  }
  if (pdf) {
    PdfOptions options;
    if (!ParsePaper(paper, &options.paper)) {
      return Status::Error("unknown paper size \"" + paper + "\" (use a4 or letter)");
    }
    StatusOr<std::string> doc = RenderPdf(model, options);
    if (!doc.ok()) return Status::Error("rendering PDF: " + doc.status().message());
    files->emplace_back((out_dir / "profiler-report.pdf").string(), std::move(*doc));
  }
  return Status::Ok();
}

}  // namespace smr
