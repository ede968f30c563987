// Rule-JSON folder discovery for `sm-report render`: which folders below a
// directory hold SageMaker rule JSONs (profiler-reports/<Rule>.json).
// FindRuleJsonDir (include/smr/pipeline.h) picks the one to render; `build`
// uses FindRuleJsonDirs to suggest `render` for a folder of rule JSONs.
#ifndef SMR_SRC_PIPELINE_RULE_JSON_DIR_H_
#define SMR_SRC_PIPELINE_RULE_JSON_DIR_H_

#include <filesystem>
#include <string>
#include <vector>

namespace smr {

// The folders FindRuleJsonDir considers under the directory `root`: root
// itself if it holds rule JSONs, and every `profiler-reports/` with rule
// JSONs up to kMaxRenderSearchDepth levels down (hidden folders skipped).
std::vector<std::string> FindRuleJsonDirs(const std::filesystem::path& root);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_RULE_JSON_DIR_H_
