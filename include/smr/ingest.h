// Importers: one per input format. Each parses one file's bytes into a
// StoreBuilder and records every skipped record in Diagnostics; none of them
// ever aborts on bad data. ImportAll() reads all discovered files.
#ifndef SMR_INGEST_H_
#define SMR_INGEST_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/status.h"
#include "smr/store.h"

namespace smr {

// State carried between framework files of the same kind: smdebug keeps one
// parser per file type and a file without base-time metadata inherits the
// base time of the previous file of that type (docs/formats.md §3.2).
struct TraceParseState {
  int64_t base_time_us[6] = {0, 0, 0, 0, 0, 0};  // indexed by FileKind
  bool has_base[6] = {false, false, false, false, false, false};
};

// System metrics JSON lines (docs/formats.md §2). `contents` need not be padded.
// Every good line is kept; every bad one is counted (with file:line).
void ImportSystemMetrics(const InputFile& file, std::string_view contents,
                         StoreBuilder* out, Diagnostics* diag);

// smdebug Chrome-trace arrays (pythontimeline, model_timeline, horovod,
// smdataparallel; docs/formats.md §3). Salvages complete events of a truncated
// array. `state` carries the base time across files of the same kind.
void ImportChromeTrace(const InputFile& file, std::string_view contents,
                       TraceParseState* state, StoreBuilder* out,
                       Diagnostics* diag);

// TensorFlow profiler trace.json.gz (docs/formats.md §3.5): `compressed` is the
// gzip file; what inflates before a corruption is kept.
void ImportTfTrace(const InputFile& file, std::string_view compressed,
                   StoreBuilder* out, Diagnostics* diag);

struct IngestOptions {
  int jobs = 0;  // worker threads; 0 = all cores
};

struct IngestResult {
  MetricStore store;
  Diagnostics diagnostics;
  uint64_t bytes_read = 0;
};

// Reads every file of `discovery` (unreadable files are counted, not fatal)
// and freezes the store.
IngestResult ImportAll(const Discovery& discovery, const IngestOptions& opts);

// Inflates gzip data; on corruption returns what inflated so far and sets
// *ok = false.
std::string Gunzip(std::string_view compressed, bool* ok);

}  // namespace smr

#endif  // SMR_INGEST_H_
