// `sm-report build`: RunBuild (include/smr/pipeline.h) as a sequence of named
// stages, each booked by the stage timer:
//   configure rules -> discover -> ingest (+ freeze) -> correlate (timeline,
//   rule windows) -> rules -> json (rule JSONs, data-quality.json) ->
//   report model -> html -> pdf -> write (atomic) -> remove stale rule JSONs.
// Every output is rendered in memory before the first file is written.
#include <chrono>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/data_quality.h"
#include "smr/discover.h"
#include "smr/file_util.h"
#include "smr/findings_doc.h"
#include "smr/ingest.h"
#include "smr/kineto_analysis.h"
#include "smr/pipeline.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "smr/rule_config.h"
#include "smr/shard.h"
#include "src/pipeline/atomic_output.h"
#include "src/pipeline/ci_files.h"
#include "src/pipeline/process_metrics.h"
#include "src/pipeline/progress_bar.h"
#include "src/pipeline/report_files.h"
#include "src/pipeline/rule_json_dir.h"
#include "src/pipeline/shard_comm.h"
#include "src/pipeline/sharded_build.h"
#include "src/pipeline/stage_timer.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

// What every stage of one build shares: the options, the progress stream
// (`out`: a null stream with --quiet), the caller's log and the timer.
struct Build {
  const BuildOptions& opts;
  std::ostream& out;
  std::ostream* log;
  StageTimer timer;
};

// The rules to evaluate, configured, and the names of those configuration
// switched off.
struct ConfiguredRules {
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<std::string> disabled;
};

// Rules with the configuration of `opts` applied (config file first, then
// the command-line overrides); disabled rules are left out and named in
// `disabled`.
Status ConfigureRules(const BuildOptions& opts, ConfiguredRules* out) {
  out->rules = opts.make_rules ? opts.make_rules() : CreateBuiltinRules();
  std::vector<RuleParamOverride> overrides;
  for (const std::string& arg : opts.rule_params) {
    StatusOr<RuleParamOverride> o = ParseRuleParamArg(arg);
    if (!o.ok()) return o.status();
    overrides.push_back(std::move(*o));
  }
  RuleConfig config;
  if (!opts.config_path.empty()) {
    StatusOr<RuleConfig> loaded = LoadRuleConfig(opts.config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  return ApplyRuleConfig(config, overrides, &out->rules, &out->disabled);
}

// True if a folder named system/ or framework/ (profiler data) is `dir`'s
// child or lies up to 4 levels below it (hidden folders and symlinks are
// not searched). Deliberately broad: used only to decide whether a failed
// `build` may suggest `render`.
bool MayHoldProfilerData(const fs::path& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) continue;
    const std::string name = it->path().filename().string();
    if (name == "system" || name == "framework") return true;
    if ((!name.empty() && name[0] == '.') || it.depth() >= 3) it.disable_recursion_pending();
  }
  return false;
}

// The Kineto analysis options of a build.
KinetoOptions KinetoOptionsOf(const BuildOptions& opts) {
  KinetoOptions k;
  if (!opts.step_pattern.empty()) k.step_pattern = opts.step_pattern;
  return k;
}

// Stage "discover": the input files, or a usage error (with a hint at
// `render` for a folder of rule JSONs, or an output folder inside the data).
StatusOr<Discovery> DiscoverBuildInput(const BuildOptions& opts) {
  StatusOr<Discovery> discovered = DiscoverInputs(opts.input_dir);
  if (!discovered.ok()) {
    // Rule JSONs only (e.g. an old job's profiler-reports/): say which
    // command reads them.
    std::error_code ec;
    if (fs::is_directory(opts.input_dir, ec) && !MayHoldProfilerData(opts.input_dir) &&
        !FindRuleJsonDirs(opts.input_dir).empty()) {
      return Status::Error(
          fmt::format("{} holds rule JSONs, not profiler data; use `sm-report render {}`",
                      opts.input_dir, opts.input_dir));
    }
    return discovered.status();
  }
  for (const char* data_dir : {"system", "framework"}) {
    if (IsWithin(opts.out_dir, fs::path(discovered->root) / data_dir)) {
      return Status::Error(
          fmt::format("output directory {} is inside the input's {}/ folder; choose another -o",
                      opts.out_dir, data_dir));
    }
  }
  return discovered;
}

