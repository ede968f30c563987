// Ingest: reads discovered files into a MetricStore. Each input format has
// one importer (src/ingest/importer.h, created from the format table of
// include/smr/formats.h) that parses a file's bytes into a StoreBuilder and
// records every skipped record in Diagnostics; none of them ever aborts on
// bad data. ImportAll() reads all discovered files.
#ifndef SMR_INGEST_H_
#define SMR_INGEST_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/formats.h"
#include "smr/status.h"
#include "smr/store.h"

namespace smr {

// State carried between framework files of the same kind: smdebug keeps one
// parser per file type and a file without base-time metadata inherits the
// base time of the previous file of that type (docs/formats.md §3.2; formats
// whose row has FormatInfo::BaseTime::kPreviousFile).
struct TraceParseState {
  std::array<int64_t, kFormatCount> base_time_us{};  // indexed by FileKind
  std::array<bool, kFormatCount> has_base{};
};

// Imports one file of any format with its row's importer (include/smr/
// formats.h); `contents` need not be padded. `state` carries the base time
// across files of the same kind. Bad records are skipped and counted in
// `diag` (with file:line); what is good is always kept.
void ImportFile(const InputFile& file, std::string_view contents, TraceParseState* state,
                StoreBuilder* out, Diagnostics* diag);

// ImportFile for one format each (tests, fuzzers, benchmarks):
// system metrics JSON lines (docs/formats.md §2);
void ImportSystemMetrics(const InputFile& file, std::string_view contents, StoreBuilder* out,
                         Diagnostics* diag);
// smdebug Chrome-trace arrays (pythontimeline, model_timeline, horovod,
// smdataparallel; §3), of which a truncated array keeps its complete events;
void ImportChromeTrace(const InputFile& file, std::string_view contents, TraceParseState* state,
                       StoreBuilder* out, Diagnostics* diag);
// TensorFlow profiler trace.json.gz (§3.5): `compressed` is the gzip file;
// what inflates before a corruption is kept.
void ImportTfTrace(const InputFile& file, std::string_view compressed, StoreBuilder* out,
                   Diagnostics* diag);
// PyTorch-profiler (Kineto) trace, plain or gzip (by its magic bytes;
// docs/formats.md "Kineto"): one KinetoTrace in `out` (none when the bytes
// are not a JSON object or array); a cut-off file keeps its complete events.
void ImportKinetoTrace(const InputFile& file, std::string_view contents, StoreBuilder* out,
                       Diagnostics* diag);

struct IngestOptions {
  int jobs = 0;  // worker threads; 0 = all cores
  // For a shard of the input (smr/shard.h): the files of the WHOLE input
  // that are byte-identical copies of an earlier file of their kind
  // (InputFile::order -> the copied file's rel_path; FindCopies), so that a
  // copy whose original another shard reads is dropped as one process
  // drops it. Null: copies are found among the files read.
  const std::map<uint32_t, std::string>* copies = nullptr;
};

// The byte-identical copies among the files of `discovery`: each file that
// has the kind, size and content of an earlier file (in reader order) maps
// to that file's rel_path. Reads only files whose kind and size match
// another file's.
std::map<uint32_t, std::string> FindCopies(const Discovery& discovery);

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
