// Report rendering for the output list: the HTML and/or PDF of a report
// model as (path, bytes) pairs below the output folder, in memory.
#ifndef SMR_SRC_PIPELINE_REPORT_FILES_H_
#define SMR_SRC_PIPELINE_REPORT_FILES_H_

#include <filesystem>
#include <string>

#include "smr/report_model.h"
#include "smr/status.h"
#include "src/pipeline/atomic_output.h"

namespace smr {

// Appends profiler-report.html (with `html`; templates from
// FindTemplateDir(template_dir)) and profiler-report.pdf (with `pdf`) below
// `out_dir` to `*files`, the PDF on `paper` ("a4" or "letter"). Errors name
// the renderer that failed.
Status RenderReportFiles(const ReportModel& model, bool html, bool pdf,
                         const std::string& template_dir, const std::filesystem::path& out_dir,
                         OutputFiles* files, const std::string& paper = "a4");

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_REPORT_FILES_H_
