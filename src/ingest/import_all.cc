// ImportAll: reads and parses every discovered file on a small thread pool.
//
// Each file is parsed into its own StoreBuilder + Diagnostics; the results
// are appended in discovery order, so the store is identical for any number
// of workers. Framework base-time inheritance (formats.md §3.2) depends on
// the previous file of the same kind; it is resolved after the parallel pass:
// only a file that timed events before meeting its own base time needs the
// inherited value, and such a file is parsed again once that value is known
// (a file's final base never depends on what it inherited unless it has no
// base of its own, in which case it is simply passed on).
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
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
  size_t content_hash = 0;  // of the file's bytes (0 bytes: not hashed)
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

void RunParallel(size_t count, int jobs, const std::function<void(size_t)>& fn) {
  size_t workers = std::min<size_t>(count, static_cast<size_t>(std::max(jobs, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
        fn(i);
      }
    });
  }
  for (std::thread& t : threads) t.join();
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
  std::vector<FileResult> results(files.size());

  RunParallel(files.size(), jobs, [&](size_t i) {
    const InputFile& file = files[i];
    FileResult& r = results[i];
    simdjson::padded_string contents;
    std::string error;
    if (!ReadPadded(file.path, &contents, &error)) {
      FileStats stats;
      stats.rel_path = file.rel_path;
      stats.kind = file.kind;
      stats.unreadable = true;
      r.builder.AddFile(std::move(stats));
      r.diag.Record(Issue::kUnreadableFile, file.rel_path, 0, error);
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
    r.content_hash =
        std::hash<std::string_view>()(std::string_view(contents.data(), contents.size()));
    ParseOne(file, contents.data(), contents.size(), 0, false, &r);
    if (IsChromeKind(file.kind) && r.trace.used_inherited) {
      r.contents = std::move(contents);
    }
  });

  // A byte-identical copy of an earlier file of the same kind (a sync that
  // uploaded a file twice, a folder copied into itself through a symlink)
  // would count every record twice: the later copy is dropped and counted.
  std::unordered_map<std::string, size_t> first_copy;
  for (size_t i = 0; i < files.size(); ++i) {
    FileResult& r = results[i];
    if (r.bytes == 0) continue;
    std::string key = fmt::format("{}:{}:{}", static_cast<int>(files[i].kind), r.bytes,
                                  r.content_hash);
    auto [it, inserted] = first_copy.emplace(std::move(key), i);
    if (inserted) continue;
    FileStats stats;
    stats.rel_path = files[i].rel_path;
    stats.kind = files[i].kind;
    stats.bytes = r.bytes;
    r.builder = StoreBuilder();
    r.builder.AddFile(std::move(stats));
    r.diag = Diagnostics();
    r.diag.Record(Issue::kDuplicateFile, files[i].rel_path, 0,
                  fmt::format("same bytes as {}", files[it->second].rel_path));
    r.trace = ingest_internal::TraceFileInfo();
    r.contents.reset();
  }

  // Resolve base-time inheritance in discovery order, per kind.
  TraceParseState state;
  std::vector<size_t> reparse;
  std::vector<int64_t> reparse_base(files.size(), 0);
  for (size_t i = 0; i < files.size(); ++i) {
    if (!IsChromeKind(files[i].kind)) continue;
    int k = static_cast<int>(files[i].kind);
    const ingest_internal::TraceFileInfo& t = results[i].trace;
    if (t.used_inherited && state.has_base[k] && results[i].contents) {
      reparse.push_back(i);
      reparse_base[i] = state.base_time_us[k];
    }
    if (t.has_own_base) {
      state.base_time_us[k] = t.final_base_us;
      state.has_base[k] = true;
    }
  }
  RunParallel(reparse.size(), jobs, [&](size_t j) {
    size_t i = reparse[j];
    FileResult& r = results[i];
    simdjson::padded_string contents = std::move(*r.contents);
    r.contents.reset();
    r.builder = StoreBuilder();
    r.diag = Diagnostics();
    ParseOne(files[i], contents.data(), contents.size(), reparse_base[i], true,
             &r);
  });

  IngestResult out;
  StoreBuilder merged;
  for (FileResult& r : results) {
    merged.Append(std::move(r.builder));
    out.diagnostics.Merge(r.diag);
    out.bytes_read += r.bytes;
    r.contents.reset();
  }
  out.store = merged.Build();
  return out;
}

}  // namespace smr
