// TensorFlow profiler trace.json.gz (docs/formats.md §1.3, §3.5): a gzip of one
// JSON object whose "traceEvents" array uses the Chrome-trace semantics, with
// the base time taken from the .metadata file discovery found (0 if none).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include "smr/ingest.h"
#include "src/ingest/chrome_trace_importer.h"

namespace smr {
namespace {

namespace dom = simdjson::dom;

// Parses `json` (padded) and feeds every traceEvents element to `proc`.
// Returns false if the document is not a valid object with that array.
bool FeedTraceEvents(dom::parser* parser, const simdjson::padded_string& json,
                     ingest_internal::TraceProcessor* proc, int64_t* bad) {
  dom::element root;
  if (parser->parse(json).get(root)) return false;
  dom::array events;
  if (root["traceEvents"].get_array().get(events)) return false;
  ingest_internal::RawEvent ev;
  for (dom::element e : events) {
    dom::object obj;
    if (e.get_object().get(obj)) {
      ++*bad;
      continue;
    }
    ingest_internal::ExtractEvent(obj, 0, &ev);
    proc->Process(ev);
  }
  return true;
}

}  // namespace

std::string Gunzip(std::string_view compressed, bool* ok) {
  *ok = true;
  std::string out;
  z_stream zs{};
  // 15 + 32: zlib or gzip header, detected automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    *ok = false;
    return out;
  }
  const auto* in = reinterpret_cast<const Bytef*>(compressed.data());
  size_t in_left = compressed.size();
  constexpr size_t kChunk = 1 << 18;
  bool done = false;
  while (!done) {
    if (zs.avail_in == 0 && in_left > 0) {
      uInt n = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = n;
      in += n;
      in_left -= n;
    }
    size_t used = out.size();
    out.resize(used + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(kChunk);
    int ret = inflate(&zs, Z_NO_FLUSH);
    out.resize(used + (kChunk - zs.avail_out));
    switch (ret) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        // Concatenated gzip members are legal; trailing zero bytes are not a
        // member, so stop there.
        if (zs.avail_in == 0 && in_left == 0) {
          done = true;
        } else if (zs.avail_in > 0 && zs.next_in[0] == 0) {
          done = true;
        } else if (inflateReset(&zs) != Z_OK) {
          *ok = false;
          done = true;
        }
        break;
      case Z_BUF_ERROR:
        // No progress possible: input exhausted before the stream ended.
        if (zs.avail_in == 0 && in_left == 0) {
          *ok = false;
          done = true;
        }
        break;
      default:  // Z_DATA_ERROR, Z_MEM_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        *ok = false;
        done = true;
        break;
    }
  }
  inflateEnd(&zs);
  return out;
}

void ImportTfTrace(const InputFile& file, std::string_view compressed,
                   StoreBuilder* out, Diagnostics* diag) {
  FileStats stats;
  stats.rel_path = file.rel_path;
  stats.kind = file.kind;
  stats.bytes = compressed.size();
  uint32_t file_index = out->AddFile(std::move(stats));
  // smdebug prepends a synthetic base-time event from the .metadata start;
  // starting the processor at that base is the same thing.
  ingest_internal::TraceProcessor proc(
      file, file.node, file.has_metadata ? file.base_time_us : 0,
      /*base_is_inherited=*/false, /*report_inherited=*/false, file_index,
      out, diag);
  if (!file.has_metadata) {
    diag->Record(Issue::kNoBaseTime, file.rel_path, 0,
                 "no .metadata file found 4 levels above the trace; base 0 "
                 "(times are relative to the profiling session)");
  }

  bool gz_ok = true;
  std::string json = Gunzip(compressed, &gz_ok);
  if (!gz_ok) {
    diag->Record(Issue::kGzipError, file.rel_path, 0,
                 fmt::format("corrupt or truncated gzip; {} bytes inflated",
                             json.size()));
  }
  dom::parser parser;
  int64_t bad = 0;
  std::vector<int64_t> fs_bad;  // lines of salvaged elements that failed
  simdjson::padded_string padded(json);
  bool parsed = FeedTraceEvents(&parser, padded, &proc, &bad);
  if (!parsed && !json.empty()) {
    // Salvage a cut-off or corrupted document: take every complete element
    // of the traceEvents array that parses on its own (docs/formats.md §4: smdebug
    // drops the whole file).
    const std::string_view text(json);
    size_t key = text.find("\"traceEvents\"");
    size_t open = key == std::string_view::npos ? key : text.find('[', key);
    if (open != std::string_view::npos) {
      ingest_internal::ArrayScan scan =
          ingest_internal::ScanArray(padded.data(), padded.size(), open);
      ingest_internal::RawEvent ev;
      for (const auto& el : scan.elements) {
        if (ingest_internal::ParseEventSlice(&parser, padded.data() + el.begin, el.size,
                                             el.line, &ev)) {
          proc.Process(ev);
        } else {
          diag->Record(Issue::kMalformedEvent, file.rel_path, el.line,
                       text.substr(el.begin, std::min<size_t>(el.size, 120)));
          fs_bad.push_back(el.line);
        }
      }
      parsed = true;
    }
    diag->Record(parsed ? Issue::kTruncatedTrace : Issue::kMalformedEvent,
                 file.rel_path, 0,
                 parsed ? "trace JSON cut off or corrupt; complete events kept"
                        : "trace JSON unreadable (no traceEvents array)");
  }
  if (bad > 0) {
    for (int64_t i = 0; i < bad; ++i) {
      diag->Record(Issue::kMalformedEvent, file.rel_path, 0,
                   "traceEvents element is not an object");
    }
  }
  proc.Finish();
  FileStats& fs = out->file(file_index);
  fs.records_read += bad + static_cast<int64_t>(fs_bad.size());
  fs.records_skipped += bad + static_cast<int64_t>(fs_bad.size());
}

}  // namespace smr
