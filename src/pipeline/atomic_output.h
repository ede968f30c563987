// Atomic output: every file of a run is rendered in memory first (an
// OutputFiles list) and then written with WriteFileAtomic (include/smr/
// pipeline.h), so that a failure while rendering writes nothing and a crash
// while writing never leaves a half-written file under its final name.
#ifndef SMR_SRC_PIPELINE_ATOMIC_OUTPUT_H_
#define SMR_SRC_PIPELINE_ATOMIC_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "smr/status.h"

namespace smr {

// (path, bytes) pairs in the order they are to be written.
using OutputFiles = std::vector<std::pair<std::string, std::string>>;

// Writes `files` in order with WriteFileAtomic, appending each path to
// `*written` once it is in place; stops at the first error (the files
// already written stay, each complete).
Status WriteAll(const OutputFiles& files, std::vector<std::string>* written);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_ATOMIC_OUTPUT_H_
