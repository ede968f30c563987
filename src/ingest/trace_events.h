// Private: reading Chrome-trace events (docs/formats.md §3.2-3.3), shared by
// the pevents and TensorFlow trace importers: the fields of one event, the
// complete elements of a (possibly cut-off) JSON array, JSON whitespace.
#ifndef SMR_SRC_INGEST_TRACE_EVENTS_H_
#define SMR_SRC_INGEST_TRACE_EVENTS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <simdjson.h>

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

// Reads the fields sm-report uses from one event object.
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
bool ParseEventSlice(simdjson::dom::parser* parser, const char* p, size_t len, int64_t line,
                     RawEvent* ev);

// Where the array of a {"traceEvents": [...]} document starts: the first
// '[' after the key, searching from `from`; npos if there is none.
size_t FindTraceEventsArray(std::string_view text, size_t from = 0);

// JSON whitespace, and `s` without it at either end.
bool IsJsonSpace(char c);
std::string_view TrimJsonSpace(std::string_view s);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_TRACE_EVENTS_H_
