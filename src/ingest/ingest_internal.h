// Private helpers shared by the importers and ImportAll (not installed).
// "Padded" entry points take data followed by at least SIMDJSON_PADDING
// readable bytes, so ImportAll can read a file once into a padded buffer and
// hand it to simdjson without another copy.
#ifndef SMR_SRC_INGEST_INGEST_INTERNAL_H_
#define SMR_SRC_INGEST_INGEST_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/store.h"

namespace smr::ingest_internal {

// What a Chrome-trace file did with the base time (docs/formats.md §3.2).
struct TraceFileInfo {
  bool has_own_base = false;    // met start_time_since_epoch_in_micros
  int64_t final_base_us = 0;    // base in effect at the end of the file
  bool used_inherited = false;  // some event was timed before the file's
                                // own base appeared (used the inherited one)
};

// `data` has `size` bytes of content followed by SIMDJSON_PADDING bytes.
void ImportSystemMetricsPadded(const InputFile& file, const char* data,
                               size_t size, StoreBuilder* out,
                               Diagnostics* diag);

// System lines fed in pieces: a big file is read in chunks that end at a
// newline, so it never has to be in memory whole. Feeding a file in any
// number of newline-ended pieces gives the same result as feeding it whole.
class SystemLineReader {
 public:
  SystemLineReader(const InputFile& file, StoreBuilder* out, Diagnostics* diag);
  ~SystemLineReader();
  SystemLineReader(const SystemLineReader&) = delete;
  SystemLineReader& operator=(const SystemLineReader&) = delete;
  // `data` holds whole lines (the last one may lack its newline only at the
  // end of the file), followed by SIMDJSON_PADDING readable bytes.
  void Feed(const char* data, size_t size);
  // Fills the file's FileStats.
  void Finish();

 private:
  struct State;
  const InputFile& file_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  std::unique_ptr<State> state_;
  uint32_t file_index_ = 0;
  bool first_chunk_ = true;
  uint64_t bytes_ = 0;
  int64_t line_no_ = 0;
  int64_t read_ = 0, kept_ = 0, skipped_ = 0;
  int64_t blank_run_ = 0, blank_first_ = 0;
};

// `inherited_base_us` is the base of the previous file of the same kind
// (`have_inherited` false: none, base 0).
TraceFileInfo ImportChromeTracePadded(const InputFile& file, const char* data,
                                      size_t size, int64_t inherited_base_us,
                                      bool have_inherited, StoreBuilder* out,
                                      Diagnostics* diag);

// "<x>-algo-<n>" -> "algo-<n>-<x>" (docs/formats.md §3.2); others unchanged.
std::string RewriteNodeId(std::string_view node);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_INGEST_INTERNAL_H_
