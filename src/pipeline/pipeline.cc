#include "smr/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/data_quality.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/render.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "smr/rule_config.h"

namespace smr {
namespace fs = std::filesystem;

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return Status::Error(fmt::format("cannot create directory {}: {}",
                                       target.parent_path().string(), ec.message()));
    }
  }
  // The temporary name is created exclusively (O_EXCL), so a file that
  // happens to have that name is never overwritten; fsync before rename so
  // the renamed file is complete even after a crash (docs/security.md).
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = fmt::format("{}.tmp-{}-{}", path, static_cast<long>(getpid()), attempt);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
      return Status::Error(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
    }
  }
  size_t done = 0;
  bool ok = true;
  while (ok && done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    fs::remove(tmp, ec);
    return Status::Error(fmt::format("cannot write {} (disk full?)", path));
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::Error(fmt::format("cannot move output into place at {}", path));
  }
  return Status::Ok();
}

std::string FindTemplateDir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("SMR_TEMPLATE_DIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share/sm-report/templates";
    if (fs::exists(installed / "report.html.tpl", ec)) return installed.string();
  }
  return SMR_DEFAULT_TEMPLATE_DIR;
}

namespace {

// True if `inner` is `outer` or below it (both made absolute and normal).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

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

// Rules with the configuration of `opts` applied (config file first, then
// the command-line overrides); disabled rules are left out and named in
// *disabled.
Status ConfigureRules(const BuildOptions& opts, std::vector<std::unique_ptr<Rule>>* rules,
                      std::vector<std::string>* disabled) {
  std::vector<RuleParamOverride> overrides;
  for (const std::string& arg : opts.rule_params) {
    StatusOr<RuleParamOverride> o = ParseRuleParamArg(arg);
    if (!o.ok()) return o.status();
    overrides.push_back(std::move(*o));
  }
  nlohmann::json config;
  if (!opts.config_path.empty()) {
    StatusOr<nlohmann::json> loaded = LoadRuleConfigFile(opts.config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  return ApplyRuleConfig(config, overrides, rules, disabled, opts.config_path);
}

// The report builder notes disabled rules in their own sections; say it in
// the rules summary too (unless the builder already does), so a rule missing
// from the table is not mistaken for a pass.

StatusOr<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(fmt::format("cannot read {}", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(fmt::format("cannot read {}", path.string()));
  return ss.str();
}

// True if `dir` directly holds at least one `<ProfilerReport rule>.json`.
bool HasRuleJson(const fs::path& dir) {
  std::error_code ec;
  for (const std::string& name : ProfilerReportRuleNames()) {
    if (fs::is_regular_file(dir / (name + ".json"), ec)) return true;
  }
  return false;
}

// Renders `model` into (path, bytes) pairs below out_dir, in memory.
Status RenderReportFiles(const ReportModel& model, bool html, bool pdf,
                         const std::string& template_dir, const fs::path& out_dir,
                         std::vector<std::pair<std::string, std::string>>* files) {
  if (html) {
    StatusOr<std::string> page = RenderHtml(model, FindTemplateDir(template_dir));
    if (!page.ok()) return Status::Error("rendering HTML: " + page.status().message());
    files->emplace_back((out_dir / "profiler-report.html").string(), std::move(*page));
  }
  if (pdf) {
    StatusOr<std::string> doc = RenderPdf(model);
    if (!doc.ok()) return Status::Error("rendering PDF: " + doc.status().message());
    files->emplace_back((out_dir / "profiler-report.pdf").string(), std::move(*doc));
  }
  return Status::Ok();
}

Status WriteAll(const std::vector<std::pair<std::string, std::string>>& files,
                BuildSummary* summary) {
  for (const auto& [path, data] : files) {
    Status st = WriteFileAtomic(path, data);
    if (!st.ok()) return st;
    summary->written.push_back(path);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ProfilerReportRuleNames() {
  static const std::vector<std::string> kNames = {
      "CPUBottleneck",      "IOBottleneck",      "LowGPUUtilization",
      "StepOutlier",        "GPUMemoryIncrease", "BatchSize",
      "MaxInitializationTime", "LoadBalancing",  "OverallSystemUsage",
      "Dataloader",         "OverallFrameworkMetrics"};
  return kNames;
}

StatusOr<std::string> FindRuleJsonDir(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) {
    return Status::Error(fmt::format("input directory {} does not exist or is not a directory",
                                     dir));
  }
  std::vector<std::string> found;
  if (HasRuleJson(root)) found.push_back(root.string());
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& e = *it;
    std::error_code type_ec;
    if (!e.is_directory(type_ec) || e.is_symlink(type_ec)) continue;
    const std::string name = e.path().filename().string();
    // Jupyter checkpoints (.ipynb_checkpoints/*-checkpoint.json) and other
    // hidden folders are not SageMaker output (rules-and-report.md §6).
    if (!name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it.depth() + 1 >= kMaxRenderSearchDepth) it.disable_recursion_pending();
    if (name == "profiler-reports" && HasRuleJson(e.path())) found.push_back(e.path().string());
  }
  if (found.empty()) {
    return Status::Error(fmt::format(
        "no SageMaker rule JSONs (profiler-reports/<Rule>.json, e.g. LowGPUUtilization.json) "
        "in {} or up to {} levels below it",
        dir, kMaxRenderSearchDepth));
  }
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    std::string list;
    for (const std::string& f : found) {
      if (!list.empty()) list += ", ";
      list += f;
    }
    return Status::Error(fmt::format(
        "{} sets of rule JSONs found under {}: {}; pass the one to render", found.size(), dir,
        list));
  }
  return found.front();
}

StatusOr<BuildSummary> RunRender(const RenderOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;

  StatusOr<std::string> dir = FindRuleJsonDir(opts.input_dir);
  if (!dir.ok()) return dir.status();
  out << fmt::format("reading rule JSONs from {}\n", *dir);

  BuildSummary summary;
  std::vector<RuleResult> results;
  for (const std::string& name : ProfilerReportRuleNames()) {
    const fs::path path = fs::path(*dir) / (name + ".json");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    StatusOr<std::string> text = ReadWholeFile(path);
    StatusOr<RuleResult> parsed =
        text.ok() ? ParseRuleResultJson(name, *text) : StatusOr<RuleResult>(text.status());
    if (!parsed.ok()) {
      // A broken file loses one rule, not the report.
      out << fmt::format("warning: {}: {}; rule {} left out of the report\n", path.string(),
                         parsed.status().message(), name);
      ++summary.warnings;
      continue;
    }
    if (parsed->triggered > 0) ++summary.rules_triggered;
    results.push_back(std::move(*parsed));
  }
  if (results.empty()) {
    return Status::Error(fmt::format("no readable rule JSON in {}", *dir));
  }

  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.input_dir = *dir;
  in.generated_by = fmt::format("sm-report {}", SMR_VERSION);
  in.results = &results;
  in.rules = &rules;
  const ReportModel model = BuildReportModel(in);

  std::vector<std::pair<std::string, std::string>> files;
  Status st = RenderReportFiles(model, opts.html, opts.pdf, opts.template_dir,
                                fs::path(opts.out_dir), &files);
  if (!st.ok()) return st;
  st = WriteAll(files, &summary);
  if (!st.ok()) return st;
  return summary;
}

StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;

  // Configuration errors are cheap to find: report them before reading data.
  std::vector<std::unique_ptr<Rule>> rules =
      opts.make_rules ? opts.make_rules() : CreateBuiltinRules();
  std::vector<std::string> disabled;
  if (Status st = ConfigureRules(opts, &rules, &disabled); !st.ok()) return st;

  StatusOr<Discovery> discovered = DiscoverInputs(opts.input_dir);
  if (!discovered.ok()) return discovered.status();
  const Discovery& discovery = *discovered;

  for (const char* data_dir : {"system", "framework"}) {
    if (IsWithin(opts.out_dir, fs::path(discovery.root) / data_dir)) {
      return Status::Error(fmt::format(
          "output directory {} is inside the input's {}/ folder; choose another -o", opts.out_dir,
          data_dir));
    }
  }

  out << fmt::format("reading {} files ({}) from {}\n", discovery.files.size(),
                     FormatBytes(static_cast<double>(discovery.TotalBytes())), discovery.root);
  IngestOptions iopts;
  iopts.jobs = opts.jobs;
  IngestResult ingested = ImportAll(discovery, iopts);
  const MetricStore& store = ingested.store;
  if (!opts.quiet && log) PrintDiagnostics(ingested.diagnostics, log);

  const JobTimeline timeline = BuildTimeline(store);
  const WindowPlan windows(store, discovery);
  AnalysisContext ctx;
  ctx.store = &store;
  ctx.timeline = &timeline;
  ctx.windows = &windows;
  for (const std::string& name : disabled) {
    out << fmt::format("rule {} is disabled by configuration\n", name);
  }
  const std::vector<RuleResult> results = EvaluateRules(rules, ctx);

  BuildSummary summary;
  summary.warnings = ingested.diagnostics.total_data_loss();
  for (const RuleResult& r : results) {
    if (r.triggered > 0) ++summary.rules_triggered;
    if (r.failed) {
      ++summary.rules_failed;
      out << fmt::format("warning: {}\n", r.error);
    }
  }

  // Render everything in memory first so a failure writes nothing.
  std::vector<std::pair<std::string, std::string>> files;
  const fs::path out_dir(opts.out_dir);
  if (opts.json) {
    for (const RuleResult& r : results) {
      files.emplace_back((out_dir / "profiler-reports" / (r.name + ".json")).string(),
                         RuleResultToJson(r));
    }
  }
  // data-quality.json: what was read, kept and skipped, per node and file
  // type, and how each node was sampled (docs/data-quality.md).
  if (opts.json) {
    files.emplace_back(
        (out_dir / "data-quality.json").string(),
        DataQualityToJson(BuildDataQuality(discovery, store, ingested.diagnostics)));
  }
  // A disabled rule's JSON left by an earlier run would contradict this
  // report (and be picked up by `sm-report render`), so it goes.
  std::vector<fs::path> stale;
  if (opts.json) {
    for (const std::string& name : disabled) {
      const fs::path p = out_dir / "profiler-reports" / (name + ".json");
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) stale.push_back(p);
    }
  }
  if (opts.html || opts.pdf) {
    ReportInputs in;
    in.input_dir = opts.input_dir;
    in.generated_by = fmt::format("sm-report {}", SMR_VERSION);
    in.results = &results;
    in.rules = &rules;
    in.discovery = &discovery;
    in.store = &store;
    in.timeline = &timeline;
    in.diagnostics = &ingested.diagnostics;
    in.disabled_rules = disabled;
    ReportModel model = BuildReportModel(in);
    Status st = RenderReportFiles(model, opts.html, opts.pdf, opts.template_dir, out_dir, &files);
    if (!st.ok()) return st;
  }
  if (Status st = WriteAll(files, &summary); !st.ok()) return st;
  for (const fs::path& p : stale) {
    std::error_code ec;
    fs::remove(p, ec);
    if (ec) {
      return Status::Error(fmt::format("cannot remove {} of disabled rule: {}", p.string(),
                                       ec.message()));
    }
    out << fmt::format("removed {} (rule disabled)\n", p.string());
  }
  return summary;
}

}  // namespace smr
