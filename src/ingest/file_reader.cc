// Reading input files: whole into a padded buffer, or in newline-ended
// chunks with pread (see file_reader.h).
#include "src/ingest/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smr::ingest_internal {

bool ReadPadded(const std::string& path, simdjson::padded_string* out, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  // One allocation of the final size; no intermediate copy.
  size_t size = 0;
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && st.st_size > 0) {
    size = static_cast<size_t>(st.st_size);
  }
  simdjson::padded_string data(size);
  size_t got = size > 0 ? std::fread(data.data(), 1, size, f) : 0;
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    *error = "read error";
    return false;
  }
  if (got != size) data = simdjson::padded_string(data.data(), got);
  *out = std::move(data);
  return true;
}

// 64-bit FNV-style mix of a piece's hash into a running file hash.
size_t MixHash(size_t h, std::string_view piece) {
  return (h ^ std::hash<std::string_view>()(piece)) * 0x100000001B3ull + 0x9E3779B97F4A7C15ull;
}

bool FeedInChunks(const std::string& path, Importer* importer, bool hash_it, ChunkedRead* out,
                  std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  std::vector<char> buf(kChunkBytes + simdjson::SIMDJSON_PADDING);
  size_t have = 0;  // bytes in buf (a partial line carried over first)
  uint64_t offset = 0;
  bool ok = true;
  while (true) {
    if (buf.size() - simdjson::SIMDJSON_PADDING - have < kChunkBytes / 2) {
      // A line longer than the free space: grow (a junk line is counted and
      // skipped, but its end must be found).
      buf.resize(buf.size() * 2);
    }
    const size_t room = buf.size() - simdjson::SIMDJSON_PADDING - have;
    ssize_t got = ::pread(fd, buf.data() + have, room, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ok = false;
      break;
    }
    offset += static_cast<uint64_t>(got);
    have += static_cast<size_t>(got);
    const bool eof = got == 0;
    size_t feed = have;
    if (!eof) {
      const void* nl = ::memrchr(buf.data(), '\n', have);
      if (nl == nullptr) continue;  // no complete line yet
      feed = static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    }
    if (feed > 0) {
      // The carried-over tail is clobbered by the padding; save it first.
      std::string tail(buf.data() + feed, have - feed);
      std::memset(buf.data() + feed, 0, std::min(simdjson::SIMDJSON_PADDING, buf.size() - feed));
      if (hash_it) out->hash = MixHash(out->hash, std::string_view(buf.data(), feed));
      importer->Feed(buf.data(), feed);
      std::memcpy(buf.data(), tail.data(), tail.size());
      have = tail.size();
    }
    if (eof) break;
  }
  ::close(fd);
  out->bytes = offset;
  return ok;
}

}  // namespace smr::ingest_internal
