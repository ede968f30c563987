// Private: finding PyTorch-profiler (Kineto) traces in an input directory
// (docs/formats.md "Kineto"): by name (*.pt.trace.json, *.pt.trace.json.gz)
// or, for other *.json / *.json.gz files, by their first bytes.
#ifndef SMR_SRC_DISCOVER_KINETO_SEARCH_H_
#define SMR_SRC_DISCOVER_KINETO_SEARCH_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smr/discover.h"

namespace smr::discover_internal {

// How many bytes of a file (inflated for gzip) the content check reads.
inline constexpr size_t kKinetoSniffBytes = 8192;

// True when `head` (the first bytes of a JSON document) looks like a Kineto
// trace: an object with "traceEvents" and a Kineto key ("schemaVersion",
// "deviceProperties", "baseTimeNanoseconds", "distributedInfo") or Kineto
// event categories, or a bare array of events with "ph" and a Kineto
// category (cpu_op, Operator, kernel, Kernel, cuda_runtime, Runtime, ...).
bool LooksLikeKinetoText(std::string_view head);

// The first kKinetoSniffBytes bytes of the file at `path`, inflated when it
// is gzip (by its magic bytes); "" when it cannot be read.
std::string ReadHead(const std::filesystem::path& path);

// True for *.pt.trace.json and *.pt.trace.json.gz.
bool HasKinetoTraceName(std::string_view name);

// The Kineto traces below `input` (the folder itself and up to
// kMaxSearchDepth levels of subfolders), sorted by relative path. Hidden
// folders, sm-report's own output folders (holding findings.json or
// profiler-report.html) and the system/ and framework/ folders of a
// SageMaker profiler-output are not searched; symlinks are not followed
// (a symlink named like a trace is listed in `ignored`).
void FindKinetoTraces(const std::filesystem::path& input, std::vector<InputFile>* files,
                      std::vector<std::pair<std::string, std::string>>* ignored);

}  // namespace smr::discover_internal

#endif  // SMR_SRC_DISCOVER_KINETO_SEARCH_H_
