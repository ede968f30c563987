// The inputs of `sm-report diff` (diff_inputs.h, smr/diff.h): one
// findings.json per job, so that the diff shows exactly the numbers each
// job's own report shows.
#include "src/pipeline/diff_inputs.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "smr/file_util.h"
#include "smr/pipeline.h"
#include "src/discover/profiler_root.h"
#include "src/pipeline/rule_json_dir.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

StatusOr<JobFacts> ParseFile(const fs::path& file) {
  StatusOr<std::string> text = ReadWholeFile(file);
  if (!text.ok())
    return Status::Error(fmt::format("{}: {}", file.string(), text.status().message()));
  return ParseFindingsJson(*text, file.string());
}

// The findings.json document of a build (profiler output) or render
// (rule JSONs) run in memory: nothing is rendered or written.
StatusOr<std::string> AnalyseInMemory(DiffInputKind kind, const std::string& dir,
                                      std::ostream& log) {
  log << fmt::format("analysing {} ({})\n", dir,
                     kind == DiffInputKind::kProfilerOutput ? "profiler output" : "rule JSONs");
  StatusOr<BuildSummary> run = Status::Error("");
  if (kind == DiffInputKind::kProfilerOutput) {
    BuildOptions o;
    o.input_dir = dir;
    o.html = o.pdf = o.json = false;
    o.write_files = false;
    o.quiet = true;
    run = RunBuild(o, &log);
  } else {
    RenderOptions o;
    o.input_dir = dir;
    o.html = o.pdf = false;
    o.write_files = false;
    o.quiet = true;
    run = RunRender(o, &log);
  }
  if (!run.ok()) return Status::Error(fmt::format("{}: {}", dir, run.status().message()));
  return std::move(run->findings_json);
}

}  // namespace

StatusOr<DiffInputKind> ClassifyDiffInput(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return Status::Error(fmt::format("{}: no such file or directory", path));
  if (fs::is_regular_file(path, ec)) {
    if (fs::path(path).extension() == ".json") return DiffInputKind::kFindings;
    return Status::Error(fmt::format("{}: not a folder or a findings.json file", path));
  }
  if (fs::is_regular_file(fs::path(path) / "findings.json", ec)) return DiffInputKind::kFindings;
  const StatusOr<std::string> root = discover_internal::FindProfilerRoot(path);
  const std::vector<std::string> rule_dirs = FindRuleJsonDirs(fs::path(path));
  if (root.ok() && !rule_dirs.empty()) {
    return Status::Error(fmt::format(
        "{}: holds both profiler data ({}) and SageMaker rule JSONs ({}); give one of them", path,
        *root, rule_dirs.front()));
  }
  if (root.ok()) return DiffInputKind::kProfilerOutput;
  if (rule_dirs.size() > 1) {
    return Status::Error(fmt::format("{}: holds {} sets of rule JSONs ({}, {}, ...); give one",
                                     path, rule_dirs.size(), rule_dirs[0], rule_dirs[1]));
  }
  if (rule_dirs.size() == 1) return DiffInputKind::kRuleJsons;
  return Status::Error(
      fmt::format("{}: no findings.json, profiler data or SageMaker rule JSONs found ({})", path,
                  root.status().message()));
}

StatusOr<JobFacts> ReadDiffJob(const std::string& input, std::ostream& log) {
  StatusOr<DiffInputKind> kind = ClassifyDiffInput(input);
  if (!kind.ok()) return kind.status();
  std::error_code ec;
  if (*kind == DiffInputKind::kFindings) {
    return ParseFile(fs::is_regular_file(input, ec) ? fs::path(input)
                                                    : fs::path(input) / "findings.json");
  }
  StatusOr<std::string> doc = AnalyseInMemory(*kind, input, log);
  if (!doc.ok()) return doc.status();
  return ParseFindingsJson(*doc, fmt::format("findings of {}", input));
}

std::string FindDescribeBeside(const std::string& input) {
  std::error_code ec;
  fs::path dir = fs::absolute(input, ec).lexically_normal();
  if (fs::is_regular_file(dir, ec)) dir = dir.parent_path();
  if (!dir.has_filename()) dir = dir.parent_path();
  for (const fs::path& d : {dir, dir.parent_path()}) {
    if (d.empty()) continue;
    for (const char* name : {"training-job.json", "describe-training-job.json"}) {
      if (fs::is_regular_file(d / name, ec)) return (d / name).string();
    }
  }
  return "";
}

}  // namespace smr
