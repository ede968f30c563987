// ImportAll: reads and parses every discovered file on a small thread pool.
//
// Each file is parsed into its own StoreBuilder + Diagnostics; the results
// are appended in discovery order, so the store is identical for any number
// of workers; each result is merged as soon as all earlier files are, so
// memory holds the merged store plus a few files in flight. System files
// over 8 MiB are read in newline-ended chunks with pread instead of whole.
// Framework base-time inheritance (docs/formats.md §3.2) depends on the previous
// file of the same kind; it is resolved at merge time: only a file that timed events before meeting its own base time needs the
// inherited value, and such a file is parsed again once that value is known
// (a file's final base never depends on what it inherited unless it has no
// base of its own, in which case it is simply passed on).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "smr/ingest.h"
#include "src/ingest/ingest_internal.h"

namespace smr {
namespace {

struct FileResult {
  StoreBuilder builder;
  Diagnostics diag;
  uint64_t bytes = 0;
  bool hashed = false;      // content_hash computed (only when another
                            // file of its kind has the same size)
  size_t content_hash = 0;  // of the file's bytes
  ingest_internal::TraceFileInfo trace;
  // Kept only for a Chrome-trace file that may need a second pass.
  std::optional<simdjson::padded_string> contents;
};

// Reads a whole file into a padded buffer. Returns false with `error` set.
bool ReadPadded(const std::string& path, simdjson::padded_string* out,
                std::string* error) {
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

// System files above this size are read in chunks instead of whole, so a
// big file never sits in memory at once (docs/formats.md §2: one record a line).
constexpr size_t kChunkBytes = size_t{8} << 20;

// 64-bit FNV-style mix of a chunk hash into a running file hash.
size_t MixHash(size_t h, size_t chunk_hash) {
  return (h ^ chunk_hash) * 0x100000001B3ull + 0x9E3779B97F4A7C15ull;
}

// Reads and parses a system file of `size` bytes in newline-ended chunks
// with pread. Returns false with `error` set if it cannot be read (nothing
// was parsed then only if the first read failed; a later read error keeps
// what was parsed and reports the file as unreadable).
bool ReadSystemChunked(const InputFile& file, bool hash_it, FileResult* r,
                       std::string* error) {
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  ingest_internal::SystemLineReader reader(file, &r->builder, &r->diag);
  std::vector<char> buf(kChunkBytes + simdjson::SIMDJSON_PADDING);
  size_t have = 0;  // bytes in buf (a partial line carried over first)
  uint64_t offset = 0;
  size_t hash = 0;
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
      std::memset(buf.data() + feed, 0, std::min(simdjson::SIMDJSON_PADDING,
                                                 buf.size() - feed));
      if (hash_it) {
        hash = MixHash(hash, std::hash<std::string_view>()(
                                 std::string_view(buf.data(), feed)));
      }
      reader.Feed(buf.data(), feed);
      std::memcpy(buf.data(), tail.data(), tail.size());
      have = tail.size();
    }
    if (eof) break;
  }
  ::close(fd);
  reader.Finish();
  r->bytes = offset;
  r->hashed = hash_it;
  r->content_hash = hash;
  return ok;
}

bool IsChromeKind(FileKind k) {
  return IsFrameworkKind(k) && k != FileKind::kTfTrace;
}

void ParseOne(const InputFile& file, const char* data, size_t size,
              int64_t inherited_base, bool have_inherited, FileResult* r) {
  if (file.kind == FileKind::kSystem) {
    ingest_internal::ImportSystemMetricsPadded(file, data, size, &r->builder,
                                               &r->diag);
  } else if (file.kind == FileKind::kTfTrace) {
    ImportTfTrace(file, std::string_view(data, size), &r->builder, &r->diag);
  } else {
    r->trace = ingest_internal::ImportChromeTracePadded(
        file, data, size, inherited_base, have_inherited, &r->builder,
        &r->diag);
  }
}

}  // namespace

