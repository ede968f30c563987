// The `sm-report diff` pipeline (src/pipeline/run_diff.cc, docs/diff.md):
// each input's findings (read from its findings.json, or computed in memory
// from profiler output or SageMaker rule JSONs), each job's cost, the
// comparison, and diff-report.html / .pdf / .md / .json written atomically
// after all of them are rendered.
#ifndef SMR_DIFF_H_
#define SMR_DIFF_H_

#include <ostream>
#include <string>
#include <vector>

#include "smr/status.h"

namespace smr {

struct DiffOptions {
  std::vector<std::string> inputs;  // the first is the baseline; at least two
  std::string out_dir = "sm-report-diff";
  bool html = true;
  bool pdf = true;
  bool md = true;
  bool json = true;
  std::vector<std::string> job_specs;       // --job NAME=ml.TYPE[:COUNT]
  std::vector<std::string> describe_specs;  // --describe NAME=FILE
  std::string config_path;                  // --config ("" = none)
  std::string region;                       // --region ("" = config's, else us-east-1)
  std::string template_dir;
  std::string paper = "a4";
  bool quiet = false;
};

struct DiffSummary {
  std::vector<std::string> written;   // paths written, in order
  std::vector<std::string> verdicts;  // one line per later job
  bool regression = false;            // a job regresses against the baseline
};

// Errors are usage-level (exit 2): fewer than two inputs, an input that is
// missing, empty or ambiguous, an unsupported findings.json, a bad --job /
// --describe / --config / --region, output not writable.
StatusOr<DiffSummary> RunDiff(const DiffOptions& opts, std::ostream* log);

// What kind of input a folder is, decided the way build and render decide:
// a folder with findings.json is an sm-report output folder; else profiler
// output (DiscoverInputs) or a rule-JSON set (FindRuleJsonDir), and both
// or neither is an error naming the folder.
enum class DiffInputKind { kFindings, kProfilerOutput, kRuleJsons };
StatusOr<DiffInputKind> ClassifyDiffInput(const std::string& path);

}  // namespace smr

#endif  // SMR_DIFF_H_
