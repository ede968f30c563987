// smdebug Chrome-trace files (docs/formats.md §3): the importer of the
// pythontimeline, model_timeline, horovod_timeline and smdataparallel rows.
//
// smdebug writes one event per line ("[\n" + "event,\n"... + "\n]"), so the
// file is parsed line by line with the simdjson DOM parser; this salvages the
// complete events of a file whose writer died (smdebug drops such a file,
// §4). A file that is not line-structured (one giant line, pretty-printed) is
// parsed as a whole array instead.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "src/ingest/importer.h"
#include "src/ingest/trace_events.h"
#include "src/ingest/trace_processor.h"

namespace smr::ingest_internal {
namespace {

namespace dom = simdjson::dom;

struct BadLine {
  int64_t line;
  std::string_view text;
};

// One way of reading a file into a builder and diagnostics of its own, so
// the line-by-line pass can be thrown away when the file turns out not to
// be one event per line. The processor's own records go to `diag` and are
// merged after the bad lines (the order the examples always had).
struct Pass {
  StoreBuilder builder;
  Diagnostics diag;
  uint32_t file_index = 0;
  std::vector<BadLine> bad;
  bool terminated = false;
  bool truncated_last = false;
  int64_t line_no = 0;
};

// Parses the elements the scanner found (the salvage path).
void ProcessScanned(dom::parser* parser, const char* data, const ArrayScan& scan,
                    TraceProcessor* proc, Pass* pass) {
  pass->terminated = scan.terminated;
  pass->truncated_last = scan.partial_tail;
  RawEvent ev;
  for (const ArrayScan::Element& el : scan.elements) {
    if (ParseEventSlice(parser, data + el.begin, el.size, el.line, &ev)) {
      proc->Process(ev);
    } else {
      pass->bad.push_back(BadLine{el.line, std::string_view(data + el.begin, el.size)});
    }
  }
  pass->line_no = scan.last_line;
}

// smdebug's one-event-per-line layout, streamed: each line is parsed and
// processed at once. Returns false at the first line that is not one
// complete event (another layout, or a cut-off last line that may hold
// several events); the caller then reads the file by its brackets.
bool ProcessLines(dom::parser* parser, const char* data, size_t size, TraceProcessor* proc,
                  Pass* pass) {
  const std::string_view all(data, size);
  size_t pos = 0;
  bool seen_open = false;
  int64_t line_no = 0;
  RawEvent ev;
  while (pos < size) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    size_t line_end = nl ? static_cast<size_t>(nl - data) : size;
    std::string_view line = TrimJsonSpace(all.substr(pos, line_end - pos));
    size_t next = nl ? line_end + 1 : size;
    ++line_no;
    pos = next;
    if (line_no == 1 && line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0) {
      line = TrimJsonSpace(line.substr(3));
    }
    if (!seen_open && !line.empty() && line.front() == '[') {
      seen_open = true;
      line = TrimJsonSpace(line.substr(1));
    }
    if (!line.empty() && line.back() == ']' && TrimJsonSpace(all.substr(next)).empty()) {
      pass->terminated = true;
      line = TrimJsonSpace(line.substr(0, line.size() - 1));
    }
    if (!line.empty() && line.back() == ',') {
      line = TrimJsonSpace(line.substr(0, line.size() - 1));
    }
    if (line.empty()) continue;
    if (!ParseEventSlice(parser, line.data(), line.size(), line_no, &ev)) return false;
    proc->Process(ev);
  }
  pass->line_no = line_no;
  return true;
}

// One Chrome-trace file, fed whole.
class ChromeTraceImporter final : public Importer {
 public:
  explicit ChromeTraceImporter(const ImportContext& c)
      : file_(c.file),
        out_(c.out),
        diag_(c.diag),
        node_(RewriteNodeId(c.file.node)),
        have_inherited_(c.have_inherited),
        inherited_base_us_(c.inherited_base_us) {}

  void Feed(const char* data, size_t size) override;
  BaseTimeUse Finish() override { return info_; }

 private:
  // Registers the file in the pass's builder. (A traceEvents object without
  // the array registers it twice, once per attempt, as it always did.)
  void StartPass();
  std::unique_ptr<TraceProcessor> NewProcessor();
  // Moves the pass's results to the context's builder and diagnostics;
  // with `report_layout`, the bad elements and a missing ']' first.
  void FinishPass(TraceProcessor* proc, bool report_layout);
  // Neither an array nor a traceEvents object: one skipped record.
  void NotAnArray(size_t first);
  // {"traceEvents": [...]} (the TF-profiler shape), whole or cut off.
  void ReadObject(size_t first);
  // smdebug's array: line by line, else by its brackets.
  void ReadArray(size_t first);

