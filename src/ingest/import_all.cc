// ImportAll: reads and parses every discovered file on a small thread pool.
//
// Each file is parsed by its format's importer (src/ingest/importer.h) into
// its own StoreBuilder + Diagnostics; the results are appended in discovery
// order, so the store is identical for any number of workers; each result
// is merged as soon as all earlier files are, so memory holds the merged
// store plus a few files in flight. Files of a format fed by lines that are
// over 8 MiB are read in newline-ended chunks with pread instead of whole.
// Base-time inheritance (docs/formats.md §3.2) depends on the previous file
// of the same kind; it is resolved at merge time: only a file that timed
// events before meeting its own base time needs the inherited value, and
// such a file is parsed again once that value is known (a file's final base
// never depends on what it inherited unless it has no base of its own, in
// which case it is simply passed on).
#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "smr/formats.h"
#include "smr/ingest.h"
#include "src/ingest/file_reader.h"
#include "src/ingest/importer.h"

namespace smr {
namespace {

using ingest_internal::BaseTimeUse;
using ingest_internal::ImportContext;
using ingest_internal::Importer;

struct FileResult {
  StoreBuilder builder;
  Diagnostics diag;
  uint64_t bytes = 0;
  bool hashed = false;      // content_hash computed (only when another
                            // file of its kind has the same size)
  size_t content_hash = 0;  // of the file's bytes
  BaseTimeUse base;
  // Kept only for a file that may need a second pass (its base inherited).
  std::optional<simdjson::padded_string> contents;
};

// A result holding only the file's FileStats (and no records).
void OnlyStats(const InputFile& file, FileResult* r, uint64_t bytes, bool unreadable) {
  FileStats stats;
  stats.rel_path = file.rel_path;
  stats.order = file.order;
  stats.kind = file.kind;
  stats.bytes = bytes;
  stats.unreadable = unreadable;
  r->builder.AddFile(std::move(stats));
}

// Parses a whole file (padded) with its format's importer.
void ParseWhole(const InputFile& file, const char* data, size_t size, bool have_inherited,
                int64_t inherited_base_us, FileResult* r) {
  std::unique_ptr<Importer> importer = ingest_internal::ImporterFactoryOf(file.kind)(
      ImportContext{file, &r->builder, &r->diag, have_inherited, inherited_base_us});
  importer->Feed(data, size);
  r->base = importer->Finish();
}

// Only a file whose kind and size match another file's can be a copy, so
// only those are hashed (hashing every byte cost ~5 % of a run).
std::vector<char> FilesToHash(const std::vector<InputFile>& files) {
  std::vector<char> hash_it(files.size(), 0);
  std::map<std::pair<int, uint64_t>, std::vector<size_t>> by_size;
  for (size_t i = 0; i < files.size(); ++i) {
    by_size[{static_cast<int>(files[i].kind), files[i].size_bytes}].push_back(i);
  }
  for (const auto& [key, group] : by_size) {
    if (group.size() < 2) continue;
    for (size_t i : group) hash_it[i] = 1;
  }
  return hash_it;
}

// Reserves the merged columns for the whole input from each format's bytes
// per record (capacity beyond what is filled is address space, not memory,
// until touched).
void ReserveColumns(const std::vector<InputFile>& files, StoreBuilder* merged) {
  std::array<uint64_t, kFormatCount> bytes{};
  for (const InputFile& f : files) bytes[FormatIndex(f.kind)] += f.size_bytes;
  uint64_t samples = 0, events = 0;
  for (const FormatInfo& format : kFormats) {
    const uint64_t b = bytes[FormatIndex(format.kind)];
    if (format.sample_bytes > 0) samples += b / format.sample_bytes;
    if (format.event_bytes > 0) events += b / format.event_bytes;
  }
  constexpr uint64_t kMaxRows = std::numeric_limits<uint32_t>::max();
  try {
    merged->ReserveSamples(static_cast<size_t>(std::min(samples, kMaxRows)));
    merged->ReserveEvents(static_cast<size_t>(std::min(events, kMaxRows)));
  } catch (const std::bad_alloc&) {
    // The system refused that much address space at once (strict
    // overcommit, a ulimit -v): the columns then grow as they fill.
    *merged = StoreBuilder();
  }
}

// One ImportAll call: the files, their results and the merge state.
class IngestRun {
 public:
  IngestRun(const std::vector<InputFile>& files, int jobs,
            const std::map<uint32_t, std::string>* copies)
      : files_(files),
        jobs_(jobs),
        copies_(copies),
        results_(files.size()),
        done_(files.size(), 0),
        hash_it_(copies != nullptr ? std::vector<char>(files.size(), 0) : FilesToHash(files)) {
    ReserveColumns(files, &merged_);
  }

