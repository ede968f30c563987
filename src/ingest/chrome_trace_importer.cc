// smdebug Chrome-trace files (docs/formats.md §3) and the event semantics shared
// with the TensorFlow importer.
//
// smdebug writes one event per line ("[\n" + "event,\n"... + "\n]"), so the
// file is parsed line by line with the simdjson DOM parser; this salvages the
// complete events of a file whose writer died (smdebug drops such a file,
// §4). A file that is not line-structured (one giant line, pretty-printed) is
// parsed as a whole array instead.
#include "src/ingest/chrome_trace_importer.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "smr/ingest.h"
#include "src/ingest/ingest_internal.h"

namespace smr {
namespace ingest_internal {
namespace {

namespace dom = simdjson::dom;

// Exact int64 arithmetic when both operands are integers, double otherwise
// (TF traces use float µs); rejects results outside int64.
bool AddTimes(const TimeValue& a, const TimeValue& b, TimeValue* out) {
  if (a.is_int && b.is_int) {
    int64_t r;
    if (__builtin_add_overflow(a.i, b.i, &r)) return false;
    *out = TimeValue{true, r, static_cast<double>(r)};
    return true;
  }
  double d = a.AsDouble() + b.AsDouble();
  if (!std::isfinite(d) || std::fabs(d) > 9.0e18) return false;
  *out = TimeValue{false, 0, d};
  return true;
}

bool ReadTime(dom::element e, TimeValue* out) {
  int64_t i;
  if (!e.get_int64().get(i)) {
    *out = TimeValue{true, i, static_cast<double>(i)};
    return true;
  }
  double d;
  if (!e.get_double().get(d) && std::isfinite(d)) {
    *out = TimeValue{false, 0, d};
    return true;
  }
  return false;
}

bool ReadInt(dom::element e, int64_t* out) {
  if (!e.get_int64().get(*out)) return true;
  double d;
  if (!e.get_double().get(d) && std::isfinite(d) && std::fabs(d) < 9.0e18) {
    *out = static_cast<int64_t>(d);
    return true;
  }
  return false;
}

// Python's int() of a step_num string ("0", " 12 ").
bool ParseIntString(std::string_view s, int64_t* out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(tmp.c_str(), &end, 10);
  if (errno != 0 || end != tmp.c_str() + tmp.size()) return false;
  *out = v;
  return true;
}

void ReadArgs(dom::object args, RawEvent* ev) {
  for (auto [key, value] : args) {
    if (key == "start_time_since_epoch_in_micros") {
      int64_t b;
      if (ReadInt(value, &b)) {
        ev->has_base = true;
        ev->base_us = b;
      }
    } else if (key == "name") {
      std::string_view s;
      if (!value.get_string().get(s)) {
        ev->has_args_name = true;
        ev->args_name = s;
      }
    } else if (key == "step_num") {
      std::string_view s;
      int64_t v;
      if (!value.get_string().get(s)) {
        if (ParseIntString(s, &v)) ev->step = v;
      } else if (ReadInt(value, &v)) {
        ev->step = v;
      }
    } else if (key == "pid") {
      int64_t v;
      if (ReadInt(value, &v)) ev->os_pid = v;
    } else if (key == "thread_id") {
      int64_t v;
      if (ReadInt(value, &v)) {
        ev->has_args_thread_id = true;
        ev->args_thread_id = v;
      }
    } else if (key == "worker_id") {
      int64_t v;
      if (ReadInt(value, &v)) ev->worker_id = static_cast<int32_t>(v);
    } else if (key == "num_workers") {
      int64_t v;
      if (ReadInt(value, &v)) ev->num_workers = static_cast<int32_t>(v);
    } else if (key == "pin_memory") {
      bool b;
      std::string_view s;
      if (!value.get_bool().get(b)) {
        ev->pin_memory = b ? 1 : 0;
      } else if (!value.get_string().get(s)) {
        if (s == "True" || s == "true") ev->pin_memory = 1;
        if (s == "False" || s == "false") ev->pin_memory = 0;
      }
    }
  }
}

// Parses one newline-free slice of the padded buffer as an event object.
enum class LineParse { kEvent, kNotObject, kInvalid };

LineParse ParseEventAt(dom::parser* parser, const char* p, size_t len,
                       int64_t line, RawEvent* ev) {
  dom::element e;
  if (parser->parse(reinterpret_cast<const uint8_t*>(p), len, false).get(e)) {
    return LineParse::kInvalid;
  }
  dom::object obj;
  if (e.get_object().get(obj)) return LineParse::kNotObject;
  ExtractEvent(obj, line, ev);
  return LineParse::kEvent;
}

TraceSource SourceOf(FileKind kind) {
  switch (kind) {
    case FileKind::kModelTimeline: return TraceSource::kModelTimeline;
    case FileKind::kHorovodTimeline: return TraceSource::kHorovod;
    case FileKind::kSmDataParallel: return TraceSource::kSmDataParallel;
    case FileKind::kTfTrace: return TraceSource::kTfTrace;
    default: return TraceSource::kPythonTimeline;
  }
}

bool IsWs(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

ArrayScan ScanArray(const char* data, size_t size, size_t open) {
  ArrayScan out;
  int64_t line = 1;
  for (const char* p = data; (p = static_cast<const char*>(std::memchr(
                                  p, '\n', static_cast<size_t>(data + open - p)))) != nullptr;
       ++p) {
    ++line;
  }
  size_t pos = open + 1;
  while (true) {
    while (pos < size && (IsWs(data[pos]) || data[pos] == ',')) {
      if (data[pos] == '\n') ++line;
      ++pos;
    }
    if (pos >= size) break;
    if (data[pos] == ']') {
      out.terminated = true;
      break;
    }
    const size_t begin = pos;
    const int64_t begin_line = line;
    int64_t depth = 0;
    bool in_string = false;
    bool complete = false;
    for (; pos < size; ++pos) {
      const char c = data[pos];
      if (c == '\n') ++line;
      if (in_string) {
        if (c == '\\') {
          ++pos;  // the escaped character
          if (pos < size && data[pos] == '\n') ++line;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          // A scalar element ended by the array's ']', or a stray '}' that
          // is junk on its own (consumed so the scan moves on).
          if (pos == begin) ++pos;
          complete = true;
          break;
        }
        if (--depth == 0) {
          ++pos;
          complete = true;
          break;
        }
      } else if (c == ',' && depth == 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      out.partial_tail = true;
      break;
    }
    size_t end = pos;
    while (end > begin && IsWs(data[end - 1])) --end;
    out.elements.push_back({begin, end - begin, begin_line});
  }
  out.last_line = line;
  return out;
}

bool ParseEventSlice(simdjson::dom::parser* parser, const char* p, size_t len,
                     int64_t line, RawEvent* ev) {
  return ParseEventAt(parser, p, len, line, ev) == LineParse::kEvent;
}

double TimeValue::AsDouble() const {
  return is_int ? static_cast<double>(i) : d;
}

void ExtractEvent(dom::object obj, int64_t line, RawEvent* ev) {
  *ev = RawEvent{};
  ev->line = line;
  for (auto [key, value] : obj) {
    if (key == "ph") {
      std::string_view s;
      if (!value.get_string().get(s)) {
        ev->has_ph = true;
        ev->ph = s;
      }
    } else if (key == "name") {
      std::string_view s;
      if (!value.get_string().get(s)) ev->name = s;
    } else if (key == "pid") {
      int64_t v;
      if (ReadInt(value, &v)) {
        ev->has_pid = true;
        ev->pid = v;
      }
    } else if (key == "tid") {
      int64_t v;
      if (ReadInt(value, &v)) {
        ev->has_tid = true;
        ev->tid = v;
      }
    } else if (key == "ts") {
      ev->has_ts = ReadTime(value, &ev->ts);
    } else if (key == "dur") {
      ev->has_dur = ReadTime(value, &ev->dur);
    } else if (key == "args") {
      dom::object args;
      if (!value.get_object().get(args)) ReadArgs(args, ev);
    }
  }
}

std::string RewriteNodeId(std::string_view node) {
  constexpr std::string_view kAlgo = "-algo-";
  size_t pos = node.find(kAlgo);
  if (pos == std::string_view::npos || pos == 0) return std::string(node);
  std::string_view n = node.substr(pos + kAlgo.size());
  if (n.empty()) return std::string(node);
  for (char c : n) {
    if (c < '0' || c > '9') return std::string(node);
  }
  return fmt::format("algo-{}-{}", n, node.substr(0, pos));
}

TraceProcessor::TraceProcessor(const InputFile& file, std::string node,
                               int64_t initial_base_us, bool base_is_inherited,
                               bool report_inherited, uint32_t file_index,
                               StoreBuilder* out, Diagnostics* diag)
    : file_(file),
      node_(std::move(node)),
      source_(SourceOf(file.kind)),
      file_index_(file_index),
      out_(out),
      diag_(diag),
      base_us_(initial_base_us),
      base_is_inherited_(base_is_inherited),
      report_inherited_(report_inherited) {}

std::string_view TraceProcessor::PhaseOf(int64_t pid) const {
  auto it = phases_.find(pid);
  return it == phases_.end() ? std::string_view("Unknown")
                             : std::string_view(it->second);
}

void TraceProcessor::Skip(Issue issue, const RawEvent& ev,
                          std::string_view what) {
  ++skipped_;
  diag_->Record(issue, file_.rel_path, ev.line,
                fmt::format("{} '{}' (pid {}, ts {})", what, ev.name, ev.pid,
                            ev.ts.AsDouble()));
}

void TraceProcessor::MarkBaseUse() {
  if (!info_.has_own_base) info_.used_inherited = true;
}

uint64_t TraceProcessor::EventKeySet::Hash(const EventKey& k) {
  uint64_t h = k.name;
  for (int64_t v : {k.start_us, k.end_us, k.pid, k.tid, k.step, k.os_pid,
                    static_cast<int64_t>(k.worker_id),
                    static_cast<int64_t>(k.num_workers),
                    static_cast<int64_t>(k.pin_memory)}) {
    h = (h ^ static_cast<uint64_t>(v)) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return h;
}

void TraceProcessor::EventKeySet::Grow() {
  std::vector<uint64_t> slots(slots_.empty() ? 1024 : slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (uint64_t slot : slots_) {
    if (slot == 0) continue;
    size_t pos = (slot >> 32) & mask;
    while (slots[pos] != 0) pos = (pos + 1) & mask;
    slots[pos] = slot;
  }
  slots_ = std::move(slots);
}

bool TraceProcessor::EventKeySet::Insert(const EventKey& k) {
  // Load factor at most 1/2. A slot holds the upper 32 hash bits (to place
  // it on growth and to skip most key comparisons) and the key's index + 1.
  if ((keys_.size() + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  const uint64_t high = Hash(k) >> 32;
  size_t pos = high & mask;
  while (slots_[pos] != 0) {
    if ((slots_[pos] >> 32) == high &&
        keys_[(slots_[pos] & 0xffffffffu) - 1] == k) {
      return false;
    }
    pos = (pos + 1) & mask;
  }
  slots_[pos] = (high << 32) | (keys_.size() + 1);
  keys_.push_back(k);
  return true;
}

void TraceProcessor::Emit(const RawEvent& args_from, StrId name_id,
                          int64_t pid, const TimeValue& start,
                          const TimeValue& end) {
  const std::string_view name = out_->strings().Get(name_id);
  StoreBuilder::Event e;
  e.start_us = start.is_int ? start.i : static_cast<int64_t>(start.d);
  e.end_us = end.is_int ? end.i : static_cast<int64_t>(end.d);
  if (e.end_us - e.start_us > kMaxDurationUs) {
    ++skipped_;
    diag_->Record(Issue::kAbsurdDuration, file_.rel_path, args_from.line,
                  fmt::format("'{}' (pid {}) lasts {:.1f} h", name, pid,
                              static_cast<double>(e.end_us - e.start_us) / 3.6e9));
    return;
  }
  e.name = name;
  e.phase = PhaseOf(pid);
  e.node = node_;
  e.step = args_from.step;
  e.os_pid = args_from.os_pid;
  e.tid = args_from.has_args_thread_id ? args_from.args_thread_id
          : args_from.has_tid           ? args_from.tid
                                        : -1;
  e.worker_id = args_from.worker_id;
  e.num_workers = args_from.num_workers;
  e.pin_memory = args_from.pin_memory;
  e.source = source_;
  // smdebug's pandas layer drops exact duplicate rows; a duplicated line (a
  // re-sent chunk, a hand-merged file) would otherwise count twice.
  if (!emitted_.Insert(EventKey{e.start_us, e.end_us, pid, e.tid, e.step,
                                e.os_pid, e.worker_id, e.num_workers, name_id,
                                e.pin_memory})) {
    ++skipped_;
    diag_->Record(Issue::kDuplicateEvent, file_.rel_path, args_from.line,
                  fmt::format("'{}' (pid {}) at {} us, {} us", name, pid,
                              e.start_us, e.end_us - e.start_us));
    return;
  }
  out_->AddEvent(e);
  ++kept_;
}

// Counting: a record is an X event, a B/E pair (counted once, at its E, or
// at the end of the file for a B never ended), a lone E, or an event the
// analysis ignores; metadata (M) is not a record. So for every file
// read = kept + skipped, and ignored phases are skipped for reason
// ignored_phase.
void TraceProcessor::Process(const RawEvent& ev) {
  if (!ev.has_ph) {
    ++read_;
    ++ignored_;
    return;
  }
  const TimeValue base{true, base_us_, static_cast<double>(base_us_)};
  if (ev.ph == "M") {
    if (ev.name == "process_name") {
      if (ev.has_base) {
        // A second base-time block (concatenated writers, docs/formats.md §3.1)
        // re-times the events after it; worth a line in the report.
        if (info_.has_own_base && ev.base_us != base_us_) {
          diag_->Record(Issue::kRepeatedBaseTime, file_.rel_path, ev.line,
                        fmt::format("base time changes from {} to {} us",
                                    base_us_, ev.base_us));
        }
        base_us_ = ev.base_us;
        info_.has_own_base = true;
      }
      // smdebug names a pid "Unknown" when args carry only the base time.
      phases_[ev.pid] = std::string(ev.has_args_name ? ev.args_name : "Unknown");
    }
    return;  // thread_name, *_sort_index: nothing to keep
  }
  if (ev.ph == "X") {
    ++read_;
    if (!ev.has_ts) return Skip(Issue::kMalformedEvent, ev, "X event without ts");
    if (!ev.has_dur) return Skip(Issue::kMissingDuration, ev, "X event without dur");
    MarkBaseUse();
    TimeValue start, end;
    if (!AddTimes(base, ev.ts, &start) || !AddTimes(start, ev.dur, &end)) {
      return Skip(Issue::kMalformedEvent, ev, "time out of range");
    }
    if (end.AsDouble() < start.AsDouble()) {
      return Skip(Issue::kNegativeDuration, ev, "negative dur");
    }
    Emit(ev, out_->strings().Intern(ev.name), ev.pid, start, end);
    return;
  }
  // B/E pairs are matched on a LIFO stack per top-level pid, per file (a B
  // left open at the end of the file is reported, not carried over). This is
  // how smdebug gets 19 events from horovod_timeline_traces: 19 X events are
  // kept, the 4 NEGOTIATE_ALLREDUCE B events (pids 1, 2, 12, 13) never see an
  // E on their pid and the 2 E events (pid 14) have no B, so no pair forms.
  if (ev.ph == "B") {
    if (!ev.has_ts) {
      ++read_;
      return Skip(Issue::kMalformedEvent, ev, "B event without ts");
    }
    MarkBaseUse();
    TimeValue start;
    if (!AddTimes(base, ev.ts, &start)) {
      ++read_;
      return Skip(Issue::kMalformedEvent, ev, "time out of range");
    }
    open_[ev.pid].push_back(
        OpenBegin{out_->strings().Intern(ev.name), start, ev.line, ev.pid});
    return;
  }
  if (ev.ph == "E") {
    ++read_;
    if (!ev.has_ts) return Skip(Issue::kMalformedEvent, ev, "E event without ts");
    auto it = open_.find(ev.pid);
    if (it == open_.end() || it->second.empty()) {
      return Skip(Issue::kUnmatchedEnd, ev, "E without B");
    }
    OpenBegin b = std::move(it->second.back());
    it->second.pop_back();
    MarkBaseUse();
    TimeValue end;
    if (!AddTimes(base, ev.ts, &end)) {
      return Skip(Issue::kMalformedEvent, ev, "time out of range");
    }
    if (end.AsDouble() < b.start.AsDouble()) {
      return Skip(Issue::kNegativeDuration, ev, "E before its B");
    }
    // The completed event takes the B's name and the E's args (§3.3).
    Emit(ev, b.name, ev.pid, b.start, end);
    return;
  }
  ++read_;
  ++ignored_;  // i, I, C, and anything unknown (informational)
}

TraceFileInfo TraceProcessor::Finish() {
  for (auto& [pid, stack] : open_) {
    for (const OpenBegin& b : stack) {
      ++read_;
      ++skipped_;
      diag_->Record(Issue::kUnmatchedBegin, file_.rel_path, b.line,
                    fmt::format("B '{}' (pid {}) never ended",
                                out_->strings().Get(b.name), pid));
    }
  }
  open_.clear();
  if (ignored_ > 0) diag_->Add(Issue::kIgnoredPhase, file_.rel_path, ignored_);
  skipped_ += ignored_;
  if (report_inherited_ && info_.used_inherited) {
    diag_->Record(Issue::kNoBaseTime, file_.rel_path, 0,
                  base_is_inherited_
                      ? fmt::format("no start_time_since_epoch_in_micros; "
                                    "inherited base {} us from the previous "
                                    "file of this kind",
                                    initial_base_us())
                      : std::string("no start_time_since_epoch_in_micros and "
                                    "no earlier file of this kind; base 0"));
  }
  info_.final_base_us = base_us_;
  FileStats& fs = out_->file(file_index_);
  fs.records_read += read_;
  fs.records_kept += kept_;
  fs.records_skipped += skipped_;
  return info_;
}

namespace {

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
void ProcessScanned(dom::parser* parser, const char* data,
                    const ArrayScan& scan, TraceProcessor* proc, Pass* pass) {
  pass->terminated = scan.terminated;
  pass->truncated_last = scan.partial_tail;
  RawEvent ev;
  for (const ArrayScan::Element& el : scan.elements) {
    if (ParseEventAt(parser, data + el.begin, el.size, el.line, &ev) ==
        LineParse::kEvent) {
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
bool ProcessLines(dom::parser* parser, const char* data, size_t size,
                  TraceProcessor* proc, Pass* pass) {
  const std::string_view all(data, size);
  size_t pos = 0;
  bool seen_open = false;
  int64_t line_no = 0;
  RawEvent ev;
  while (pos < size) {
    const char* nl =
        static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    size_t line_end = nl ? static_cast<size_t>(nl - data) : size;
    std::string_view line = Trim(all.substr(pos, line_end - pos));
    size_t next = nl ? line_end + 1 : size;
    ++line_no;
    pos = next;
    if (line_no == 1 && line.size() >= 3 &&
        std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0) {
      line = Trim(line.substr(3));
    }
    if (!seen_open && !line.empty() && line.front() == '[') {
      seen_open = true;
      line = Trim(line.substr(1));
    }
    if (!line.empty() && line.back() == ']' && Trim(all.substr(next)).empty()) {
      pass->terminated = true;
      line = Trim(line.substr(0, line.size() - 1));
    }
    if (!line.empty() && line.back() == ',') {
      line = Trim(line.substr(0, line.size() - 1));
    }
    if (line.empty()) continue;
    if (ParseEventAt(parser, line.data(), line.size(), line_no, &ev) !=
        LineParse::kEvent) {
      return false;
    }
    proc->Process(ev);
  }
  pass->line_no = line_no;
  return true;
}

}  // namespace

TraceFileInfo ImportChromeTracePadded(const InputFile& file, const char* data,
                                      size_t size, int64_t inherited_base_us,
                                      bool have_inherited, StoreBuilder* out,
                                      Diagnostics* diag) {
  const std::string node = RewriteNodeId(file.node);
  Pass pass;
  auto start_pass = [&](Pass* p) {
    FileStats stats;
    stats.rel_path = file.rel_path;
    stats.kind = file.kind;
    stats.bytes = size;
    p->file_index = p->builder.AddFile(std::move(stats));
  };
  auto make_proc = [&](Pass* p) {
    return std::make_unique<TraceProcessor>(
        file, node, have_inherited ? inherited_base_us : 0, have_inherited,
        /*report_inherited=*/true, p->file_index, &p->builder, &p->diag);
  };
  // Moves the pass's results to the caller's builder and diagnostics.
  auto finish = [&](TraceProcessor* proc) {
    for (const BadLine& b : pass.bad) {
      diag->Record(Issue::kMalformedEvent, file.rel_path, b.line, b.text);
    }
    if (!pass.terminated) {
      diag->Record(Issue::kTruncatedTrace, file.rel_path, pass.line_no,
                   pass.truncated_last
                       ? "last event incomplete; complete events kept"
                       : "array not terminated; complete events kept");
    }
    TraceFileInfo info = proc->Finish();
    FileStats& fs = pass.builder.file(pass.file_index);
    const int64_t bad = static_cast<int64_t>(pass.bad.size()) +
                        (pass.truncated_last ? 1 : 0);
    fs.records_read += bad;
    fs.records_skipped += bad;
    diag->Merge(pass.diag);
    out->Append(std::move(pass.builder));
    return info;
  };
  auto not_an_array = [&](size_t first) {
    start_pass(&pass);
    auto proc = make_proc(&pass);
    diag->Record(Issue::kNotAnArray, file.rel_path, 1,
                 std::string_view(data + first, std::min<size_t>(size - first, 120)));
    FileStats& fs = pass.builder.file(pass.file_index);
    fs.records_read += 1;
    fs.records_skipped += 1;
    TraceFileInfo info = proc->Finish();
    diag->Merge(pass.diag);
    out->Append(std::move(pass.builder));
    return info;
  };

  const std::string_view all(data, size);
  size_t first = 0;
  // A UTF-8 byte-order mark (hand-edited files) is not part of the JSON.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) first = 3;
  while (first < size && IsWs(data[first])) ++first;
  if (first == size) {  // empty: ImportAll reports it
    start_pass(&pass);
    auto proc = make_proc(&pass);
    TraceFileInfo info = proc->Finish();
    diag->Merge(pass.diag);
    out->Append(std::move(pass.builder));
    return info;
  }

  dom::parser parser;
  if (data[first] == '{') {
    // The TF-profiler shape, {"traceEvents": [...]}, is accepted here too;
    // any other object is what smdebug reads as 0 events (docs/formats.md §4).
    // Not smdebug's layout, so it may be parsed as one document.
    start_pass(&pass);
    auto proc = make_proc(&pass);
    dom::element root;
    dom::array arr;
    if (!parser.parse(reinterpret_cast<const uint8_t*>(data), size, false)
             .get(root) &&
        !root["traceEvents"].get_array().get(arr)) {
      pass.terminated = true;
      RawEvent ev;
      for (dom::element e : arr) {
        dom::object obj;
        if (e.get_object().get(obj)) {
          pass.bad.push_back(BadLine{0, "(traceEvents element is not an object)"});
          continue;
        }
        ExtractEvent(obj, 0, &ev);
        proc->Process(ev);
      }
      return finish(proc.get());
    }
    size_t key = all.find("\"traceEvents\"", first);
    size_t open = key == std::string_view::npos ? key : all.find('[', key);
    if (open == std::string_view::npos) return not_an_array(first);
    ProcessScanned(&parser, data, ScanArray(data, size, open), proc.get(), &pass);
    return finish(proc.get());
  }
  if (data[first] != '[') return not_an_array(first);

  // Fast path: one event per line, streamed.
  start_pass(&pass);
  {
    auto proc = make_proc(&pass);
    if (ProcessLines(&parser, data, size, proc.get(), &pass)) {
      return finish(proc.get());
    }
  }
  // Not one event per line (one giant line, pretty-printed, several events
  // on a line, a bad line), or a cut-off last line that may hold several
  // complete events: find the array's elements by their brackets instead.
  pass = Pass();
  start_pass(&pass);
  auto proc = make_proc(&pass);
  ProcessScanned(&parser, data, ScanArray(data, size, first), proc.get(), &pass);
  return finish(proc.get());
}

}  // namespace ingest_internal

void ImportChromeTrace(const InputFile& file, std::string_view contents,
                       TraceParseState* state, StoreBuilder* out,
                       Diagnostics* diag) {
  simdjson::padded_string padded(contents.data(), contents.size());
  int k = static_cast<int>(file.kind);
  ingest_internal::TraceFileInfo info =
      ingest_internal::ImportChromeTracePadded(
          file, padded.data(), contents.size(), state->base_time_us[k],
          state->has_base[k], out, diag);
  if (info.has_own_base) {
    state->base_time_us[k] = info.final_base_us;
    state->has_base[k] = true;
  }
}

}  // namespace smr
