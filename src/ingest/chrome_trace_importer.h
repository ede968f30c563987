// Private: Chrome-trace event extraction and semantics (docs/formats.md §3.2-3.3),
// shared by the pevents importer and the TensorFlow trace importer.
// A TraceProcessor handles one file; it is fed events in file order and
// appends complete events to a StoreBuilder.
#ifndef SMR_SRC_INGEST_CHROME_TRACE_IMPORTER_H_
#define SMR_SRC_INGEST_CHROME_TRACE_IMPORTER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <simdjson.h>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/store.h"
#include "src/ingest/ingest_internal.h"

namespace smr::ingest_internal {

// A time in µs as written: integer (exact) or float (TF traces).
struct TimeValue {
  bool is_int = true;
  int64_t i = 0;
  double d = 0;
  double AsDouble() const;
};

// The fields of one trace event that sm-report uses. The strings are views
// into the parser's buffers: valid until that parser parses again, so an
// event is processed right after it is extracted (nothing is copied or
// allocated per event).
struct RawEvent {
  int64_t line = 0;  // 1-based line in the file, 0 if unknown
  bool has_ph = false;
  std::string_view ph;
  std::string_view name;
  bool has_pid = false;
  int64_t pid = -1;  // top-level pid (phase index)
  bool has_tid = false;
  int64_t tid = -1;
  bool has_ts = false;
  TimeValue ts;
  bool has_dur = false;
  TimeValue dur;
  // args
  bool has_base = false;
  int64_t base_us = 0;  // start_time_since_epoch_in_micros
  bool has_args_name = false;
  std::string_view args_name;
  int64_t step = -1;
  int64_t os_pid = -1;
  bool has_args_thread_id = false;
  int64_t args_thread_id = -1;
  int32_t worker_id = -1;
  int32_t num_workers = -1;
  int8_t pin_memory = -1;
};

void ExtractEvent(simdjson::dom::object obj, int64_t line, RawEvent* ev);

// The top-level elements of a JSON array, found without parsing them.
struct ArrayScan {
  struct Element {
    size_t begin;
    size_t size;
    int64_t line;  // 1-based line of the element's first byte
  };
  std::vector<Element> elements;
  bool terminated = false;    // the closing ']' was found
  bool partial_tail = false;  // the data ends inside an element
  int64_t last_line = 0;
};

// Finds the elements of the array whose '[' is at data[open] by balancing
// brackets (strings and escapes skipped): every complete element of a file
// cut off or corrupted anywhere, whatever its layout.
ArrayScan ScanArray(const char* data, size_t size, size_t open);

// Parses data[0, len) (followed by SIMDJSON_PADDING readable bytes) as one
// event object; false if it is not valid JSON or not an object.
bool ParseEventSlice(simdjson::dom::parser* parser, const char* p, size_t len,
                     int64_t line, RawEvent* ev);

class TraceProcessor {
 public:
  // `initial_base_us`: base before the file's own metadata (inherited or the
  // TF .metadata start). `report_inherited`: record kNoBaseTime when events
  // were timed without the file's own base.
  TraceProcessor(const InputFile& file, std::string node,
                 int64_t initial_base_us, bool base_is_inherited,
                 bool report_inherited, uint32_t file_index, StoreBuilder* out,
                 Diagnostics* diag);

  // Events longer than this are excluded from analysis (kAbsurdDuration):
  // no training step or operator runs for a day; the Horovod test file's
  // 9.4-day events are clock garbage (docs/formats.md §3.4).
  static constexpr int64_t kMaxDurationUs = 24LL * 3600 * 1000000;

  void Process(const RawEvent& ev);
  // Reports unmatched B events and ignored phases, fills FileStats.
  TraceFileInfo Finish();

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
  std::string_view PhaseOf(int64_t pid) const;
  void Skip(Issue issue, const RawEvent& ev, std::string_view what);
  void MarkBaseUse();
  void Emit(const RawEvent& args_from, StrId name, int64_t pid,
            const TimeValue& start, const TimeValue& end);
  int64_t initial_base_us() const { return initial_base_us_; }

  const InputFile& file_;
  std::string node_;
  TraceSource source_;
  uint32_t file_index_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  int64_t base_us_;
  int64_t initial_base_us_ = base_us_;
  bool base_is_inherited_;
  bool report_inherited_;
  TraceFileInfo info_;
  std::unordered_map<int64_t, std::string> phases_;
  std::map<int64_t, std::vector<OpenBegin>> open_;
  EventKeySet emitted_;
  int64_t read_ = 0;
  int64_t kept_ = 0;
  int64_t skipped_ = 0;
  int64_t ignored_ = 0;
};

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_CHROME_TRACE_IMPORTER_H_
