// Finding the profiler-output root of an input directory: the directory
// itself or one profiler-output folder below it.
#include "src/discover/profiler_root.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace smr::discover_internal {
namespace {

namespace fs = std::filesystem;

// Collects `profiler-output` directories holding data below `dir`
// (depth 1 = a direct child). Symlinked directories are not searched.
void FindProfilerOutputs(const fs::path& dir, int depth, std::vector<std::string>* found) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return;
  std::vector<fs::path> subdirs;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code sec;
    fs::file_status st = it->symlink_status(sec);
    if (sec || !fs::is_directory(st)) continue;
    subdirs.push_back(it->path());
  }
  std::sort(subdirs.begin(), subdirs.end());
  for (const fs::path& sub : subdirs) {
    if (sub.filename() == "profiler-output" && HasProfilerData(sub)) {
      found->push_back(sub.string());
      continue;  // a job's data never nests another job
    }
    if (depth < kMaxSearchDepth) FindProfilerOutputs(sub, depth + 1, found);
  }
}

}  // namespace

bool HasProfilerData(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "system", ec) || fs::is_directory(dir / "framework", ec);
}

Status NoProfilerDataError(const std::string& dir) {
  return Status::Error(
      fmt::format("no profiler data found in {}: looked for system/ or framework/ in it, for a "
                  "profiler-output/ directory containing them up to {} levels below it, and for "
                  "PyTorch-profiler (Kineto) traces (*.pt.trace.json[.gz] or Kineto JSON) up to "
                  "{} levels below it",
                  dir, kMaxSearchDepth, kMaxSearchDepth));
}

StatusOr<std::string> FindProfilerRoot(const std::string& dir, bool allow_none) {
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    return Status::Error(fmt::format("input directory does not exist: {}", dir));
  }
  if (!fs::is_directory(st)) {
    return Status::Error(fmt::format("input is not a directory: {}", dir));
  }
  if (HasProfilerData(dir)) return dir;
  std::vector<std::string> found;
  FindProfilerOutputs(dir, 1, &found);
  if (found.empty()) {
    if (allow_none) return std::string();
    return NoProfilerDataError(dir);
  }
  if (found.size() > 1) {
    return Status::Error(
        fmt::format("more than one profiler-output directory found in {} (pass one of "
                    "them): {}",
                    dir, fmt::join(found, ", ")));
  }
  return found[0];
}

}  // namespace smr::discover_internal