  const InputFile& file_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  const std::string node_;
  bool have_inherited_;
  int64_t inherited_base_us_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  dom::parser parser_;
  Pass pass_;
  BaseTimeUse info_;
};

void ChromeTraceImporter::StartPass() {
  FileStats stats;
  stats.rel_path = file_.rel_path;
  stats.kind = file_.kind;
  stats.bytes = size_;
  pass_.file_index = pass_.builder.AddFile(std::move(stats));
}

std::unique_ptr<TraceProcessor> ChromeTraceImporter::NewProcessor() {
  return std::make_unique<TraceProcessor>(
      file_, node_, have_inherited_ ? inherited_base_us_ : 0, have_inherited_,
      /*report_inherited=*/true, pass_.file_index, &pass_.builder, &pass_.diag);
}

void ChromeTraceImporter::FinishPass(TraceProcessor* proc, bool report_layout) {
  if (report_layout) {
    for (const BadLine& b : pass_.bad) {
      diag_->Record(Issue::kMalformedEvent, file_.rel_path, b.line, b.text);
    }
    if (!pass_.terminated) {
      diag_->Record(Issue::kTruncatedTrace, file_.rel_path, pass_.line_no,
                    pass_.truncated_last ? "last event incomplete; complete events kept"
                                         : "array not terminated; complete events kept");
    }
  }
  info_ = proc->Finish();
  FileStats& fs = pass_.builder.file(pass_.file_index);
  const int64_t bad = static_cast<int64_t>(pass_.bad.size()) + (pass_.truncated_last ? 1 : 0);
  fs.records_read += bad;
  fs.records_skipped += bad;
  diag_->Merge(pass_.diag);
  out_->Append(std::move(pass_.builder));
}

void ChromeTraceImporter::NotAnArray(size_t first) {
  StartPass();
  auto proc = NewProcessor();
  diag_->Record(Issue::kNotAnArray, file_.rel_path, 1,
                std::string_view(data_ + first, std::min<size_t>(size_ - first, 120)));
  FileStats& fs = pass_.builder.file(pass_.file_index);
  fs.records_read += 1;
  fs.records_skipped += 1;
  FinishPass(proc.get(), /*report_layout=*/false);
}

void ChromeTraceImporter::ReadObject(size_t first) {
  // Any object but {"traceEvents": [...]} is what smdebug reads as 0 events
  // (docs/formats.md §4). Not smdebug's layout, so it may be parsed as one
  // document.
  StartPass();
  auto proc = NewProcessor();
  int64_t non_objects = 0;
  if (FeedTraceEventsObject(&parser_, data_, size_, proc.get(), &non_objects)) {
    pass_.terminated = true;
    pass_.bad.assign(static_cast<size_t>(non_objects),
                     BadLine{0, "(traceEvents element is not an object)"});
    return FinishPass(proc.get(), /*report_layout=*/true);
  }
  const size_t open = FindTraceEventsArray(std::string_view(data_, size_), first);
  if (open == std::string_view::npos) return NotAnArray(first);
  ProcessScanned(&parser_, data_, ScanArray(data_, size_, open), proc.get(), &pass_);
  FinishPass(proc.get(), /*report_layout=*/true);
}

void ChromeTraceImporter::ReadArray(size_t first) {
  // Fast path: one event per line, streamed.
  StartPass();
  {
    auto proc = NewProcessor();
    if (ProcessLines(&parser_, data_, size_, proc.get(), &pass_)) {
      return FinishPass(proc.get(), /*report_layout=*/true);
    }
  }
  // Not one event per line (one giant line, pretty-printed, several events
  // on a line, a bad line), or a cut-off last line that may hold several
  // complete events: find the array's elements by their brackets instead.
  pass_ = Pass();
  StartPass();
  auto proc = NewProcessor();
  ProcessScanned(&parser_, data_, ScanArray(data_, size_, first), proc.get(), &pass_);
  FinishPass(proc.get(), /*report_layout=*/true);
}

void ChromeTraceImporter::Feed(const char* data, size_t size) {
  data_ = data;
  size_ = size;
  size_t first = 0;
  // A UTF-8 byte-order mark (hand-edited files) is not part of the JSON.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) first = 3;
  while (first < size && IsJsonSpace(data[first])) ++first;
  if (first == size) {  // empty: ImportAll reports it
    StartPass();
    auto proc = NewProcessor();
    return FinishPass(proc.get(), /*report_layout=*/false);
  }
  if (data[first] == '{') return ReadObject(first);
  if (data[first] != '[') return NotAnArray(first);
  ReadArray(first);
}

}  // namespace

std::unique_ptr<Importer> NewChromeTraceImporter(const ImportContext& context) {
  return std::make_unique<ChromeTraceImporter>(context);
}

}  // namespace smr::ingest_internal
