#include "smr/pipeline.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>

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
  RuleConfig config;
  if (!opts.config_path.empty()) {
    StatusOr<RuleConfig> loaded = LoadRuleConfig(opts.config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  return ApplyRuleConfig(config, overrides, rules, disabled);
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


// ---- Progress and stage timings (docs/performance.md) ----------------------

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Peak resident set so far (ru_maxrss, KiB on Linux).
int64_t PeakRssKb() {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return ru.ru_maxrss;
}

double CpuSeconds() {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Current resident set from /proc/self/statm (0 if unavailable).
int64_t RssKb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long size = 0, resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<int64_t>(resident) * (sysconf(_SC_PAGESIZE) / 1024);
}

// Bytes this process has read through read(2) and friends (rchar of
// /proc/self/io): ImportAll has no progress callback, but every byte it
// parses comes through read(), so this is an exact progress measure without
// touching the importers.
int64_t ReadChars() {
  std::FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return -1;
  long long rchar = -1;
  const int n = std::fscanf(f, "rchar: %lld", &rchar);
  std::fclose(f);
  return n == 1 ? rchar : -1;
}

// Wall time, CPU time and memory of each stage of a build.
class StageTimer {
 public:
  StageTimer() : last_(std::chrono::steady_clock::now()), last_cpu_(CpuSeconds()) {}

  // Closes the stage that ran since the previous Lap (or construction).
  void Lap(const std::string& name) {
    const auto now = std::chrono::steady_clock::now();
    const double cpu = CpuSeconds();
    stages_.push_back({name, Seconds(last_, now), cpu - last_cpu_, PeakRssKb(), RssKb()});
    last_ = std::chrono::steady_clock::now();
    last_cpu_ = CpuSeconds();
  }
  // Subtracts `seconds` measured inside the previous stage and books them
  // as their own stage right before it (e.g. the store freeze inside ingest).
  void SplitLast(const std::string& name, double seconds) {
    if (stages_.empty()) return;
    Stage& last = stages_.back();
    seconds = std::min(seconds, last.wall_s);
    last.wall_s -= seconds;
    last.cpu_s = std::max(0.0, last.cpu_s - seconds);
    Stage split = last;
    split.name = name;
    split.wall_s = seconds;
    split.cpu_s = seconds;
    stages_.push_back(split);
  }

  void Print(std::ostream* log) const {
    *log << fmt::format("{:<13} {:>9} {:>9} {:>13} {:>13}\n", "stage", "wall s", "cpu s",
                        "peak RSS MB", "RSS now MB");
    double wall = 0, cpu = 0;
    for (const Stage& s : stages_) {
      *log << fmt::format("{:<13} {:>9.3f} {:>9.3f} {:>13.1f} {:>13.1f}\n", s.name, s.wall_s,
                          s.cpu_s, static_cast<double>(s.peak_rss_kb) / 1024.0,
                          static_cast<double>(s.rss_kb) / 1024.0);
      wall += s.wall_s;
      cpu += s.cpu_s;
    }
    *log << fmt::format("{:<13} {:>9.3f} {:>9.3f} {:>13.1f}\n", "total", wall, cpu,
                        static_cast<double>(PeakRssKb()) / 1024.0);
  }

 private:
  struct Stage {
    std::string name;
    double wall_s = 0;
    double cpu_s = 0;
    int64_t peak_rss_kb = 0;
    int64_t rss_kb = 0;
  };
  std::vector<Stage> stages_;
  std::chrono::steady_clock::time_point last_;
  double last_cpu_ = 0;
};

// A live progress bar on a terminal while the input is read: files, MB,
// MB/s and ETA, redrawn a few times a second from a side thread. The files
// count is estimated from the bytes read (files are read in discovery order
// by every worker, so it is exact with one worker and close with several).
class ReadProgressBar {
 public:
  ReadProgressBar(const Discovery& discovery, std::ostream* log)
      : log_(log), base_rchar_(ReadChars()), start_(std::chrono::steady_clock::now()) {
    for (const InputFile& f : discovery.files) {
      cumulative_.push_back(total_ += f.size_bytes);
    }
    if (base_rchar_ >= 0 && total_ > 0) thread_ = std::thread([this] { Run(); });
  }
  ~ReadProgressBar() { Stop(); }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
      *log_ << "\r\033[K" << std::flush;  // clear the bar
    }
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
      Draw();
    }
  }

  void Draw() {
    const int64_t read = std::clamp<int64_t>(ReadChars() - base_rchar_, 0, total_);
    const double elapsed = Seconds(start_, std::chrono::steady_clock::now());
    const size_t files = static_cast<size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), static_cast<uint64_t>(read)) -
        cumulative_.begin());
    const double frac = static_cast<double>(read) / static_cast<double>(total_);
    const double mb_s = elapsed > 0 ? static_cast<double>(read) / 1e6 / elapsed : 0;
    const std::string eta =
        read > 0 ? fmt::format("{:.0f} s", elapsed * (1 - frac) / std::max(frac, 1e-9)) : "?";
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    *log_ << fmt::format("\r\033[K[{}{}] {}/{} files  {:.0f}/{:.0f} MB  {:.0f} MB/s  ETA {}",
                         std::string(filled, '#'), std::string(kWidth - filled, ' '), files,
                         cumulative_.size(), static_cast<double>(read) / 1e6,
                         static_cast<double>(total_) / 1e6, mb_s, eta)
          << std::flush;
  }

  std::ostream* log_;
  int64_t base_rchar_;
  std::chrono::steady_clock::time_point start_;
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