// The data-loss warnings of ingest on `log`, with their examples.
void PrintDiagnostics(const Diagnostics& d, std::ostream* log) {
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    const Issue issue = static_cast<Issue>(i);
    const IssueInfo& info = GetIssueInfo(issue);
    if (d.count(issue) == 0 || !info.data_loss) continue;
    for (const DiagnosticExample& e : d.examples(issue)) {
      if (e.line > 0) {
        *log << fmt::format("warning: {}:{}: {}: {}\n", e.file, e.line, info.description,
                            e.excerpt);
      } else {
        *log << fmt::format("warning: {}: {}{}{}\n", e.file, info.description,
                            e.excerpt.empty() ? "" : ": ", e.excerpt);
      }
    }
    if (d.count(issue) > static_cast<int64_t>(d.examples(issue).size())) {
      *log << fmt::format("warning: ... {} more: {}\n",
                          d.count(issue) - static_cast<int64_t>(d.examples(issue).size()),
                          info.description);
    }
  }
}

// Stages "ingest" and "freeze": every input file read into the frozen
// metric store (with the progress bar on a terminal), then what was read
// and the data-loss warnings.
IngestResult Ingest(Build& b, const Discovery& discovery) {
  const auto ingest_start = std::chrono::steady_clock::now();
  IngestOptions iopts;
  iopts.jobs = b.opts.jobs;
  IngestResult ingested;
  {
    std::optional<ReadProgressBar> bar;
    if (b.opts.progress_bar && !b.opts.quiet && b.log) bar.emplace(discovery, b.log);
    ingested = ImportAll(discovery, iopts);
  }
  const MetricStore& store = ingested.store;
  b.timer.Lap("ingest");
  b.timer.SplitLast("freeze", store.freeze_seconds());
  const double s = Seconds(ingest_start, std::chrono::steady_clock::now());
  const double mb_s = s > 0 ? static_cast<double>(ingested.bytes_read) / 1e6 / s : 0.0;
  if (store.has_kineto()) {
    size_t kineto_events = 0;
    for (const KinetoTrace& t : store.kineto()) kineto_events += t.events.size();
    b.out << fmt::format(
        "read {} system samples, {} framework events and {} PyTorch-profiler events ({} "
        "traces) in {:.2f} s ({:.0f} MB/s)\n",
        store.system().size(), store.events().size(), kineto_events, store.kineto().size(), s,
        mb_s);
  } else {
    b.out << fmt::format(
        "read {} system samples and {} framework events in {:.2f} s ({:.0f} MB/s)\n",
        store.system().size(), store.events().size(), s, mb_s);
  }
  if (!b.opts.quiet && b.log) PrintDiagnostics(ingested.diagnostics, b.log);
  return ingested;
}

// The report's system usage statistics describe the whole job: when the rule
// windows left system data out (SageMaker's walk), OverallSystemUsage runs
// once more over windows that cover everything, for the report only (its
// rule JSON stays SageMaker's). Nothing when nothing was left out or the
// rule is disabled.
std::optional<RuleResult> SystemUsageOverAllData(const std::vector<std::unique_ptr<Rule>>& rules,
                                                 const AnalysisContext& ctx,
                                                 const Discovery& discovery) {
  const WindowCoverage& cov = ctx.windows->coverage();
  if (cov.system_rows_after == 0 && cov.system_rows_before == 0) return std::nullopt;
  for (const std::unique_ptr<Rule>& rule : rules) {
    if (rule->name() != "OverallSystemUsage") continue;
    WindowPlanOptions all_options;
    all_options.analyze_trailing_data = true;
    const WindowPlan all_windows(*ctx.store, discovery, all_options);
    AnalysisContext all_ctx = ctx;
    all_ctx.windows = &all_windows;
    return EvaluateRule(*rule, all_ctx);
  }
  return std::nullopt;
}

// The summary's counts (data-loss warnings, triggered and failed rules); a
// failed rule's error is a warning on `out`.
BuildSummary Summarize(Build& b, const std::vector<RuleResult>& results,
                       const Diagnostics& diagnostics) {
  BuildSummary summary;
  summary.warnings = diagnostics.total_data_loss();
  for (const RuleResult& r : results) {
    if (r.triggered > 0) ++summary.rules_triggered;
    if (r.failed) {
      ++summary.rules_failed;
      b.out << fmt::format("warning: {}\n", r.error);
    }
  }
  return summary;
}

