// The CI outputs of `build` and `render`: findings.json in the output
// folder, the optional JUnit XML and Markdown summary, the terminal
// summary and the --fail-on gate, all from one findings document
// (include/smr/findings_doc.h, include/smr/ci_outputs.h).
#ifndef SMR_SRC_PIPELINE_CI_FILES_H_
#define SMR_SRC_PIPELINE_CI_FILES_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/findings_doc.h"
#include "smr/pipeline.h"
#include "smr/status.h"
#include "src/pipeline/atomic_output.h"

namespace smr {

// The rules named by --fail-on: {} for "" or "none", {"*"} for "any", else
// the listed names (comma-separated, any case) spelled as in `rule_names`.
// An unknown name is a one-line error listing the rules.
StatusOr<std::vector<std::string>> ParseFailOn(const std::string& text,
                                               const std::vector<std::string>& rule_names);

struct CiFiles {
  std::string out_dir;
  std::string junit_path;            // "" = none
  std::string summary_md_path;       // "" = none
  std::vector<std::string> fail_on;  // ParseFailOn
  FindingsOutputs outputs;           // the report files, relative to out_dir
};

// Appends findings.json (and the JUnit and Markdown files) to `files` and
// fills summary->findings_json, findings_text and gate_failures.
void AddCiFiles(const nlohmann::ordered_json& doc, const CiFiles& ci, OutputFiles* files,
                BuildSummary* summary);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_CI_FILES_H_
