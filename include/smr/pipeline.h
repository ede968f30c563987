// The `sm-report build` pipeline: discover -> ingest -> freeze -> correlate
// -> rules -> report model -> renderers -> atomic file writes. Only this stage
// (and main) touches output paths.
#ifndef SMR_PIPELINE_H_
#define SMR_PIPELINE_H_

#include <ostream>
#include <string>
#include <vector>

#include "smr/status.h"

namespace smr {

struct BuildOptions {
  std::string input_dir;
  std::string out_dir = "profiler-report";
  bool html = true;
  bool pdf = true;
  bool json = true;
  std::string template_dir;  // empty: installed/source templates
  int jobs = 0;              // ingest threads, 0 = all cores
  bool quiet = false;
};

struct BuildSummary {
  std::vector<std::string> written;  // paths written, in order
  int64_t warnings = 0;              // data problems counted
  int64_t rules_triggered = 0;       // rules with RuleTriggered > 0
};

// Errors are usage-level (exit 2): bad input dir, no profiler data, output
// not writable. Data problems are warnings on `log`, never errors.
StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log);

// Writes `data` to `path` atomically (temporary file in the same directory,
// then rename), creating parent directories.
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Locates the templates directory: explicit > $SMR_TEMPLATE_DIR > next to the
// executable (../share/sm-report/templates) > the source tree.
std::string FindTemplateDir(const std::string& explicit_dir);

}  // namespace smr

#endif  // SMR_PIPELINE_H_
