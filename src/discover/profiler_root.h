// Private: finding the profiler-output root of an input directory
// (docs/formats.md §1).
#ifndef SMR_SRC_DISCOVER_PROFILER_ROOT_H_
#define SMR_SRC_DISCOVER_PROFILER_ROOT_H_

#include <string>

#include "smr/status.h"

namespace smr::discover_internal {

// How deep below the input a profiler-output directory is searched.
inline constexpr int kMaxSearchDepth = 3;

// `dir` itself if it has system/ or framework/, else the single
// `*/profiler-output` holding them up to kMaxSearchDepth levels below it;
// the errors are those of DiscoverInputs().
StatusOr<std::string> FindProfilerRoot(const std::string& dir);

}  // namespace smr::discover_internal

#endif  // SMR_SRC_DISCOVER_PROFILER_ROOT_H_
