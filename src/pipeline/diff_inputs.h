// The inputs of `sm-report diff` (diff_inputs.cc): each job's findings as a
// findings.json document (read from an output folder, or computed in memory
// by the build / render pipelines), and the describe-training-job JSON
// found beside an input.
#ifndef SMR_SRC_PIPELINE_DIFF_INPUTS_H_
#define SMR_SRC_PIPELINE_DIFF_INPUTS_H_

#include <ostream>
#include <string>

#include "smr/compare.h"
#include "smr/diff.h"
#include "smr/status.h"

namespace smr {

// The findings of `input` (a folder, or a findings.json file), parsed.
StatusOr<JobFacts> ReadDiffJob(const std::string& input, std::ostream& log);

// training-job.json or describe-training-job.json in `input`'s folder or
// the folder above it (first found, in that order); "" when there is none.
std::string FindDescribeBeside(const std::string& input);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_DIFF_INPUTS_H_
