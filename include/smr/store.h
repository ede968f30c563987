// MetricStore: the columnar, interned store every later stage reads.
//
// Importers append through StoreBuilder (not thread-safe: one per worker;
// builders are merged in file order with StoreBuilder::Append). Build()
// freezes the data into a MetricStore; after that only const access exists.
//
// System samples are kept in *reader order* (files in discovery order, lines
// in file order) because the original rules consume them that way; per-series
// time-sorted row lists are built at freeze time for charts and statistics.
#ifndef SMR_STORE_H_
#define SMR_STORE_H_

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "smr/formats.h"  // FileKind, TraceSource
#include "smr/kineto.h"   // KinetoTrace
#include "smr/string_pool.h"

namespace smr {

// What a system series measures (docs/formats.md §2.2).
enum class MetricKind : uint8_t {
  kCpuUtilization,  // type cpu, Dimension CPUUtilization, name cpuN
  kCpuIoWait,       // type cpu, Dimension I/OWaitPercentage
  kGpuUtilization,  // type gpu, Dimension GPUUtilization, name gpuN
  kGpuMemory,       // type gpu, Dimension GPUMemoryUtilization
  kHostMemoryUsed,  // type memory, name MemoryUsedPercent
  kIoIops,          // type i/o, name IOPS
  kIoReadBytes,     // type i/o, ReadThroughputInBytesPerSecond
  kIoWriteBytes,    // type i/o, WriteThroughputInBytesPerSecond
  kNetRxAlgorithm,  // network ReceiveBytesPerSecond, Dimension Algorithm
  kNetTxAlgorithm,  // network TransmitBytesPerSecond, Dimension Algorithm
  kNetRxPlatform,   // ... Dimension Platform
  kNetTxPlatform,
  kOther,  // any other combination: kept, reported as "other"
};
MetricKind ClassifyMetric(std::string_view type, std::string_view name, std::string_view dimension);
const char* MetricKindName(MetricKind kind);

struct SeriesInfo {
  StrId node = 0;
  StrId type = 0;
  StrId name = 0;
  StrId dimension = 0;
  MetricKind kind = MetricKind::kOther;
  int device = -1;  // N of cpuN / gpuN, else -1
};

// Column storage of system samples (reader order), 12 bytes a sample where
// the old three-double layout took 20 (docs/performance.md, "Memory"):
//  - series: one uint32 per row;
//  - timestamp: one uint32 per row into a table of timestamp *runs*: the
//    metrics of one collection share their timestamp and are written
//    together, so a run of equal timestamps costs one 8-byte entry;
//  - value: one uint32 code per row. A value that is a short decimal
//    (|m| < 2^28 with value == m / 10^k, k in 0..6, bit for bit: 28.22,
//    0.0, 123456789) is stored as (m, k) and decoded as m / 10^k, which IEEE
//    division rounds correctly, i.e. to the very double the parser produced
//    (checked at encode time, so every value reads back exactly). Any other
//    value goes to a table of doubles and its code holds the index.
// Every accessor returns exactly the double that was pushed.
class SystemColumns {
 public:
  SystemColumns() = default;
  // For tests: a smaller escape-table capacity, to exercise the switch to
  // plain doubles that happens when the table is full.
  explicit SystemColumns(size_t escape_capacity) : escape_capacity_(escape_capacity) {}

  size_t size() const { return series_.size(); }
  uint32_t series(size_t row) const { return series_[row]; }
  double ts(size_t row) const { return ts_values_[ts_index_[row]]; }
  // Consecutive rows with the same timestamp share a timestamp run:
  // ts(row) == run_ts(ts_run(row)); runs number [0, timestamp_runs()).
  uint32_t ts_run(size_t row) const { return ts_index_[row]; }
  double run_ts(uint32_t run) const { return ts_values_[run]; }
  double value(size_t row) const {
    if (wide_) return wide_values_[row];
    const uint32_t code = value_code_[row];
    const uint32_t k = code & 7u;
    if (k == kEscape) return escapes_[code >> 3];
    return static_cast<double>(static_cast<int32_t>(code) >> 3) / kPow10[k];
  }
  const std::vector<uint32_t>& series_column() const { return series_; }

