// Private: what the Kineto importer makes of each event and top-level value
// (docs/formats.md "Kineto"): the KinetoTrace it fills, the counts, and the
// diagnostics of skipped events with their file and line.
#ifndef SMR_SRC_INGEST_KINETO_RECORDS_H_
#define SMR_SRC_INGEST_KINETO_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "smr/diagnostics.h"
#include "smr/kineto.h"
#include "smr/store.h"
#include "src/ingest/kineto_event.h"
#include "src/ingest/kineto_scanner.h"

namespace smr::ingest_internal {

// The category of a raw `cat` value (current and legacy names); sets
// `*legacy` for the 2020-21 names (Operator, Runtime, Kernel, Memcpy,
// Memset). Unknown names give kOther.
KinetoCategory KinetoCategoryOf(std::string_view cat, bool* legacy, bool* known);

// A stream as written -> the stream (-1 for 4294967295 and -1: none).
int32_t NormaliseStream(int64_t stream);

class KinetoRecords {
 public:
  KinetoRecords(std::string rel_path, Diagnostics* diag);

  // The top-level keys whose values are read.
  bool WantsTopKey(std::string_view key) const;
  void TopValue(simdjson::dom::parser* parser, std::string_view key, const char* p, size_t n);
  // One element of the events array (p[0, n) padded).
  void Element(simdjson::ondemand::parser* parser, const char* p, size_t n, int64_t line);

  // After the scan: the base time, the truncation and shape diagnostics and
  // the file's record counts. False when the file holds no trace at all
  // (not JSON of a known shape): nothing to add.
  bool Conclude(const KinetoScanner& scanner, FileStats* stats);
  KinetoTrace TakeTrace() { return std::move(trace_); }

 private:
  void Skip(Issue issue, int64_t line, const char* why, const char* p, size_t n);
  void AddComplete(const KinetoRawEvent& ev, int64_t line, const char* p, size_t n);
  void AddMemory(const KinetoRawEvent& ev);

  Diagnostics* diag_;
  KinetoTrace trace_;
  bool has_base_ = false;
};

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_KINETO_RECORDS_H_
