// Private: one Kineto trace event, read with simdjson On-Demand (the raw
// decimal text of `ts`/`dur` is needed, which a DOM does not keep), and the
// exact decimal µs -> ns conversion (docs/formats.md "Kineto").
#ifndef SMR_SRC_INGEST_KINETO_EVENT_H_
#define SMR_SRC_INGEST_KINETO_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "smr/diagnostics.h"

namespace smr::ingest_internal {

// `text`, a JSON number in µs (integer, "N.0", up to 3 decimals; more
// decimals round half away from zero; an exponent is allowed), as int64 ns,
// computed on its digits (never through a double). False when it is not a
// number or does not fit.
bool DecimalMicrosToNs(std::string_view text, int64_t* ns);

// An integer id written as a number, a decimal string ("25738"), a hex
// string ("0x0") or "stream 7" (the digits after the last space). False
// when there are no digits to read.
bool ParseIdText(std::string_view text, int64_t* out);

// A pid or tid: absent, an integer, or a string (numeric or not).
struct KinetoId {
  bool present = false;
  bool numeric = false;  // `value` holds it
  int64_t value = -1;
  std::string_view text;  // the string as written (strings only)
};

// The fields of one event the importer uses. The strings are views into
// the parser's buffers: valid until it parses again.
struct KinetoRawEvent {
  std::string_view ph;
  bool has_cat = false;
  std::string_view cat;
  std::string_view name;
  KinetoId pid, tid;
  bool has_ts = false, has_dur = false;
  int64_t ts_ns = 0, dur_ns = 0;
  // args
  bool has_device = false;
  int64_t device = -1;
  bool has_stream = false;
  int64_t stream = -1;  // as written (4294967295 / -1 not yet mapped)
  int64_t correlation = -1;
  int64_t external_id = -1;
  int64_t bytes = -1;  // args.bytes
  // [memory] instants
  bool has_mem_bytes = false;
  int64_t mem_bytes = 0;  // args.Bytes
  int64_t mem_device = -1, mem_device_type = -1;
  int64_t total_allocated = -1, total_reserved = -1;
};

// Why an element was not read (Issue kind and a short reason).
struct KinetoEventError {
  Issue issue = Issue::kMalformedEvent;
  const char* why = "";
};

// Parses p[0, n) (followed by SIMDJSON_PADDING readable bytes) as one event
// object. False with `error` set when it is not a JSON object or a field
// the importer reads has an unreadable value (a `ts`/`dur` that is not a
// number).
bool ParseKinetoEvent(simdjson::ondemand::parser* parser, const char* p, size_t n,
                      KinetoRawEvent* ev, KinetoEventError* error);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_KINETO_EVENT_H_
