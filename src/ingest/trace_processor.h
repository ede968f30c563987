// Private: Chrome-trace event semantics (docs/formats.md §3.2-3.4), shared by
// the pevents importer and the TensorFlow trace importer. A TraceProcessor
// handles one file; it is fed events in file order and appends complete
// events to a StoreBuilder.
#ifndef SMR_SRC_INGEST_TRACE_PROCESSOR_H_
#define SMR_SRC_INGEST_TRACE_PROCESSOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/store.h"
#include "src/ingest/importer.h"
#include "src/ingest/trace_events.h"

namespace smr::ingest_internal {

// "<x>-algo-<n>" -> "algo-<n>-<x>" (docs/formats.md §3.2); others unchanged.
std::string RewriteNodeId(std::string_view node);

class TraceProcessor {
 public:
  // `initial_base_us`: base before the file's own metadata (inherited or the
  // TF .metadata start). `report_inherited`: record kNoBaseTime when events
  // were timed without the file's own base.
  TraceProcessor(const InputFile& file, std::string node, int64_t initial_base_us,
                 bool base_is_inherited, bool report_inherited, uint32_t file_index,
                 StoreBuilder* out, Diagnostics* diag);

  // Events longer than this are excluded from analysis (kAbsurdDuration):
  // no training step or operator runs for a day; the Horovod test file's
  // 9.4-day events are clock garbage (docs/formats.md §3.4).
  static constexpr int64_t kMaxDurationUs = 24LL * 3600 * 1000000;

  void Process(const RawEvent& ev);
  // Reports unmatched B events and ignored phases, fills FileStats.
  BaseTimeUse Finish();

 private:
  // Everything an emitted event stores: two events with equal keys are
  // exact duplicates (docs/data-quality.md "Chrome traces").
  struct EventKey {
    int64_t start_us, end_us, pid, tid, step, os_pid;
    int32_t worker_id, num_workers;
    StrId name;  // interned in the builder's pool
    int8_t pin_memory;
    bool operator==(const EventKey&) const = default;
  };
  // Open-addressing set of the keys emitted so far: one flat table and one
  // vector instead of a heap node per event.
  class EventKeySet {
   public:
    // Returns false if an equal key was inserted before.
    bool Insert(const EventKey& k);

   private:
    static uint64_t Hash(const EventKey& k);
    void Grow();
    std::vector<EventKey> keys_;
    std::vector<uint64_t> slots_;  // hash << 32 | (index into keys_ + 1)
  };
  struct OpenBegin {
    StrId name;
    TimeValue start;
    int64_t line;
    int64_t pid;
  };
  // One handler per event phase (ph): metadata, complete, begin, end.
  void ProcessMetadata(const RawEvent& ev);
  void ProcessComplete(const RawEvent& ev);
  void ProcessBegin(const RawEvent& ev);
  void ProcessEnd(const RawEvent& ev);
  TimeValue Base() const;  // the base time in effect
  std::string_view PhaseOf(int64_t pid) const;
  void Skip(Issue issue, const RawEvent& ev, std::string_view what);
  void MarkBaseUse();
  void Emit(const RawEvent& args_from, StrId name, int64_t pid, const TimeValue& start,
            const TimeValue& end);
  int64_t initial_base_us() const { return initial_base_us_; }

  const InputFile& file_;
  std::string node_;
  uint32_t file_index_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  int64_t base_us_;
  int64_t initial_base_us_ = base_us_;
  bool base_is_inherited_;
  bool report_inherited_;
  BaseTimeUse info_;
  std::unordered_map<int64_t, std::string> phases_;
  std::map<int64_t, std::vector<OpenBegin>> open_;
  EventKeySet emitted_;
  int64_t read_ = 0;
  int64_t kept_ = 0;
  int64_t skipped_ = 0;
  int64_t ignored_ = 0;
};

// Parses data[0, size) (followed by SIMDJSON_PADDING readable bytes) as
// {"traceEvents": [...]} and feeds every object element to `proc`, counting
// the other elements in `*non_objects`. Returns false, having fed nothing,
// if the data is not such a document.
bool FeedTraceEventsObject(simdjson::dom::parser* parser, const char* data, size_t size,
                           TraceProcessor* proc, int64_t* non_objects);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_TRACE_PROCESSOR_H_