// Stage "json": the rule JSONs and data-quality.json, in memory.
void AddJsonFiles(Build& b, const std::vector<RuleResult>& results, const DataQuality& data_quality,
                  OutputFiles* files) {
  if (!b.opts.json) return;
  const fs::path out_dir(b.opts.out_dir);
  for (const RuleResult& r : results) {
    files->emplace_back((out_dir / "profiler-reports" / (r.name + ".json")).string(),
                        RuleResultToJson(r));
  }
  files->emplace_back((out_dir / "data-quality.json").string(), DataQualityToJson(data_quality));
  b.timer.Lap("json");
}

// A disabled rule's JSON left by an earlier run would contradict this
// report (and be picked up by `sm-report render`): the files to remove.
std::vector<fs::path> StaleRuleJsons(const BuildOptions& opts,
                                     const std::vector<std::string>& disabled) {
  std::vector<fs::path> stale;
  if (!opts.json) return stale;
  for (const std::string& name : disabled) {
    const fs::path p = fs::path(opts.out_dir) / "profiler-reports" / (name + ".json");
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) stale.push_back(p);
  }
  return stale;
}

// Stages "report model", "html" and "pdf": the report, in memory. HTML and
// PDF are rendered separately so that --timings shows each renderer.
Status AddReportFiles(Build& b, const ReportInputs& in, OutputFiles* files) {
  const fs::path out_dir(b.opts.out_dir);
  ReportModel model = BuildReportModel(in);
  b.timer.Lap("report model");
  Status st = RenderReportFiles(model, b.opts.html, false, b.opts.template_dir, out_dir, files);
  if (!st.ok()) return st;
  if (b.opts.html) b.timer.Lap("html");
  st = RenderReportFiles(model, false, b.opts.pdf, b.opts.template_dir, out_dir, files,
                         b.opts.paper);
  if (!st.ok()) return st;
  if (b.opts.pdf) b.timer.Lap("pdf");
  b.out << fmt::format("rendered the report{}{}\n", b.opts.html ? " (HTML)" : "",
                       b.opts.pdf ? " (PDF)" : "");
  return Status::Ok();
}

Status RemoveStaleRuleJsons(Build& b, const std::vector<fs::path>& stale) {
  for (const fs::path& p : stale) {
    std::error_code ec;
    fs::remove(p, ec);
    if (ec) {
      return Status::Error(
          fmt::format("cannot remove {} of disabled rule: {}", p.string(), ec.message()));
    }
    b.out << fmt::format("removed {} (rule disabled)\n", p.string());
  }
  return Status::Ok();
}

// The --fail-on rules, checked against every configured rule (disabled ones
// included: naming one is not a mistake, it just cannot trigger).
StatusOr<std::vector<std::string>> FailOnRules(const BuildOptions& opts,
                                               const ConfiguredRules& configured) {
  std::vector<std::string> names = configured.disabled;
  for (const std::unique_ptr<Rule>& r : configured.rules) names.emplace_back(r->name());
  return ParseFailOn(opts.fail_on, names);
}

// The files findings.json lists under "outputs" (none when nothing is
// written).
FindingsOutputs FindingsOutputsOf(const BuildOptions& opts) {
  FindingsOutputs outputs;
  if (!opts.write_files) return outputs;
  if (opts.html) outputs.html = "profiler-report.html";
  if (opts.pdf) outputs.pdf = "profiler-report.pdf";
  if (opts.json) outputs.rule_jsons = "profiler-reports";
  if (opts.json) outputs.data_quality = "data-quality.json";
  return outputs;
}

// Stages "findings", "json", "report model", "html", "pdf", "write":
// every output rendered in memory first, so a failure writes nothing.
StatusOr<BuildSummary> EmitOutputs(Build& b, const ReportInputs& in,
                                   const DataQuality& data_quality,
                                   const ConfiguredRules& configured,
                                   const std::vector<std::string>& fail_on, BuildSummary summary) {
  const BuildOptions& opts = b.opts;
  OutputFiles files;
  const CiFiles ci{opts.out_dir, opts.junit_path, opts.summary_md_path, fail_on,
                   FindingsOutputsOf(opts)};
  const nlohmann::ordered_json doc = BuildFindingsDocument(in, "profiler-output", ci.outputs);
  b.timer.Lap("findings");
  if (!opts.write_files) {
    AddCiFiles(doc, ci, &files, &summary);
    return summary;
  }
  AddJsonFiles(b, *in.results, data_quality, &files);
  const std::vector<fs::path> stale = StaleRuleJsons(opts, configured.disabled);
  if (opts.html || opts.pdf) {
    if (Status st = AddReportFiles(b, in, &files); !st.ok()) return st;
  }
  AddCiFiles(doc, ci, &files, &summary);
  if (Status st = WriteAll(files, &summary.written); !st.ok()) return st;
  b.timer.Lap("write");
  if (Status st = RemoveStaleRuleJsons(b, stale); !st.ok()) return st;
  if (opts.timings && b.log) b.timer.Print(b.log);
  return summary;
}

