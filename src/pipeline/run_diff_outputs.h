// The outputs of `sm-report diff` in memory (run_diff_outputs.cc).
#ifndef SMR_SRC_PIPELINE_RUN_DIFF_OUTPUTS_H_
#define SMR_SRC_PIPELINE_RUN_DIFF_OUTPUTS_H_

#include <string>

#include "smr/compare.h"
#include "smr/diff.h"
#include "src/pipeline/atomic_output.h"

namespace smr {

// diff-report.html / .pdf / .md / .json below opts.out_dir, as opts selects.
StatusOr<OutputFiles> RenderDiffFiles(const DiffOptions& opts, const Comparison& c,
                                      const std::string& generated_by);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_RUN_DIFF_OUTPUTS_H_
