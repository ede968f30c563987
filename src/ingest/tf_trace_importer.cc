// TensorFlow profiler trace.json.gz (docs/formats.md §1.3, §3.5): the
// importer of the tf_trace row. A gzip of one JSON object whose
// "traceEvents" array uses the Chrome-trace semantics, with the base time
// taken from the .metadata file discovery found (0 if none).
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>

#include "smr/ingest.h"
#include "src/ingest/importer.h"
#include "src/ingest/trace_events.h"
#include "src/ingest/trace_processor.h"

namespace smr::ingest_internal {
namespace {

// One trace.json.gz, fed whole (compressed).
class TfTraceImporter final : public Importer {
 public:
  explicit TfTraceImporter(const ImportContext& c) : file_(c.file), out_(c.out), diag_(c.diag) {}

  void Feed(const char* data, size_t size) override;
  BaseTimeUse Finish() override { return {}; }

 private:
  // Takes every complete element of the traceEvents array of a cut-off or
  // corrupted document that parses on its own (docs/formats.md §4: smdebug
  // drops the whole file). Returns the number of elements that failed.
  int64_t Salvage(const simdjson::padded_string& json, TraceProcessor* proc);

  const InputFile& file_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  simdjson::dom::parser parser_;
};

void TfTraceImporter::Feed(const char* data, size_t size) {
  FileStats stats;
  stats.rel_path = file_.rel_path;
  stats.kind = file_.kind;
  stats.bytes = size;
  uint32_t file_index = out_->AddFile(std::move(stats));
  // smdebug prepends a synthetic base-time event from the .metadata start;
  // starting the processor at that base is the same thing.
  TraceProcessor proc(file_, file_.node, file_.has_metadata ? file_.base_time_us : 0,
                      /*base_is_inherited=*/false, /*report_inherited=*/false, file_index, out_,
                      diag_);
  if (!file_.has_metadata) {
    diag_->Record(Issue::kNoBaseTime, file_.rel_path, 0,
                  "no .metadata file found 4 levels above the trace; base 0 "
                  "(times are relative to the profiling session)");
  }
  bool gz_ok = true;
  std::string json = Gunzip(std::string_view(data, size), &gz_ok);
  if (!gz_ok) {
    diag_->Record(Issue::kGzipError, file_.rel_path, 0,
                  fmt::format("corrupt or truncated gzip; {} bytes inflated", json.size()));
  }
  int64_t non_objects = 0;
  int64_t salvage_failed = 0;
  simdjson::padded_string padded(json);
  if (!FeedTraceEventsObject(&parser_, padded.data(), padded.size(), &proc, &non_objects) &&
      !json.empty()) {
    salvage_failed = Salvage(padded, &proc);
  }
  for (int64_t i = 0; i < non_objects; ++i) {
    diag_->Record(Issue::kMalformedEvent, file_.rel_path, 0,
                  "traceEvents element is not an object");
  }
  proc.Finish();
  FileStats& fs = out_->file(file_index);
  fs.records_read += non_objects + salvage_failed;
  fs.records_skipped += non_objects + salvage_failed;
}

int64_t TfTraceImporter::Salvage(const simdjson::padded_string& json, TraceProcessor* proc) {
  const std::string_view text(json.data(), json.size());
  const size_t open = FindTraceEventsArray(text);
  int64_t failed = 0;
  if (open != std::string_view::npos) {
    ArrayScan scan = ScanArray(json.data(), json.size(), open);
    RawEvent ev;
    for (const ArrayScan::Element& el : scan.elements) {
      if (ParseEventSlice(&parser_, json.data() + el.begin, el.size, el.line, &ev)) {
        proc->Process(ev);
      } else {
        diag_->Record(Issue::kMalformedEvent, file_.rel_path, el.line,
                      text.substr(el.begin, std::min<size_t>(el.size, 120)));
        ++failed;
      }
    }
  }
  const bool parsed = open != std::string_view::npos;
  diag_->Record(parsed ? Issue::kTruncatedTrace : Issue::kMalformedEvent, file_.rel_path, 0,
                parsed ? "trace JSON cut off or corrupt; complete events kept"
                       : "trace JSON unreadable (no traceEvents array)");
  return failed;
}

}  // namespace

std::unique_ptr<Importer> NewTfTraceImporter(const ImportContext& context) {
  return std::make_unique<TfTraceImporter>(context);
}

}  // namespace smr::ingest_internal
