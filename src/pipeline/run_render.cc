// `sm-report render`: RunRender (include/smr/pipeline.h). Existing SageMaker
// rule JSONs -> rule results -> report model -> HTML/PDF -> atomic writes;
// no raw profiler data is read.
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "smr/file_util.h"
#include "smr/findings_doc.h"
#include "smr/pipeline.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "src/pipeline/atomic_output.h"
#include "src/pipeline/ci_files.h"
#include "src/pipeline/report_files.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

// The rule results read from `dir`, one per ProfilerReport rule. A missing
// or broken file loses one rule, not the report: it goes to *unavailable
// with the reason (the report shows it as missing or unreadable), is
// warned about on `out` and counted in summary->warnings.
std::vector<RuleResult> ReadRuleJsons(const std::string& dir, std::ostream& out,
                                      std::vector<RuleStatus>* unavailable, BuildSummary* summary) {
  std::vector<RuleResult> results;
  for (const std::string& name : ProfilerReportRuleNames()) {
    const std::string file = name + ".json";
    const fs::path path = fs::path(dir) / file;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      unavailable->push_back({name, RuleState::kMissing, fmt::format("no {} in {}", file, dir)});
      out << fmt::format("warning: {}: missing; rule {} is shown as missing in the report\n",
                         path.string(), name);
      ++summary->warnings;
      continue;
    }
    StatusOr<std::string> text = fs::is_regular_file(path, ec)
                                     ? ReadWholeFile(path)
                                     : StatusOr<std::string>(Status::Error("not a regular file"));
    StatusOr<RuleResult> parsed =
        text.ok() ? ParseRuleResultJson(name, *text) : StatusOr<RuleResult>(text.status());
    if (!parsed.ok()) {
      unavailable->push_back(
          {name, RuleState::kUnreadable, fmt::format("{}: {}", file, parsed.status().message())});
      out << fmt::format("warning: {}: {}; rule {} is shown as unreadable in the report\n",
                         path.string(), parsed.status().message(), name);
      ++summary->warnings;
      continue;
    }
    if (parsed->triggered > 0) ++summary->rules_triggered;
    results.push_back(std::move(*parsed));
  }
  return results;
}

}  // namespace

StatusOr<BuildSummary> RunRender(const RenderOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;

  StatusOr<std::vector<std::string>> fail_on = ParseFailOn(opts.fail_on, ProfilerReportRuleNames());
  if (!fail_on.ok()) return fail_on.status();
  StatusOr<std::string> dir = FindRuleJsonDir(opts.input_dir);
  if (!dir.ok()) return dir.status();
  out << fmt::format("reading rule JSONs from {}\n", *dir);

  BuildSummary summary;
  std::vector<RuleStatus> unavailable;
  std::vector<RuleResult> results = ReadRuleJsons(*dir, out, &unavailable, &summary);
  InferStatesFromJson(&results);  // not evaluated / not applicable, as the JSONs show
  if (results.empty()) {
    std::string reasons;
    for (const RuleStatus& u : unavailable) {
      if (u.state == RuleState::kUnreadable) reasons += (reasons.empty() ? "" : "; ") + u.detail;
    }
    return Status::Error(fmt::format("no readable rule JSON in {} ({})", *dir, reasons));
  }

  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.input_dir = *dir;
  in.generated_by = fmt::format("sm-report {}", SMR_VERSION);
  in.results = &results;
  in.rules = &rules;
  in.unavailable_rules = std::move(unavailable);
  FindingsOutputs outputs;
  if (opts.write_files && opts.html) outputs.html = "profiler-report.html";
  if (opts.write_files && opts.pdf) outputs.pdf = "profiler-report.pdf";
  const nlohmann::ordered_json doc = BuildFindingsDocument(in, "rule-jsons", outputs);
  const CiFiles ci{opts.out_dir, opts.junit_path, opts.summary_md_path, *fail_on, outputs};
  OutputFiles files;
  if (!opts.write_files) {
    AddCiFiles(doc, ci, &files, &summary);
    return summary;
  }
  if (opts.html || opts.pdf) {
    const ReportModel model = BuildReportModel(in);
    Status st = RenderReportFiles(model, opts.html, opts.pdf, opts.template_dir,
                                  fs::path(opts.out_dir), &files, opts.paper);
    if (!st.ok()) return st;
  }
  AddCiFiles(doc, ci, &files, &summary);
  if (Status st = WriteAll(files, &summary.written); !st.ok()) return st;
  return summary;
}

}  // namespace smr