// The job in groups of nodes (a group at a time, and/or on the ranks of an
// MPI job): sharded_build.h. Only rank 0 writes.
StatusOr<BuildSummary> RunSharded(Build& b, const Discovery& discovery, ConfiguredRules& configured,
                                  const std::vector<std::string>& fail_on, ShardComm& comm,
                                  std::vector<ShardGroup> groups) {
  const BuildOptions& opts = b.opts;
  ShardedSpec spec;
  spec.discovery = &discovery;
  spec.rules = &configured.rules;
  spec.plan_options.analyze_trailing_data = opts.analyze_trailing_data;
  spec.kineto_options = KinetoOptionsOf(opts);
  spec.jobs = opts.jobs;
  spec.groups = std::move(groups);
  StatusOr<std::optional<ShardedOutcome>> evaluated = EvaluateInShards(spec, comm, b.out);
  if (!evaluated.ok()) return evaluated.status();
  b.timer.Lap("sharded");
  if (!evaluated->has_value()) return BuildSummary();  // not rank 0
  ShardedOutcome& o = **evaluated;
  b.out << fmt::format(
      "read {} system samples, {} framework events and {} PyTorch-profiler events in {} groups "
      "of nodes\n",
      o.samples, o.events, o.kineto_events, o.groups);
  if (!opts.quiet && b.log) PrintDiagnostics(o.diagnostics, b.log);
  for (const std::string& name : configured.disabled) {
    b.out << fmt::format("rule {} is disabled by configuration\n", name);
  }
  b.out << fmt::format("evaluated {} rules over {} windows\n", o.results.size(), o.windows.size());
  BuildSummary summary = Summarize(b, o.results, o.diagnostics);
  ReportInputs in;
  in.input_dir = opts.input_dir;
  in.generated_by = fmt::format("sm-report {}", SMR_VERSION);
  in.results = &o.results;
  in.rules = &configured.rules;
  in.discovery = &discovery;
  in.summary_store = &o.summary;
  in.stage_traffic = &o.traffic;
  in.timeline = &o.timeline;
  in.windows = &o.windows;
  in.kineto = &o.kineto;
  if (o.usage_all && !o.usage_all->failed) in.system_usage_all_data = &*o.usage_all;
  in.diagnostics = &o.diagnostics;
  in.data_quality = &o.data_quality;
  in.disabled_rules = configured.disabled;
  return EmitOutputs(b, in, o.data_quality, configured, fail_on, std::move(summary));
}

// The groups of nodes this process reads (one group: the whole job), or
// the MPI job's share of this rank.
std::vector<ShardGroup> GroupsOfProcess(const BuildOptions& opts, const Discovery& discovery,
                                        const ShardComm* mpi) {
  const uint64_t limit = opts.max_memory > 0 ? opts.max_memory : PhysicalMemoryBytes() / 2;
  if (mpi != nullptr) return GroupsOfRank(discovery, mpi->rank(), mpi->size(), limit);
  return limit > 0 ? GroupForMemory(discovery, limit) : GroupByNode(discovery, 1);
}

}  // namespace