  void Push(uint32_t series, double ts_s, double value);
  void Reserve(size_t rows);
  // Moves all rows of `other` after these rows; `other` is left empty.
  void AppendFrom(SystemColumns&& other);
  // Rewrites every series id s as map[s].
  void RemapSeries(const std::vector<uint32_t>& map);
  // Heap bytes held (for docs/performance.md and tests).
  size_t bytes() const;
  // How many values did not fit the short-decimal code / distinct
  // timestamp runs (tests, diagnostics).
  size_t escaped_values() const { return wide_ ? wide_values_.size() : escapes_.size(); }
  size_t timestamp_runs() const { return ts_values_.size(); }
  bool wide() const { return wide_; }
  // Smallest and largest timestamp ({0, 0} when empty).
  std::pair<double, double> TimestampRange() const;

 private:
  static constexpr uint32_t kEscape = 7;
  static constexpr double kPow10[7] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  void PushValue(double value);
  void MakeWide();

  std::vector<uint32_t> series_;
  std::vector<uint32_t> ts_index_;
  std::vector<double> ts_values_;
  std::vector<uint32_t> value_code_;
  std::vector<double> escapes_;
  // Plain doubles, used only once the escape table is full (over 2^29
  // values that are not short decimals).
  bool wide_ = false;
  std::vector<double> wide_values_;
  size_t escape_capacity_ = size_t{1} << 29;
};

// Column storage of framework events (complete events; B/E pairs already
// matched). Times are absolute µs since the epoch (base time applied).
struct EventColumns {
  std::vector<int64_t> start_us;
  std::vector<int64_t> end_us;
  std::vector<StrId> name;           // event name
  std::vector<StrId> phase;          // process_name of its pid ("Unknown" if none)
  std::vector<StrId> node;           // node id from the file name, with
                                     // "<x>-algo-<n>" rewritten to "algo-<n>-<x>"
  std::vector<int64_t> step;         // int(args.step_num) or -1
  std::vector<int64_t> os_pid;       // args.pid, else -1
  std::vector<int64_t> tid;          // tid / args.thread_id, else -1
  std::vector<int32_t> worker_id;    // args.worker_id, else -1
  std::vector<int32_t> num_workers;  // args.num_workers, else -1
  std::vector<int8_t> pin_memory;    // args.pin_memory: 1/0, -1 absent
  std::vector<TraceSource> source;
  // (No per-event file index: each file's events are contiguous, in file
  // order, and FileStats counts them; 4 bytes an event saved.)
  size_t size() const { return start_us.size(); }
};

// Per-file read statistics (for the data-quality section).
struct FileStats {
  std::string rel_path;
  FileKind kind = FileKind::kSystem;
  uint64_t bytes = 0;
  int64_t records_read = 0;  // lines (system) or events (traces) seen
  int64_t records_kept = 0;
  int64_t records_skipped = 0;
  bool unreadable = false;
  // InputFile::order of the file (its place in the whole input's reader
  // order, also when this store holds a shard of the input).
  uint32_t order = 0;
  // Its records in this store: system rows [first_row, first_row + rows)
  // and framework events [first_event, first_event + events) (set when
  // its builder is appended; a builder holds one file's records).
  uint64_t first_row = 0;
  uint64_t rows = 0;
  uint64_t first_event = 0;
  uint64_t events = 0;
};

class MetricStore;

class StoreBuilder {
 public:
  StoreBuilder() = default;
  StoreBuilder(const StoreBuilder&) = delete;
  StoreBuilder& operator=(const StoreBuilder&) = delete;
  StoreBuilder(StoreBuilder&&) = default;
  StoreBuilder& operator=(StoreBuilder&&) = default;

  StringPool& strings() { return strings_; }

  // Returns the series id for (node,type,name,dimension), creating it.
  uint32_t SeriesId(std::string_view node, std::string_view type, std::string_view name,
                    std::string_view dimension);
  void AddSample(uint32_t series, double ts_s, double value) { sys_.Push(series, ts_s, value); }
  // Reserves room for `rows` more samples (importers estimate it from the
  // file size, so a file's columns do not grow by doubling).
  void ReserveSamples(size_t rows) { sys_.Reserve(sys_.size() + rows); }
  // The same for framework events.
  void ReserveEvents(size_t events);

  // Registers a file; returns its index into MetricStore::files().
  uint32_t AddFile(FileStats stats);
  FileStats& file(size_t index) { return files_[index]; }
  size_t file_count() const { return files_.size(); }

