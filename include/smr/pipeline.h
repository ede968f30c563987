// The `sm-report build` pipeline: discover -> ingest -> freeze -> correlate
// -> rules -> report model -> renderers -> atomic file writes
// (src/pipeline/run_build.cc), and the `sm-report render` pipeline: existing
// SageMaker rule JSONs -> report model -> renderers
// (src/pipeline/run_render.cc). Only this stage (and main) touches output
// paths.
#ifndef SMR_PIPELINE_H_
#define SMR_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "smr/status.h"

namespace smr {

class Rule;

struct BuildOptions {
  std::string input_dir;
  std::string out_dir = "profiler-report";
  bool html = true;
  bool pdf = true;
  bool json = true;
  std::string template_dir;  // empty: installed/source templates
  std::string paper = "a4";  // PDF paper: "a4" or "letter"
  int jobs = 0;              // ingest threads, 0 = all cores
  bool quiet = false;
  // Progress on `log`: a live bar (files, MB, MB/s, ETA) while reading when
  // `progress_bar` (main sets it when stderr is a terminal), else one line
  // per phase. Nothing with `quiet`.
  bool progress_bar = false;
  // After the run, a table of wall time and memory of each stage (discover,
  // ingest, freeze, correlate, rules, report model, html, pdf, write) on
  // `log`, even with `quiet` (docs/performance.md).
  bool timings = false;
  // Rule configuration (rule_config.h): a JSON config file (empty: none) and
  // `Rule.param=value` / `Rule_param=value` overrides that win over it.
  std::string config_path;
  std::vector<std::string> rule_params;
  // Rules evaluate every sample and event (windows continue to the end of
  // the data) instead of stopping where SageMaker's ProfilerReport stops
  // (docs/compatibility.md, "Window plan").
  bool analyze_trailing_data = false;
  // Memory the build may use (bytes; 0: half the machine's memory). A job
  // whose estimated peak is larger is read a group of nodes at a time,
  // keeping only merged partial states (docs/scaling.md); each MPI rank
  // keeps to it for its share.
  uint64_t max_memory = 0;
  // PyTorch-profiler traces: the step definition (smr/kineto_analysis.h,
  // KinetoOptions::step_pattern; empty: the default ProfilerStep#N).
  std::string step_pattern;
  // CI outputs (docs/ci.md): the rules whose triggering fails the run
  // ("CPUBottleneck,StepOutlier", "any", "none" or empty; the summary's
  // gate_failures), a JUnit XML file and a Markdown summary to write
  // (empty: none). findings.json is always written to the output folder.
  std::string fail_on;
  std::string junit_path;
  std::string summary_md_path;
  // False: compute everything in memory (BuildSummary::findings_json) but
  // render and write nothing (`sm-report diff`).
  bool write_files = true;
  // The rules to run before configuration (empty: CreateBuiltinRules());
  // lets tests inject a rule, e.g. one that fails.
  std::function<std::vector<std::unique_ptr<Rule>>()> make_rules;
};

struct RenderOptions {
  // A `profiler-reports/` folder of SageMaker rule JSONs, or a folder that
  // contains exactly one such set up to kMaxRenderSearchDepth levels down.
  std::string input_dir;
  std::string out_dir = "profiler-report";
  bool html = true;
  bool pdf = true;
  std::string template_dir;
  std::string paper = "a4";  // PDF paper: "a4" or "letter"
  bool quiet = false;
  // CI outputs (docs/ci.md): the rules whose triggering fails the run
  // ("CPUBottleneck,StepOutlier", "any", "none" or empty; the summary's
  // gate_failures), a JUnit XML file and a Markdown summary to write
  // (empty: none). findings.json is always written to the output folder.
  std::string fail_on;
  std::string junit_path;
  std::string summary_md_path;
  // False: compute everything in memory (BuildSummary::findings_json) but
  // render and write nothing (`sm-report diff`).
  bool write_files = true;
};

inline constexpr int kMaxRenderSearchDepth = 6;

struct BuildSummary {
  std::vector<std::string> written;  // paths written, in order
  int64_t warnings = 0;              // data problems counted
  int64_t rules_triggered = 0;       // rules with RuleTriggered > 0
  int64_t rules_failed = 0;          // rules that failed with an internal
                                     // error (`--strict` exits non-zero)
  // The findings.json document (docs/findings.md), also when not written.
  std::string findings_json;
  // The end-of-run summary for stderr (verdict, triggered rules, where the
  // report is); main prints it unless --quiet.
  std::string findings_text;
  // The --fail-on rules that triggered (main exits with 3 when any).
  std::vector<std::string> gate_failures;
};

// Errors are usage-level (exit 2): bad input dir, no profiler data, output
// not writable. Data problems are warnings on `log`, never errors.
StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log);

// Renders the report from existing rule JSONs (no raw data). Errors (exit 2):
// no rule JSON found, several sets found, output not writable. A rule JSON
// that cannot be parsed is a warning on `log`, and the rule is left out.
// `warnings` counts skipped files.
StatusOr<BuildSummary> RunRender(const RenderOptions& opts, std::ostream* log);

// The folder of rule JSONs RunRender would use for `dir` (see RenderOptions).
// Hidden folders (.ipynb_checkpoints, ...) are not searched.
StatusOr<std::string> FindRuleJsonDir(const std::string& dir);

// The 11 rule names of SageMaker's ProfilerReport, in its order
// (docs/rules.md §1); render mode reads `<name>.json` for each.
const std::vector<std::string>& ProfilerReportRuleNames();

// The built-in rules with their descriptions and parameters (defaults,
// units, allowed values), as `sm-report rules` prints them: a text, or with
// `as_json` an indented JSON document; both end with a newline.
std::string DescribeBuiltinRules(bool as_json);

// Writes `data` to `path` atomically (temporary file in the same directory,
// then rename), creating parent directories.
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Locates the templates directory: explicit > $SMR_TEMPLATE_DIR > next to the
// executable (../share/sm-report/templates) > the source tree.
std::string FindTemplateDir(const std::string& explicit_dir);

}  // namespace smr

#endif  // SMR_PIPELINE_H_