  IngestResult Run();

 private:
  void Worker();
  void Parse(size_t i);
  void ParseInChunks(size_t i);
  void Merge(size_t i);
  // Replaces a byte-identical copy of an earlier file by a kDuplicateFile record.
  void DropIfCopy(size_t i);
  // Passes base times on to the next file of the kind (docs/formats.md §3.2).
  void InheritBase(size_t i);

  const std::vector<InputFile>& files_;
  const int jobs_;
  const std::map<uint32_t, std::string>* copies_;  // IngestOptions::copies
  std::vector<FileResult> results_;
  // Results are merged in discovery order as soon as they are complete
  // (under `mu_`, by whichever worker completes the next one), so per-file
  // builders never pile up: at most `jobs * 4` files are parsed ahead of
  // the merge. Everything order-dependent happens at merge time.
  std::mutex mu_;
  std::condition_variable merged_cv_;
  std::vector<char> done_;
  size_t next_merge_ = 0;
  std::atomic<size_t> next_{0};
  std::vector<char> hash_it_;
  IngestResult out_;
  StoreBuilder merged_;
  std::unordered_map<std::string, size_t> first_copy_;
  TraceParseState state_;
};

void IngestRun::Parse(size_t i) {
  const InputFile& file = files_[i];
  FileResult& r = results_[i];
  if (FormatOf(file.kind).feed == FormatInfo::Feed::kLines &&
      file.size_bytes > ingest_internal::kChunkBytes) {
    return ParseInChunks(i);
  }
  simdjson::padded_string contents;
  std::string error;
  if (!ingest_internal::ReadPadded(file.path, &contents, &error)) {
    r = FileResult();
    OnlyStats(file, &r, 0, /*unreadable=*/true);
    r.diag.Record(Issue::kUnreadableFile, file.rel_path, 0, error);
    return;
  }
  r.bytes = contents.size();
  if (contents.size() == 0) {
    OnlyStats(file, &r, 0, /*unreadable=*/false);
    r.diag.Record(Issue::kEmptyFile, file.rel_path, 0, "0 bytes");
    return;
  }
  if (hash_it_[i] != 0) {
    r.hashed = true;
    // Same hash as the chunked reader gives a file of one chunk.
    r.content_hash =
        ingest_internal::MixHash(0, std::string_view(contents.data(), contents.size()));
  }
  ParseWhole(file, contents.data(), contents.size(), false, 0, &r);
  if (r.base.used_inherited) r.contents = std::move(contents);
}

void IngestRun::ParseInChunks(size_t i) {
  const InputFile& file = files_[i];
  FileResult& r = results_[i];
  std::string error;
  ingest_internal::ChunkedRead read;
  std::unique_ptr<Importer> importer =
      ingest_internal::ImporterFactoryOf(file.kind)(ImportContext{file, &r.builder, &r.diag});
  const bool ok =
      ingest_internal::FeedInChunks(file.path, importer.get(), hash_it_[i] != 0, &read, &error);
  r.base = importer->Finish();
  importer.reset();
  r.bytes = read.bytes;
  r.hashed = hash_it_[i] != 0;
  r.content_hash = read.hash;
  if (!ok) {
    r = FileResult();
    OnlyStats(file, &r, 0, /*unreadable=*/true);
    r.diag.Record(Issue::kUnreadableFile, file.rel_path, 0, error);
  }
}

// A copy named by IngestOptions::copies (a shard of the input).
void DropKnownCopy(const InputFile& file, const std::map<uint32_t, std::string>& copies,
                   FileResult* r) {
  auto it = copies.find(file.order);
  if (it == copies.end() || r->bytes == 0) return;
  const uint64_t bytes = r->bytes;
  *r = FileResult();
  r->bytes = bytes;
  OnlyStats(file, r, bytes, /*unreadable=*/false);
  r->diag.Record(Issue::kDuplicateFile, file.rel_path, 0,
                 fmt::format("same bytes as {}", it->second));
}

void IngestRun::DropIfCopy(size_t i) {
  const InputFile& file = files_[i];
  FileResult& r = results_[i];
  if (copies_ != nullptr) return DropKnownCopy(file, *copies_, &r);
  if (r.bytes == 0 || !r.hashed) return;
  // A byte-identical copy of an earlier file of the same kind (a sync that
  // uploaded a file twice, a folder copied into itself through a symlink)
  // would count every record twice: it is dropped and counted.
  std::string key = fmt::format("{}:{}:{}", static_cast<int>(file.kind), r.bytes, r.content_hash);
  auto [it, inserted] = first_copy_.emplace(std::move(key), i);
  if (inserted) return;
  const uint64_t bytes = r.bytes;
  r = FileResult();
  r.bytes = bytes;
  OnlyStats(file, &r, bytes, /*unreadable=*/false);
  r.diag.Record(Issue::kDuplicateFile, file.rel_path, 0,
                fmt::format("same bytes as {}", files_[it->second].rel_path));
}

void IngestRun::InheritBase(size_t i) {
  const InputFile& file = files_[i];
  if (FormatOf(file.kind).base_time != FormatInfo::BaseTime::kPreviousFile) return;
  FileResult& r = results_[i];
  const size_t k = FormatIndex(file.kind);
  if (r.base.used_inherited && state_.has_base[k] && r.contents) {
    simdjson::padded_string contents = std::move(*r.contents);
    r.contents.reset();
    r.builder = StoreBuilder();
    r.diag = Diagnostics();
    ParseWhole(file, contents.data(), contents.size(), true, state_.base_time_us[k], &r);
  }
  if (r.base.has_own_base) {
    state_.base_time_us[k] = r.base.final_base_us;
    state_.has_base[k] = true;
  }
}

void IngestRun::Merge(size_t i) {
  DropIfCopy(i);
  InheritBase(i);
  FileResult& r = results_[i];
  for (size_t f = 0; f < r.builder.file_count(); ++f) r.builder.file(f).order = files_[i].order;
  merged_.Append(std::move(r.builder));
  out_.diagnostics.Merge(r.diag);
  out_.bytes_read += r.bytes;
  r = FileResult();
}

void IngestRun::Worker() {
  const size_t window = static_cast<size_t>(jobs_) * 4;
  for (size_t i = next_.fetch_add(1); i < files_.size(); i = next_.fetch_add(1)) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      merged_cv_.wait(lock, [&] { return i < next_merge_ + window; });
    }
    Parse(i);
    std::unique_lock<std::mutex> lock(mu_);
    done_[i] = 1;
    bool progressed = false;
    while (next_merge_ < files_.size() && done_[next_merge_]) {
      Merge(next_merge_++);
      progressed = true;
    }
    if (progressed) merged_cv_.notify_all();
  }
}

