// smdebug Chrome-trace files (formats.md §3) and the event semantics shared
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
        ev->args_name.assign(s);
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
        ev->ph.assign(s);
      }
    } else if (key == "name") {
      std::string_view s;
      if (!value.get_string().get(s)) ev->name.assign(s);
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

size_t TraceProcessor::EventKeyHash::operator()(const EventKey& k) const {
  uint64_t h = std::hash<std::string>()(k.name);
  for (int64_t v : {k.start_us, k.end_us, k.pid, k.tid, k.step, k.os_pid,
                    static_cast<int64_t>(k.worker_id),
                    static_cast<int64_t>(k.num_workers),
                    static_cast<int64_t>(k.pin_memory)}) {
    h ^= static_cast<uint64_t>(v) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  }
  return static_cast<size_t>(h);
}

void TraceProcessor::Emit(const RawEvent& args_from, std::string_view name,
                          int64_t pid, const TimeValue& start,
                          const TimeValue& end) {
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
  e.file = file_index_;
  // smdebug's pandas layer drops exact duplicate rows; a duplicated line (a
  // re-sent chunk, a hand-merged file) would otherwise count twice.
  if (!emitted_
           .insert(EventKey{e.start_us, e.end_us, pid, e.tid, e.step, e.os_pid,
                            e.worker_id, e.num_workers, e.pin_memory,
                            std::string(name)})
           .second) {
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
        // A second base-time block (concatenated writers, formats.md §3.1)
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
      phases_[ev.pid] = ev.has_args_name ? ev.args_name : "Unknown";
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
    Emit(ev, ev.name, ev.pid, start, end);
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
    open_[ev.pid].push_back(OpenBegin{ev.name, start, ev.line, ev.pid});
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
                    fmt::format("B '{}' (pid {}) never ended", b.name, pid));
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

TraceFileInfo ImportChromeTracePadded(const InputFile& file, const char* data,
                                      size_t size, int64_t inherited_base_us,
                                      bool have_inherited, StoreBuilder* out,
                                      Diagnostics* diag) {
  FileStats stats;
  stats.rel_path = file.rel_path;
  stats.kind = file.kind;
  stats.bytes = size;
  uint32_t file_index = out->AddFile(std::move(stats));
  TraceProcessor proc(file, RewriteNodeId(file.node),
                      have_inherited ? inherited_base_us : 0, have_inherited,
                      /*report_inherited=*/true, file_index, out, diag);

  std::string_view all(data, size);
  size_t first = 0;
  // A UTF-8 byte-order mark (hand-edited files) is not part of the JSON.
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) first = 3;
  while (first < size && IsWs(data[first])) ++first;
  if (first == size) return proc.Finish();  // empty: ImportAll reports it

  dom::parser parser;
  std::vector<RawEvent> events;
  struct BadLine {
    int64_t line;
    std::string_view text;
  };
  std::vector<BadLine> bad;
  bool terminated = false;
  bool truncated_last = false;
  int64_t line_no = 0;
  RawEvent ev;

  // Parses the elements the scanner found (the salvage path).
  auto take_scanned = [&](const ArrayScan& scan) {
    events.clear();
    bad.clear();
    terminated = scan.terminated;
    truncated_last = scan.partial_tail;
    for (const ArrayScan::Element& el : scan.elements) {
      LineParse r = ParseEventAt(&parser, data + el.begin, el.size, el.line, &ev);
      if (r == LineParse::kEvent) {
        events.push_back(std::move(ev));
      } else {
        bad.push_back(BadLine{el.line, all.substr(el.begin, el.size)});
      }
    }
    line_no = scan.last_line;
  };

  if (data[first] == '{') {
    // The TF-profiler shape, {"traceEvents": [...]}, is accepted here too;
    // any other object is what smdebug reads as 0 events (formats.md §4).
    dom::element root;
    dom::array arr;
    if (!parser.parse(reinterpret_cast<const uint8_t*>(data), size, false)
             .get(root) &&
        !root["traceEvents"].get_array().get(arr)) {
      terminated = true;
      for (dom::element e : arr) {
        dom::object obj;
        if (e.get_object().get(obj)) {
          bad.push_back(BadLine{0, "(traceEvents element is not an object)"});
          continue;
        }
        ExtractEvent(obj, 0, &ev);
        events.push_back(std::move(ev));
      }
    } else {
      size_t key = all.find("\"traceEvents\"", first);
      size_t open = key == std::string_view::npos ? key : all.find('[', key);
      if (open == std::string_view::npos) {
        diag->Record(Issue::kNotAnArray, file.rel_path, 1,
                     all.substr(first, 120));
        FileStats& fs = out->file(file_index);
        fs.records_read += 1;
        fs.records_skipped += 1;
        return proc.Finish();
      }
      take_scanned(ScanArray(data, size, open));
    }
  } else if (data[first] != '[') {
    diag->Record(Issue::kNotAnArray, file.rel_path, 1, all.substr(first, 120));
    FileStats& fs = out->file(file_index);
    fs.records_read += 1;
    fs.records_skipped += 1;
    return proc.Finish();
  } else {
    // Fast path: smdebug's one-event-per-line layout.
    size_t pos = 0;
    bool seen_open = false;
    while (pos < size) {
      const char* nl = static_cast<const char*>(
          std::memchr(data + pos, '\n', size - pos));
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
      if (!line.empty() && line.back() == ']' &&
          Trim(all.substr(next)).empty()) {
        terminated = true;
        line = Trim(line.substr(0, line.size() - 1));
      }
      if (!line.empty() && line.back() == ',') {
        line = Trim(line.substr(0, line.size() - 1));
      }
      if (line.empty()) continue;
      LineParse r =
          ParseEventAt(&parser, line.data(), line.size(), line_no, &ev);
      if (r == LineParse::kEvent) {
        events.push_back(std::move(ev));
      } else if (r == LineParse::kInvalid && Trim(all.substr(next)).empty() &&
                 !terminated) {
        truncated_last = true;  // the writer died inside this event
      } else {
        bad.push_back(BadLine{line_no, line});
      }
    }
    // Not one event per line (one giant line, pretty-printed, several
    // events on a line), or a cut-off last line that may hold several
    // complete events: find the array's elements by their brackets instead.
    if (!bad.empty() || truncated_last) {
      take_scanned(ScanArray(data, size, first));
    }
  }

  for (const BadLine& b : bad) {
    diag->Record(Issue::kMalformedEvent, file.rel_path, b.line, b.text);
  }
  if (!terminated) {
    diag->Record(Issue::kTruncatedTrace, file.rel_path, line_no,
                 truncated_last ? "last event incomplete; complete events kept"
                                : "array not terminated; complete events kept");
  }
  for (const RawEvent& e : events) proc.Process(e);
  TraceFileInfo info = proc.Finish();
  FileStats& fs = out->file(file_index);
  fs.records_read += static_cast<int64_t>(bad.size()) + (truncated_last ? 1 : 0);
  fs.records_skipped += static_cast<int64_t>(bad.size()) + (truncated_last ? 1 : 0);
  return info;
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
