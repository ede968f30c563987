// Data quality: what was read, kept, skipped (and why), and how well each
// node was sampled (docs/data-quality.md). A plain summary of the discovery,
// the frozen store and the importers' diagnostics; the report's
// data-quality section and data-quality.json are both drawn from it, so the
// two never disagree. Every string in it is valid UTF-8.
#ifndef SMR_DATA_QUALITY_H_
#define SMR_DATA_QUALITY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/state_io.h"
#include "smr/status.h"
#include "smr/store.h"

namespace smr {

// One (node, file type) group of input files.
struct DqFileGroup {
  std::string node;   // from the file name ("algo-1", "905-b88ab1bb8259")
  std::string kind;   // FileKindName(): "system", "pythontimeline", ...
  int64_t files = 0;  // files discovered
  int64_t files_unreadable = 0;
  int64_t files_empty = 0;
  int64_t files_duplicate = 0;  // byte-identical copies, not read twice
  uint64_t bytes = 0;
  int64_t records_read = 0;  // lines (system) or events (traces)
  int64_t records_kept = 0;
  int64_t records_skipped = 0;
  // Issue key -> count, for this group's files (issue order).
  std::vector<std::pair<std::string, int64_t>> by_reason;
};

// A file that was not read as data (bad name, symlink not followed,
// directory named like a data file, unreadable, empty, duplicate, ...).
struct DqFileNotRead {
  std::string path;  // relative to the profiler-output root
  std::string reason;
};

struct DqReason {
  std::string key;          // IssueInfo::key
  std::string description;  // IssueInfo::description
  bool data_loss = false;
  int64_t count = 0;
  std::vector<DiagnosticExample> examples;  // the first few, file:line
};

struct DqGap {
  double start_s = 0;  // last sample before the gap
  double end_s = 0;    // first sample after it
  double length_s() const { return end_s - start_s; }
};

// Time coverage of one node id (system NodeId or trace-file node).
struct DqNode {
  std::string node;
  bool system_files = false;  // system files were discovered for it
  int64_t system_samples = 0;
  double first_s = 0, last_s = 0;    // system samples (when any)
  double median_interval_s = 0;      // median gap of each series; 0 if unknown
  std::vector<DqGap> gaps;           // no sample for > kGapIntervals intervals
  int64_t out_of_order_samples = 0;  // earlier than the series' previous one
  double max_backward_jump_s = 0;    // largest such step back in time
  int64_t framework_events = 0;
  int64_t framework_first_us = 0, framework_last_us = 0;
};

// One PyTorch-profiler (Kineto) trace: what its importer read, kept,
// counted and skipped (smr/kineto.h KinetoCounts).
struct DqKinetoTrace {
  std::string path;   // relative to the input directory
  int64_t rank = -1;  // distributedInfo.rank, -1 absent
  int64_t world_size = -1;
  bool legacy = false;               // 2020-21 category names
  bool bare_array = false;           // top level was an array
  bool relative_timestamps = false;  // ts relative to baseTimeNanoseconds
  KinetoCounts counts;
  int64_t memory_samples = 0;
  // Earliest start and latest end of its complete events (epoch ns; 0 when
  // it has none).
  int64_t first_ns = 0, last_ns = 0;
};

struct DataQuality {
  // A gap is a stretch without any sample of a node longer than this many
  // median sampling intervals.
  static constexpr double kGapIntervals = 4.0;
  // Node time ranges that differ by more than this are pointed out.
  static constexpr double kRangeMismatchS = 60.0;
  // At most this many not-read files are listed (all are counted).
  static constexpr size_t kMaxNotReadListed = 200;

  bool clean = false;   // nothing skipped, ignored, dropped, or missing
  std::string summary;  // one line for people

  int64_t files_found = 0;     // data files discovered
  int64_t files_read = 0;      // ... and read (not unreadable/empty/duplicate)
  int64_t files_not_read = 0;  // everything in not_read (listed or not)
  int64_t links_skipped = 0;   // ... of which symlinks not followed (loops,
                               // second paths, leaving the input, broken)
  uint64_t bytes = 0;
  int64_t records_read = 0, records_kept = 0, records_skipped = 0;
  int64_t python_stats_files = 0;  // listed, not parsed

  std::vector<DqFileGroup> groups;      // by kind (system first), then node
  std::vector<DqFileNotRead> not_read;  // first kMaxNotReadListed, sorted
  std::vector<DqReason> reasons;        // issues with count > 0, issue order
  std::vector<DqNode> nodes;            // natural node order
  std::vector<std::string> notes;       // plain findings ("only system data")
  std::vector<DqKinetoTrace> kineto;    // PyTorch-profiler traces, by rank then path
};

DataQuality BuildDataQuality(const Discovery& discovery, const MetricStore& store,
                             const Diagnostics& diagnostics);

// What the summary needs from one shard of the input (smr/shard.h), merged
// exactly over shards (docs/scaling.md): BuildDataQuality is
// FinishDataQuality(discovery, CollectDataQuality(store, diagnostics)).
struct DataQualityPartial {
  std::vector<FileStats> files;
  Diagnostics diagnostics;
  std::map<std::string, DqNode> nodes;  // time analysis of each node
  std::vector<DqKinetoTrace> kineto;
  bool has_system = false, has_framework = false, has_kineto = false;
  // Adds another shard's partial; `discovery` (the whole input) orders the
  // diagnostics' examples. Error when both hold one node.
  Status Merge(DataQualityPartial&& other, const Discovery& discovery);
  void Save(StateWriter* out) const;
  Status Load(StateReader* in);
};
DataQualityPartial CollectDataQuality(const MetricStore& store, const Diagnostics& diagnostics);
DataQuality FinishDataQuality(const Discovery& discovery, DataQualityPartial&& partial);

// data-quality.json: the same counts, machine-readable (pretty-printed,
// deterministic key order, times as UTC strings and epoch seconds).
std::string DataQualityToJson(const DataQuality& dq);

// "2020-06-10T00:15:09Z" for epoch seconds (sub-second part dropped).
std::string FormatUtcIso(double epoch_s);

}  // namespace smr

#endif  // SMR_DATA_QUALITY_H_
