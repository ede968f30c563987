// Helpers of the pipeline tests: the hand-made SageMaker rule-JSON sets of
// tests/data/rule_sets, copying them, and looking for leftover temporary
// files of WriteFileAtomic.
#ifndef SMR_TESTS_PIPELINE_RULE_SETS_H_
#define SMR_TESTS_PIPELINE_RULE_SETS_H_

#include <filesystem>
#include <string>

namespace smr::pipeline_test {

inline const std::filesystem::path kRuleSets =
    std::filesystem::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";

// One set with its profiler-reports/ folder directly inside.
inline std::filesystem::path SingleGpuSet() { return kRuleSets / "single-gpu"; }

// Copies the rule JSONs of `set`'s profiler-reports/ into the folder `to`.
inline void CopySet(const std::filesystem::path& set, const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator(set / "profiler-reports")) {
    std::filesystem::copy_file(e.path(), to / e.path().filename());
  }
}

// True if a temporary file of WriteFileAtomic (".tmp-") is left below `dir`.
inline bool HasTempFile(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

}  // namespace smr::pipeline_test

#endif  // SMR_TESTS_PIPELINE_RULE_SETS_H_
