// Private: finding the profiler-output root of an input directory
// (docs/formats.md §1).
#ifndef SMR_SRC_DISCOVER_PROFILER_ROOT_H_
#define SMR_SRC_DISCOVER_PROFILER_ROOT_H_

#include <filesystem>
#include <string>

#include "smr/status.h"

namespace smr::discover_internal {

// How deep below the input a profiler-output directory is searched.
inline constexpr int kMaxSearchDepth = 3;

// `dir` itself if it has system/ or framework/, else the single
// `*/profiler-output` holding them up to kMaxSearchDepth levels below it;
// the errors are those of DiscoverInputs(). With `allow_none`, a `dir`
// without SageMaker data gives "" instead of NoProfilerDataError (the
// input may hold Kineto traces only).
StatusOr<std::string> FindProfilerRoot(const std::string& dir, bool allow_none = false);

// True when `dir` has a system/ or framework/ folder (a SageMaker
// profiler-output root).
bool HasProfilerData(const std::filesystem::path& dir);

// The usage error of an input holding no profiler data of any format.
Status NoProfilerDataError(const std::string& dir);

}  // namespace smr::discover_internal

#endif  // SMR_SRC_DISCOVER_PROFILER_ROOT_H_
