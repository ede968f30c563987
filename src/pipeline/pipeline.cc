#include "smr/pipeline.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/render.h"
#include "smr/report_builder.h"
#include "smr/rule.h"

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
  const std::string tmp = fmt::format("{}.tmp-{}", path, static_cast<long>(getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Error(fmt::format("cannot write {}", tmp));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return Status::Error(fmt::format("cannot write {} (disk full?)", path));
    }
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
    if (fs::exists(installed / "report.tpl", ec)) return installed.string();
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

}  // namespace

StatusOr<BuildSummary> RunBuild(const BuildOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;

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
  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  const std::vector<RuleResult> results = EvaluateRules(rules, ctx);

  BuildSummary summary;
  summary.warnings = ingested.diagnostics.total_data_loss();
  for (const RuleResult& r : results) {
    if (r.triggered > 0) ++summary.rules_triggered;
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
    const ReportModel model = BuildReportModel(in);
    if (opts.html) {
      StatusOr<std::string> html = RenderHtml(model, FindTemplateDir(opts.template_dir));
      if (!html.ok()) return Status::Error("rendering HTML: " + html.status().message());
      files.emplace_back((out_dir / "profiler-report.html").string(), std::move(*html));
    }
    if (opts.pdf) {
      StatusOr<std::string> pdf = RenderPdf(model);
      if (!pdf.ok()) return Status::Error("rendering PDF: " + pdf.status().message());
      files.emplace_back((out_dir / "profiler-report.pdf").string(), std::move(*pdf));
    }
  }
  for (const auto& [path, data] : files) {
    Status st = WriteFileAtomic(path, data);
    if (!st.ok()) return st;
    summary.written.push_back(path);
  }
  return summary;
}

}  // namespace smr
