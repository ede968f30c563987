// Discovery: finds the profiler files under a directory (docs/formats.md §1)
// and classifies each by the format table (smr/formats.h).
// Output is sorted deterministically (reader order: file-name timestamp, then
// path), which is the order importers append records in.
#ifndef SMR_DISCOVER_H_
#define SMR_DISCOVER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "smr/formats.h"  // FileKind, FileKindName(), IsFrameworkKind()
#include "smr/status.h"

namespace smr {

struct InputFile {
  std::string path;      // absolute or as given + relative part
  std::string rel_path;  // relative to the profiler-output root (for messages
                         // and classification): the real path, or the path
                         // through the symlink when only a link reaches it
  FileKind kind = FileKind::kSystem;
  std::string node;           // node id from the file name (system: "algo-1";
                              // pevents: "<rank>-<host>" as written; TF: basename
                              // up to the first '.')
  int64_t name_ts_us = 0;     // timestamp encoded in the name, in µs (system:
                              // seconds*1e6; pevents: as written, ns names
                              // divided by 1000; TF: metadata end_us or 0)
  int64_t base_time_us = 0;   // TF traces only: .metadata start_us (0 if none)
  bool has_metadata = false;  // TF traces only
  uint64_t size_bytes = 0;
  // Position in the whole input's Discovery::files (reader order). A
  // Discovery of a subset of the files (a shard of nodes, smr/shard.h)
  // keeps each file's position, so partial results can be put back in the
  // order one process would have seen them.
  uint32_t order = 0;
};

struct PythonStatsSummary {
  int64_t count = 0;
  int64_t first_start_us = 0;  // 0 if unknown
  int64_t last_end_us = 0;
};

struct Discovery {
  std::string root;              // the profiler-output directory actually used
                                 // (the input itself when it holds Kineto
                                 // traces only)
  std::vector<InputFile> files;  // sorted: (name_ts_us, path) within kind
                                 // group order system first, then framework,
                                 // then Kineto traces (FileKind::kKineto, by
                                 // path; their rel_path is relative to the
                                 // input directory given to DiscoverInputs)
  PythonStatsSummary python_stats;
  // Entries under system/ or framework/ that are not read as data (names
  // that match no pattern, symlinks not followed, ...), with the reason.
  std::vector<std::pair<std::string, std::string>> ignored;
  // How many entries of `ignored` are symlinks that were not followed: loops
  // (links to an ancestor), second paths to what was read via another path,
  // links leaving the input, broken links.
  int64_t links_skipped = 0;

  size_t CountKind(FileKind kind) const;
  uint64_t TotalBytes() const;
};

// Resolves `dir` to a profiler-output root: `dir` itself if it has system/ or
// framework/, else a single `*/profiler-output` (or `profiler-output`) below
// it, searched up to 3 levels deep; and finds the PyTorch-profiler (Kineto)
// traces in `dir` up to 3 levels deep (outside system/ and framework/).
// Errors (exit code 2 in the CLI):
//  - dir missing/not a directory;
//  - no profiler data of any format found (message says what was looked for);
//  - more than one job's profiler-output (message lists them).
StatusOr<Discovery> DiscoverInputs(const std::string& dir);

}  // namespace smr

#endif  // SMR_DISCOVER_H_
