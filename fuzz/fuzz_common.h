// The bodies of the libFuzzer targets (docs/security.md), shared with the
// regression test that replays saved inputs (tests/security/regressions/).
// Each feeds one input to an importer (or the rule-JSON reader) and runs
// everything downstream that reads the data: freeze, timeline, windows,
// rules, rule JSON and report model. Returns false when a rule failed with
// an internal error, which on fuzzer input is a bug even though the
// pipeline survives it (the targets trap on it).
#ifndef SMR_FUZZ_FUZZ_COMMON_H_
#define SMR_FUZZ_FUZZ_COMMON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smr/analysis.h"
#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/pipeline.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "smr/store.h"

namespace smr::fuzz {

inline InputFile MakeFile(FileKind kind, const char* rel_path, const char* node) {
  InputFile f;
  f.kind = kind;
  f.path = std::string("/fuzz/") + rel_path;
  f.rel_path = rel_path;
  f.node = node;
  f.name_ts_us = 1591160699000000;
  return f;
}

inline const std::vector<std::unique_ptr<Rule>>& Rules() {
  static const std::vector<std::unique_ptr<Rule>>* rules =
      new std::vector<std::unique_ptr<Rule>>(CreateBuiltinRules());
  return *rules;
}

// Freezes `builder` and runs the analysis, the rules and the report builder.
inline bool AnalyzeAndReport(StoreBuilder* builder, const Diagnostics& diag,
                             const InputFile& file) {
  Discovery discovery;
  discovery.root = "/fuzz";
  discovery.files.push_back(file);
  const MetricStore store = builder->Build();
  const JobTimeline timeline = BuildTimeline(store);
  const WindowPlan windows(store, discovery);
  AnalysisContext ctx;
  ctx.store = &store;
  ctx.timeline = &timeline;
  ctx.windows = &windows;
  const std::vector<RuleResult> results = EvaluateRules(Rules(), ctx);
  bool ok = true;
  for (const RuleResult& r : results) {
    ok = ok && !r.failed;
    (void)RuleResultToJson(r);
  }
  ReportInputs in;
  in.input_dir = "/fuzz";
  in.generated_by = "sm-report fuzz";
  in.results = &results;
  in.rules = &Rules();
  in.discovery = &discovery;
  in.store = &store;
  in.timeline = &timeline;
  in.diagnostics = &diag;
  (void)BuildReportModel(in);
  return ok;
}

// System-metrics JSON lines (docs/formats.md §2).
inline bool FuzzSystemMetrics(std::string_view data) {
  const InputFile file =
      MakeFile(FileKind::kSystem, "system/incremental/1591160699.algo-1.json", "algo-1");
  StoreBuilder builder;
  Diagnostics diag;
  ImportSystemMetrics(file, data, &builder, &diag);
  return AnalyzeAndReport(&builder, diag, file);
}

// smdebug Chrome-trace arrays (docs/formats.md §3). A leading byte 0..3 picks the
// file kind (pythontimeline, model_timeline, horovod, smdataparallel); any
// other first byte ('[' of a seed file) means pythontimeline, whole input.
inline bool FuzzChromeTrace(std::string_view data) {
  static constexpr FileKind kKinds[] = {FileKind::kPythonTimeline, FileKind::kModelTimeline,
                                        FileKind::kHorovodTimeline, FileKind::kSmDataParallel};
  FileKind kind = FileKind::kPythonTimeline;
  if (!data.empty() && static_cast<unsigned char>(data[0]) < 4) {
    kind = kKinds[static_cast<unsigned char>(data[0])];
    data.remove_prefix(1);
  }
  const InputFile file = MakeFile(
      kind, "framework/pevents/2020051923/1589930988000000_4487-algo-1_pythontimeline.json",
      "4487-algo-1");
  StoreBuilder builder;
  Diagnostics diag;
  TraceParseState state;
  ImportChromeTrace(file, data, &state, &builder, &diag);
  return AnalyzeAndReport(&builder, diag, file);
}

// TensorFlow trace.json.gz (docs/formats.md §3.5), with a .metadata base time.
inline bool FuzzTfTrace(std::string_view data) {
  InputFile file = MakeFile(FileKind::kTfTrace,
                            "framework/tensorflow/detailed_profiling/2020080513/000000000/"
                            "plugins/profile/2020_08_05_13_37_44/host.trace.json.gz",
                            "host");
  file.base_time_us = 1596659864545103;
  file.has_metadata = true;
  StoreBuilder builder;
  Diagnostics diag;
  ImportTfTrace(file, data, &builder, &diag);
  return AnalyzeAndReport(&builder, diag, file);
}

// Gunzip alone: memory safety and termination; empty input is no stream.
inline bool FuzzGunzip(std::string_view data) {
  bool ok = true;
  (void)Gunzip(data, &ok);
  return !(data.empty() && ok);
}

// `sm-report render` input: one rule JSON. A leading byte 0..10 picks the
// rule name it is read as (each rule's Details reader), else
// LowGPUUtilization; then the report model from that rule alone.
inline bool FuzzRuleJson(std::string_view data) {
  const std::vector<std::string>& names = ProfilerReportRuleNames();
  std::string name = "LowGPUUtilization";
  if (!data.empty() && static_cast<unsigned char>(data[0]) < names.size()) {
    name = names[static_cast<unsigned char>(data[0])];
    data.remove_prefix(1);
  }
  StatusOr<RuleResult> parsed = ParseRuleResultJson(name, data);
  if (!parsed.ok()) return true;
  std::vector<RuleResult> results;
  results.push_back(std::move(*parsed));
  ReportInputs in;
  in.input_dir = "/fuzz";
  in.generated_by = "sm-report fuzz";
  in.results = &results;
  in.rules = &Rules();
  (void)BuildReportModel(in);
  (void)RuleResultToJson(results.front());
  return true;
}

}  // namespace smr::fuzz

#endif  // SMR_FUZZ_FUZZ_COMMON_H_
