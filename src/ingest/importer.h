// Private: the Importer interface every input format implements, and the
// registry that maps a FileKind to its importer factory (the Factory column
// of SMR_FORMAT_LIST in include/smr/formats.h).
//
// ImportAll creates one Importer per file with the file's factory, feeds it
// the file's bytes and finishes it; the importer appends to the StoreBuilder
// and Diagnostics of its ImportContext, registers the file's FileStats and
// never aborts on bad data.
#ifndef SMR_SRC_INGEST_IMPORTER_H_
#define SMR_SRC_INGEST_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/formats.h"
#include "smr/store.h"

namespace smr::ingest_internal {

// What a file did with its base time (formats whose row has
// BaseTime::kPreviousFile; docs/formats.md §3.2). Other formats leave it
// at its defaults.
struct BaseTimeUse {
  bool has_own_base = false;    // met start_time_since_epoch_in_micros
  int64_t final_base_us = 0;    // base in effect at the end of the file
  bool used_inherited = false;  // some event was timed before the file's
                                // own base appeared (used the inherited one)
};

struct ImportContext {
  const InputFile& file;
  StoreBuilder* out;
  Diagnostics* diag;
  // The base of the previous file of the same kind (BaseTime::kPreviousFile
  // formats; `have_inherited` false: none, base 0).
  bool have_inherited = false;
  int64_t inherited_base_us = 0;
};

class Importer {
 public:
  virtual ~Importer() = default;
  // `data` holds `size` bytes followed by SIMDJSON_PADDING readable bytes.
  // A format whose row has Feed::kWhole is fed its whole file once; one with
  // Feed::kLines is fed one or more pieces that end at a newline (the last
  // may lack it at the end of the file), with the same result.
  virtual void Feed(const char* data, size_t size) = 0;
  // Completes the file's records, FileStats and diagnostics.
  virtual BaseTimeUse Finish() = 0;
};

using ImporterFactory = std::unique_ptr<Importer> (*)(const ImportContext& context);

// The factories the table names, declared from the table itself.
#define SMR_DECLARE_IMPORTER_FACTORY(Kind, name, top, folder, suffix, example, parser, base, feed, \
                                     sample_bytes, event_bytes, Factory)                           \
  std::unique_ptr<Importer> Factory(const ImportContext& context);
SMR_FORMAT_LIST(SMR_DECLARE_IMPORTER_FACTORY)
#undef SMR_DECLARE_IMPORTER_FACTORY

// The factory of `kind`'s row.
ImporterFactory ImporterFactoryOf(FileKind kind);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_IMPORTER_H_
