// Template lookup: FindTemplateDir (include/smr/pipeline.h). The only file
// compiled with the source tree's template path (SMR_DEFAULT_TEMPLATE_DIR,
// src/pipeline/CMakeLists.txt).
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "smr/pipeline.h"

namespace smr {
namespace fs = std::filesystem;

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

}  // namespace smr
