// Rule-JSON folder discovery for `sm-report render` (rule_json_dir.h).
#include "src/pipeline/rule_json_dir.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "smr/discover.h"
#include "smr/pipeline.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

// True if `dir` directly holds at least one `<ProfilerReport rule>.json`.
bool HasRuleJson(const fs::path& dir) {
  std::error_code ec;
  for (const std::string& name : ProfilerReportRuleNames()) {
    if (fs::is_regular_file(dir / (name + ".json"), ec)) return true;
  }
  return false;
}

}  // namespace

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

StatusOr<std::string> FindRuleJsonDir(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) {
    return Status::Error(
        fmt::format("input directory {} does not exist or is not a directory", dir));
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
    return Status::Error(
        fmt::format("{} sets of rule JSONs found under {}: {}; pass the one to render",
                    found.size(), dir, list));
  }
  return found.front();
}

}  // namespace smr