IngestResult ImportAll(const Discovery& discovery, const IngestOptions& opts) {
  const std::vector<InputFile>& files = discovery.files;
  int jobs = opts.jobs > 0 ? opts.jobs
                           : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(jobs, 1);
  std::vector<FileResult> results(files.size());

  // Results are merged in discovery order as soon as they are complete
  // (under `mu`, by whichever worker completes the next one), so per-file
  // builders never pile up: at most `kWindow` files are parsed ahead of the
  // merge. Everything order-dependent happens at merge time, when all
  // earlier files are merged: byte-identical copies are dropped, and a
  // Chrome-trace file that timed events before meeting its own base time is
  // parsed again with the base of the previous file of its kind.
  const size_t window = static_cast<size_t>(jobs) * 4;
  std::mutex mu;
  std::condition_variable merged_cv;
  std::vector<char> done(files.size(), 0);
  size_t next_merge = 0;
  IngestResult out;
  StoreBuilder merged;
  {
    // System rows are appended straight into the merged columns: reserve
    // them for the whole input (lines are 110-140 bytes; capacity beyond
    // what is filled is address space, not memory, until touched).
    // Events likewise (Chrome-trace events are 150-250 bytes; gzip-ed TF
    // traces are left out, their columns grow geometrically).
    uint64_t sys_bytes = 0, trace_bytes = 0;
    for (const InputFile& f : files) {
      if (f.kind == FileKind::kSystem) sys_bytes += f.size_bytes;
      if (IsChromeKind(f.kind)) trace_bytes += f.size_bytes;
    }
    constexpr uint64_t kMaxRows = std::numeric_limits<uint32_t>::max();
    try {
      merged.ReserveSamples(static_cast<size_t>(std::min(sys_bytes / 100, kMaxRows)));
      merged.ReserveEvents(static_cast<size_t>(std::min(trace_bytes / 150, kMaxRows)));
    } catch (const std::bad_alloc&) {
      // The system refused that much address space at once (strict
      // overcommit, a ulimit -v): the columns then grow as they fill.
      merged = StoreBuilder();
    }
  }
  std::unordered_map<std::string, size_t> first_copy;
  TraceParseState state;

  // Only a file whose kind and size match another file's can be a copy, so
  // only those are hashed (hashing every byte cost ~5 % of a run).
  std::vector<char> hash_it(files.size(), 0);
  {
    std::map<std::pair<int, uint64_t>, std::vector<size_t>> by_size;
    for (size_t i = 0; i < files.size(); ++i) {
      by_size[{static_cast<int>(files[i].kind), files[i].size_bytes}].push_back(i);
    }
    for (const auto& [key, group] : by_size) {
      if (group.size() < 2) continue;
      for (size_t i : group) hash_it[i] = 1;
    }
  }

  auto merge_one = [&](size_t i) {
    const InputFile& file = files[i];
    FileResult& r = results[i];
    if (r.bytes > 0 && r.hashed) {
      // A byte-identical copy of an earlier file of the same kind (a sync
      // that uploaded a file twice, a folder copied into itself through a
      // symlink) would count every record twice: it is dropped and counted.
      std::string key = fmt::format("{}:{}:{}", static_cast<int>(file.kind),
                                    r.bytes, r.content_hash);
      auto [it, inserted] = first_copy.emplace(std::move(key), i);
      if (!inserted) {
        FileStats stats;
        stats.rel_path = file.rel_path;
        stats.kind = file.kind;
        stats.bytes = r.bytes;
        r.builder = StoreBuilder();
        r.builder.AddFile(std::move(stats));
        r.diag = Diagnostics();
        r.diag.Record(Issue::kDuplicateFile, file.rel_path, 0,
                      fmt::format("same bytes as {}", files[it->second].rel_path));
        r.trace = ingest_internal::TraceFileInfo();
        r.contents.reset();
      }
    }
    if (IsChromeKind(file.kind)) {
      // Base-time inheritance (docs/formats.md §3.2), in discovery order per kind.
      const int k = static_cast<int>(file.kind);
      if (r.trace.used_inherited && state.has_base[k] && r.contents) {
        simdjson::padded_string contents = std::move(*r.contents);
        r.contents.reset();
        r.builder = StoreBuilder();
        r.diag = Diagnostics();
        ParseOne(file, contents.data(), contents.size(), state.base_time_us[k],
                 true, &r);
      }
      if (r.trace.has_own_base) {
        state.base_time_us[k] = r.trace.final_base_us;
        state.has_base[k] = true;
      }
    }
    merged.Append(std::move(r.builder));
    out.diagnostics.Merge(r.diag);
    out.bytes_read += r.bytes;
    r = FileResult();
  };

  auto parse_one = [&](size_t i) {
    const InputFile& file = files[i];
    FileResult& r = results[i];
    std::string error;
    auto unreadable = [&] {
      r = FileResult();
      FileStats stats;
      stats.rel_path = file.rel_path;
      stats.kind = file.kind;
      stats.unreadable = true;
      r.builder.AddFile(std::move(stats));
      r.diag.Record(Issue::kUnreadableFile, file.rel_path, 0, error);
    };
    if (file.kind == FileKind::kSystem && file.size_bytes > kChunkBytes) {
      if (!ReadSystemChunked(file, hash_it[i] != 0, &r, &error)) unreadable();
      return;
    }
    simdjson::padded_string contents;
    if (!ReadPadded(file.path, &contents, &error)) {
      unreadable();
      return;
    }
    r.bytes = contents.size();
    if (contents.size() == 0) {
      FileStats stats;
      stats.rel_path = file.rel_path;
      stats.kind = file.kind;
      r.builder.AddFile(std::move(stats));
      r.diag.Record(Issue::kEmptyFile, file.rel_path, 0, "0 bytes");
      return;
    }
    if (hash_it[i] != 0) {
      r.hashed = true;
      if (file.kind == FileKind::kSystem) {
        // Same hash as the chunked reader gives a file of one chunk.
        r.content_hash = MixHash(0, std::hash<std::string_view>()(
                                        std::string_view(contents.data(), contents.size())));
      } else {
        r.content_hash = std::hash<std::string_view>()(
            std::string_view(contents.data(), contents.size()));
      }
    }
    ParseOne(file, contents.data(), contents.size(), 0, false, &r);
    if (IsChromeKind(file.kind) && r.trace.used_inherited) {
      r.contents = std::move(contents);
    }
  };

  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < files.size(); i = next.fetch_add(1)) {
      {
        std::unique_lock<std::mutex> lock(mu);
        merged_cv.wait(lock, [&] { return i < next_merge + window; });
      }
      parse_one(i);
      std::unique_lock<std::mutex> lock(mu);
      done[i] = 1;
      bool progressed = false;
      while (next_merge < files.size() && done[next_merge]) {
        merge_one(next_merge++);
        progressed = true;
      }
      if (progressed) merged_cv.notify_all();
    }
  };
  const size_t workers = std::min<size_t>(files.size(), static_cast<size_t>(jobs));
  if (workers <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (size_t w = 0; w < workers; ++w) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }
  out.store = merged.Build();
  return out;
}

}  // namespace smr
