// Private: reading input files for the importers: whole into one padded
// buffer, or (formats fed by lines) in newline-ended chunks with pread, and
// the content hash ImportAll uses to find byte-identical copies.
#ifndef SMR_SRC_INGEST_FILE_READER_H_
#define SMR_SRC_INGEST_FILE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "src/ingest/importer.h"

namespace smr::ingest_internal {

// Files of a Feed::kLines format above this size are read in chunks instead
// of whole, so a big file never sits in memory at once.
inline constexpr size_t kChunkBytes = size_t{8} << 20;

// Reads a whole file into a padded buffer. Returns false with `error` set.
bool ReadPadded(const std::string& path, simdjson::padded_string* out, std::string* error);

// The hash of a file's bytes, fed in one or more pieces: the same value
// FeedInChunks gives a file that fits one chunk.
size_t MixHash(size_t h, std::string_view piece);

struct ChunkedRead {
  uint64_t bytes = 0;  // bytes read
  size_t hash = 0;     // MixHash of the chunks (with `hash_it`)
};

// Feeds the file at `path` to `importer` in newline-ended chunks read with
// pread. Returns false with `error` set if it cannot be read (a read error
// part-way leaves what was fed so far).
bool FeedInChunks(const std::string& path, Importer* importer, bool hash_it, ChunkedRead* out,
                  std::string* error);

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_FILE_READER_H_