// Length: the build's stages in order (configure, discover, ingest,
// correlate, rules, outputs), each a few calls.
StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log) {
  std::unique_ptr<ShardComm> mpi = MpiComm();
  // Only rank 0 of an MPI job speaks.
  const bool speaks = mpi == nullptr || mpi->rank() == 0;
  std::ostream null_stream(nullptr);
  Build b{opts, opts.quiet || !log || !speaks ? null_stream : *log, speaks ? log : nullptr,
          StageTimer()};

  // Configuration errors are cheap to find: report them before reading data.
  ConfiguredRules configured;
  if (Status st = ConfigureRules(opts, &configured); !st.ok()) return st;
  StatusOr<std::vector<std::string>> fail_on = FailOnRules(opts, configured);
  if (!fail_on.ok()) return fail_on.status();
  if (Status st = ValidateKinetoOptions(KinetoOptionsOf(opts)); !st.ok()) return st;

  StatusOr<Discovery> discovered = DiscoverBuildInput(opts);
  if (!discovered.ok()) return discovered.status();
  const Discovery& discovery = *discovered;
  b.out << fmt::format("reading {} files ({}) from {}\n", discovery.files.size(),
                       FormatBytes(static_cast<double>(discovery.TotalBytes())), discovery.root);
  b.timer.Lap("discover");
  std::vector<ShardGroup> groups = GroupsOfProcess(opts, discovery, mpi.get());
  if (mpi != nullptr || groups.size() > 1) {
    // The limit cannot go below one node and the merged states: say so.
    const uint64_t limit = opts.max_memory > 0 ? opts.max_memory : PhysicalMemoryBytes() / 2;
    uint64_t need = 0;
    for (const ShardGroup& g : groups) need = std::max(need, EstimatePeakMemory(discovery, g));
    if (groups.size() > 1) need += EstimateMergedStates(discovery);
    if (limit > 0 && need > limit) {
      b.out << fmt::format(
          "warning: the largest group of nodes needs about {} of memory with the merged states, "
          "more than the {} allowed; a node is not split\n",
          FormatBytes(static_cast<double>(need)), FormatBytes(static_cast<double>(limit)));
    }
    if (mpi != nullptr) {
      b.out << fmt::format("{} MPI ranks share the job's nodes\n", mpi->size());
    } else {
      b.out << fmt::format(
          "reading the job in {} groups of nodes, one after another, to stay within {} of "
          "memory\n",
          groups.size(),
          FormatBytes(static_cast<double>(opts.max_memory > 0 ? opts.max_memory
                                                              : PhysicalMemoryBytes() / 2)));
    }
    std::unique_ptr<ShardComm> local = LocalComm();
    return RunSharded(b, discovery, configured, *fail_on, mpi ? *mpi : *local, std::move(groups));
  }

  const IngestResult ingested = Ingest(b, discovery);
  const MetricStore& store = ingested.store;
  // The rules on PyTorch-profiler traces only run when there are some.
  DropKinetoRules(store.has_kineto(), &configured.rules);
  const std::vector<std::unique_ptr<Rule>>& rules = configured.rules;

  // Correlate: the job's timeline and the rule windows.
  const JobTimeline timeline = BuildTimeline(store);
  WindowPlanOptions plan_options;
  plan_options.analyze_trailing_data = opts.analyze_trailing_data;
  const WindowPlan windows(store, discovery, plan_options);
  b.timer.Lap("correlate");

  const KinetoAnalysis kineto = AnalyzeKineto(store, KinetoOptionsOf(opts), opts.jobs);
  b.timer.Lap("kineto");

  AnalysisContext ctx;
  ctx.store = &store;
  ctx.timeline = &timeline;
  ctx.windows = &windows;
  ctx.kineto = &kineto;
  for (const std::string& name : configured.disabled) {
    b.out << fmt::format("rule {} is disabled by configuration\n", name);
  }
  const std::vector<RuleResult> results = EvaluateRules(rules, ctx);
  // Always: findings.json reports the utilization over all data.
  std::optional<RuleResult> usage_all = SystemUsageOverAllData(rules, ctx, discovery);
  b.timer.Lap("rules");
  b.out << fmt::format("evaluated {} rules over {} windows\n", results.size(), windows.size());
  BuildSummary summary = Summarize(b, results, ingested.diagnostics);

  // docs/data-quality.md: written as data-quality.json and in the report.
  const DataQuality data_quality = BuildDataQuality(discovery, store, ingested.diagnostics);
  ReportInputs in;
  in.input_dir = opts.input_dir;
  in.generated_by = fmt::format("sm-report {}", SMR_VERSION);
  in.results = &results;
  in.rules = &rules;
  in.discovery = &discovery;
  in.store = &store;
  in.timeline = &timeline;
  in.windows = &windows;
  in.kineto = &kineto;
  if (usage_all && !usage_all->failed) in.system_usage_all_data = &*usage_all;
  in.diagnostics = &ingested.diagnostics;
  in.data_quality = &data_quality;
  in.disabled_rules = configured.disabled;
  return EmitOutputs(b, in, data_quality, configured, *fail_on, std::move(summary));
}

}  // namespace smr
