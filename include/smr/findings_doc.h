// findings.json: the machine-readable summary of one report, for CI gates,
// dashboards and `sm-report diff` (docs/findings.md describes every field,
// docs/findings.schema.json is its JSON Schema). One document per run,
// always written by `build` and `render`; the JUnit file, the Markdown
// summary and the terminal summary are drawn from it, so they never
// disagree with it.
#ifndef SMR_FINDINGS_DOC_H_
#define SMR_FINDINGS_DOC_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "smr/report_builder.h"

namespace smr {

// The schema's version: raised only for changes that can break a reader
// (a field removed or its meaning changed); new fields keep it.
inline constexpr int kFindingsSchemaVersion = 1;

// The files of the run, relative to the output folder, for "outputs"
// (empty: not written).
struct FindingsOutputs {
  std::string html;          // "profiler-report.html"
  std::string pdf;           // "profiler-report.pdf"
  std::string rule_jsons;    // "profiler-reports"
  std::string data_quality;  // "data-quality.json"
};

// The document from the same inputs the report is built from: the job's
// timing, nodes and GPUs, step-time and utilization percentiles, data
// quality, every rule with its state, counts, parameters, firings,
// measured value vs threshold and recommendation, and the report's ranked
// findings. `source_kind` is "profiler-output" (build) or "rule-jsons"
// (render). Deterministic for the same inputs.
nlohmann::ordered_json BuildFindingsDocument(const ReportInputs& in, std::string_view source_kind,
                                             const FindingsOutputs& outputs);

// The document as written to findings.json (indented, ends with a newline).
std::string FindingsDocumentText(const nlohmann::ordered_json& doc);

}  // namespace smr

#endif  // SMR_FINDINGS_DOC_H_