IngestResult IngestRun::Run() {
  const size_t workers = std::min<size_t>(files_.size(), static_cast<size_t>(jobs_));
  if (workers <= 1) {
    Worker();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (size_t w = 0; w < workers; ++w) threads.emplace_back([this] { Worker(); });
    for (std::thread& t : threads) t.join();
  }
  out_.store = merged_.Build();
  return std::move(out_);
}

}  // namespace

IngestResult ImportAll(const Discovery& discovery, const IngestOptions& opts) {
  int jobs = opts.jobs > 0 ? opts.jobs : static_cast<int>(std::thread::hardware_concurrency());
  return IngestRun(discovery.files, std::max(jobs, 1), opts.copies).Run();
}

std::map<uint32_t, std::string> FindCopies(const Discovery& discovery) {
  const std::vector<InputFile>& files = discovery.files;
  const std::vector<char> candidate = FilesToHash(files);
  std::map<std::string, size_t> first;  // kind:size:hash -> file index
  std::map<uint32_t, std::string> copies;
  std::vector<char> buf(size_t{1} << 20);
  for (size_t i = 0; i < files.size(); ++i) {
    if (!candidate[i] || files[i].size_bytes == 0) continue;
    std::FILE* f = std::fopen(files[i].path.c_str(), "rb");
    if (f == nullptr) continue;  // unreadable: read (and counted) as such, never a copy
    size_t hash = 0;
    uint64_t bytes = 0;
    for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) {
      hash = ingest_internal::MixHash(hash, std::string_view(buf.data(), n));
      bytes += n;
    }
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    if (!ok || bytes == 0) continue;
    auto [it, inserted] =
        first.emplace(fmt::format("{}:{}:{}", static_cast<int>(files[i].kind), bytes, hash), i);
    if (!inserted) copies[files[i].order] = files[it->second].rel_path;
  }
  return copies;
}

}  // namespace smr