const std::vector<std::string>& ProfilerReportRuleNames() {
  static const std::vector<std::string> kNames = {
      "CPUBottleneck",      "IOBottleneck",      "LowGPUUtilization",
      "StepOutlier",        "GPUMemoryIncrease", "BatchSize",
      "MaxInitializationTime", "LoadBalancing",  "OverallSystemUsage",
      "Dataloader",         "OverallFrameworkMetrics"};
  return kNames;
}

namespace {

// The folders FindRuleJsonDir considers under the directory `root`: root
// itself if it holds rule JSONs, and every `profiler-reports/` with rule
// JSONs up to kMaxRenderSearchDepth levels down (hidden folders skipped).
std::vector<std::string> FindRuleJsonDirs(const fs::path& root) {
  std::error_code ec;
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
    // hidden folders are not SageMaker output (docs/rules.md §6).
    if (!name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it.depth() + 1 >= kMaxRenderSearchDepth) it.disable_recursion_pending();
    if (name == "profiler-reports" && HasRuleJson(e.path())) found.push_back(e.path().string());
  }
  return found;
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

}  // namespace

StatusOr<std::string> FindRuleJsonDir(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) {
    return Status::Error(fmt::format("input directory {} does not exist or is not a directory",
                                     dir));
  }
  std::vector<std::string> found = FindRuleJsonDirs(root);
  if (found.empty()) {
    // Raw profiler data instead: say which command reads it.
    if (DiscoverInputs(dir).ok()) {
      return Status::Error(fmt::format(
          "{} holds profiler data, not rule JSONs; use `sm-report build {}`", dir, dir));
    }
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
  // A missing or broken file loses one rule, not the report; the report
  // shows the rule as missing or unreadable, with the reason.
  std::vector<RuleStatus> unavailable;
  for (const std::string& name : ProfilerReportRuleNames()) {
    const std::string file = name + ".json";
    const fs::path path = fs::path(*dir) / file;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      unavailable.push_back({name, RuleState::kMissing, fmt::format("no {} in {}", file, *dir)});
      out << fmt::format("warning: {}: missing; rule {} is shown as missing in the report\n",
                         path.string(), name);
      ++summary.warnings;
      continue;
    }
    StatusOr<std::string> text = fs::is_regular_file(path, ec)
                                     ? ReadWholeFile(path)
                                     : StatusOr<std::string>(Status::Error("not a regular file"));
    StatusOr<RuleResult> parsed =
        text.ok() ? ParseRuleResultJson(name, *text) : StatusOr<RuleResult>(text.status());
    if (!parsed.ok()) {
      unavailable.push_back(
          {name, RuleState::kUnreadable, fmt::format("{}: {}", file, parsed.status().message())});
      out << fmt::format("warning: {}: {}; rule {} is shown as unreadable in the report\n",
                         path.string(), parsed.status().message(), name);
      ++summary.warnings;
      continue;
    }
    if (parsed->triggered > 0) ++summary.rules_triggered;
    results.push_back(std::move(*parsed));
  }
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
  const ReportModel model = BuildReportModel(in);

  std::vector<std::pair<std::string, std::string>> files;
  Status st = RenderReportFiles(model, opts.html, opts.pdf, opts.template_dir,
                                fs::path(opts.out_dir), &files);
  if (!st.ok()) return st;
  st = WriteAll(files, &summary);
  if (!st.ok()) return st;
  return summary;
}

namespace {

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

}  // namespace

StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;
  StageTimer timer;

  // Configuration errors are cheap to find: report them before reading data.
  std::vector<std::unique_ptr<Rule>> rules =
      opts.make_rules ? opts.make_rules() : CreateBuiltinRules();
  std::vector<std::string> disabled;
  if (Status st = ConfigureRules(opts, &rules, &disabled); !st.ok()) return st;

  StatusOr<Discovery> discovered = DiscoverInputs(opts.input_dir);
  if (!discovered.ok()) {
    // Rule JSONs only (e.g. an old job's profiler-reports/): say which
    // command reads them.
    std::error_code ec;
    if (fs::is_directory(opts.input_dir, ec) && !MayHoldProfilerData(opts.input_dir) &&
        !FindRuleJsonDirs(opts.input_dir).empty()) {
      return Status::Error(fmt::format(
          "{} holds rule JSONs, not profiler data; use `sm-report render {}`", opts.input_dir,
          opts.input_dir));
    }
    return discovered.status();
  }
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
  timer.Lap("discover");
  const auto ingest_start = std::chrono::steady_clock::now();
  IngestOptions iopts;
  iopts.jobs = opts.jobs;
  IngestResult ingested;
  {
    std::optional<ReadProgressBar> bar;
    if (opts.progress_bar && !opts.quiet && log) bar.emplace(discovery, log);
    ingested = ImportAll(discovery, iopts);
  }
  const MetricStore& store = ingested.store;
  timer.Lap("ingest");
  timer.SplitLast("freeze", store.freeze_seconds());
  {
    const double s = Seconds(ingest_start, std::chrono::steady_clock::now());
    out << fmt::format("read {} system samples and {} framework events in {:.2f} s ({:.0f} MB/s)\n",
                       store.system().size(), store.events().size(), s,
                       s > 0 ? static_cast<double>(ingested.bytes_read) / 1e6 / s : 0.0);
  }
  if (!opts.quiet && log) PrintDiagnostics(ingested.diagnostics, log);

  const JobTimeline timeline = BuildTimeline(store);
  WindowPlanOptions plan_options;
  plan_options.analyze_trailing_data = opts.analyze_trailing_data;
  const WindowPlan windows(store, discovery, plan_options);
  timer.Lap("correlate");
  AnalysisContext ctx;
  ctx.store = &store;
  ctx.timeline = &timeline;
  ctx.windows = &windows;
  for (const std::string& name : disabled) {
    out << fmt::format("rule {} is disabled by configuration\n", name);
  }
  const std::vector<RuleResult> results = EvaluateRules(rules, ctx);
  std::optional<RuleResult> usage_all =
      (opts.html || opts.pdf) ? SystemUsageOverAllData(rules, ctx, discovery) : std::nullopt;
  timer.Lap("rules");
  out << fmt::format("evaluated {} rules over {} windows\n", results.size(), windows.size());

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
  // What was read, kept and skipped, per node and file type, and how each
  // node was sampled (docs/data-quality.md): computed once, written as
  // data-quality.json and shown in the report's Data quality section.
  const DataQuality data_quality = BuildDataQuality(discovery, store, ingested.diagnostics);
  if (opts.json) {
    files.emplace_back((out_dir / "data-quality.json").string(), DataQualityToJson(data_quality));
    timer.Lap("json");
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
    in.windows = &windows;
    if (usage_all && !usage_all->failed) in.system_usage_all_data = &*usage_all;
    in.diagnostics = &ingested.diagnostics;
    in.data_quality = &data_quality;
    in.disabled_rules = disabled;
    ReportModel model = BuildReportModel(in);
    timer.Lap("report model");
    // HTML and PDF separately, so --timings shows each renderer.
    Status st = RenderReportFiles(model, opts.html, false, opts.template_dir, out_dir, &files);
    if (!st.ok()) return st;
    if (opts.html) timer.Lap("html");
    st = RenderReportFiles(model, false, opts.pdf, opts.template_dir, out_dir, &files);
    if (!st.ok()) return st;
    if (opts.pdf) timer.Lap("pdf");
    out << fmt::format("rendered the report{}{}\n", opts.html ? " (HTML)" : "",
                       opts.pdf ? " (PDF)" : "");
  }
  if (Status st = WriteAll(files, &summary); !st.ok()) return st;
  timer.Lap("write");
  for (const fs::path& p : stale) {
    std::error_code ec;
    fs::remove(p, ec);
    if (ec) {
      return Status::Error(fmt::format("cannot remove {} of disabled rule: {}", p.string(),
                                       ec.message()));
    }
    out << fmt::format("removed {} (rule disabled)\n", p.string());
  }
  if (opts.timings && log) timer.Print(log);
  return summary;
}

}  // namespace smr