  struct Event {
    int64_t start_us = 0;
    int64_t end_us = 0;
    std::string_view name;
    std::string_view phase;
    std::string_view node;
    int64_t step = -1;
    int64_t os_pid = -1;
    int64_t tid = -1;
    int32_t worker_id = -1;
    int32_t num_workers = -1;
    int8_t pin_memory = -1;
    TraceSource source = TraceSource::kPythonTimeline;
  };
  void AddEvent(const Event& e);

  // A PyTorch-profiler trace (smr/kineto.h), kept whole per file.
  void AddKinetoTrace(KinetoTrace trace) { kineto_.push_back(std::move(trace)); }

  // Moves everything of `other` after this builder's data, remapping ids.
  // The sample and event columns are not copied here: they are remapped in
  // place and concatenated once, at their exact final size, by Build() (a
  // copy per Append would leave up to 2x capacity slack; docs/performance.md).
  void Append(StoreBuilder&& other);

  // Freezes. The builder is left empty.
  MetricStore Build();

 private:
  friend class MetricStore;
  StringPool strings_;
  std::vector<SeriesInfo> series_;
  std::unordered_map<std::string, uint32_t> series_index_;
  SystemColumns sys_;
  EventColumns ev_;
  std::vector<FileStats> files_;
  std::vector<KinetoTrace> kineto_;
};

class MetricStore {
 public:
  MetricStore() = default;
  MetricStore(MetricStore&&) = default;
  MetricStore& operator=(MetricStore&&) = default;
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  const StringPool& strings() const { return strings_; }
  std::string_view str(StrId id) const { return strings_.Get(id); }

  const std::vector<SeriesInfo>& series() const { return series_; }
  const SystemColumns& system() const { return sys_; }
  const EventColumns& events() const { return ev_; }
  const std::vector<FileStats>& files() const { return files_; }
  // PyTorch-profiler traces, sorted by (rank, rel_path).
  const std::vector<KinetoTrace>& kineto() const { return kineto_; }
  bool has_kineto() const { return !kineto_.empty(); }

  // Row indices of one series sorted by timestamp (stable w.r.t. reader
  // order for equal timestamps).
  std::span<const uint32_t> SeriesRows(uint32_t series) const {
    return {series_rows_.data() + series_row_begin_[series],
            series_rows_.data() + series_row_begin_[series + 1]};
  }
  // Distinct system node ids (from the records' NodeId), sorted naturally
  // (algo-2 before algo-10).
  const std::vector<StrId>& system_nodes() const { return system_nodes_; }
  // Series of one node and kind, ordered by device index then name.
  std::vector<uint32_t> SeriesOf(StrId node, MetricKind kind) const;

  // A system row's / framework event's place in the whole input's reader
  // order: (FileStats::order << 32) | index within its file. Equal for the
  // same record whether the store holds the whole input or a shard of it.
  uint64_t RowOrder(size_t row) const;
  uint64_t EventOrder(size_t event) const;

  bool has_system() const { return sys_.size() > 0; }
  bool has_framework() const { return ev_.size() > 0; }
  double min_system_ts_s() const { return min_ts_s_; }
  double max_system_ts_s() const { return max_ts_s_; }
  // Wall time StoreBuilder::Build() took (for `sm-report build --timings`).
  double freeze_seconds() const { return freeze_s_; }

 private:
  friend class StoreBuilder;
  StringPool strings_;
  std::vector<SeriesInfo> series_;
  SystemColumns sys_;
  EventColumns ev_;
  std::vector<FileStats> files_;
  std::vector<KinetoTrace> kineto_;
  std::vector<uint32_t> series_rows_;
  std::vector<uint32_t> series_row_begin_;
  std::vector<StrId> system_nodes_;
  // Files with system rows / events, by first row / event (RowOrder).
  std::vector<uint32_t> row_files_;
  std::vector<uint32_t> event_files_;
  double min_ts_s_ = 0;
  double max_ts_s_ = 0;
  double freeze_s_ = 0;
};

// Natural order for ids like algo-2 < algo-10, gpu2 < gpu10.
bool NaturalLess(std::string_view a, std::string_view b);

}  // namespace smr

#endif  // SMR_STORE_H_
