// TraceProcessor: B/E matching, base times, duplicate and absurd events of
// one Chrome-trace file (docs/formats.md §3.2-3.4).
#include "src/ingest/trace_processor.h"

#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace smr::ingest_internal {
namespace {

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

}  // namespace

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

TraceProcessor::TraceProcessor(const InputFile& file, std::string node, int64_t initial_base_us,
                               bool base_is_inherited, bool report_inherited, uint32_t file_index,
                               StoreBuilder* out, Diagnostics* diag)
    : file_(file),
      node_(std::move(node)),
      file_index_(file_index),
      out_(out),
      diag_(diag),
      base_us_(initial_base_us),
      base_is_inherited_(base_is_inherited),
      report_inherited_(report_inherited) {}

std::string_view TraceProcessor::PhaseOf(int64_t pid) const {
  auto it = phases_.find(pid);
  return it == phases_.end() ? std::string_view("Unknown") : std::string_view(it->second);
}

void TraceProcessor::Skip(Issue issue, const RawEvent& ev, std::string_view what) {
  ++skipped_;
  diag_->Record(issue, file_.rel_path, ev.line,
                fmt::format("{} '{}' (pid {}, ts {})", what, ev.name, ev.pid, ev.ts.AsDouble()));
}

void TraceProcessor::MarkBaseUse() {
  if (!info_.has_own_base) info_.used_inherited = true;
}

uint64_t TraceProcessor::EventKeySet::Hash(const EventKey& k) {
  uint64_t h = k.name;
  for (int64_t v :
       {k.start_us, k.end_us, k.pid, k.tid, k.step, k.os_pid, static_cast<int64_t>(k.worker_id),
        static_cast<int64_t>(k.num_workers), static_cast<int64_t>(k.pin_memory)}) {
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
    if ((slots_[pos] >> 32) == high && keys_[(slots_[pos] & 0xffffffffu) - 1] == k) {
      return false;
    }
    pos = (pos + 1) & mask;
  }
  slots_[pos] = (high << 32) | (keys_.size() + 1);
  keys_.push_back(k);
  return true;
}

void TraceProcessor::Emit(const RawEvent& args_from, StrId name_id, int64_t pid,
                          const TimeValue& start, const TimeValue& end) {
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
          : args_from.has_tid          ? args_from.tid
                                       : -1;
  e.worker_id = args_from.worker_id;
  e.num_workers = args_from.num_workers;
  e.pin_memory = args_from.pin_memory;
  e.source = file_.kind;
  // smdebug's pandas layer drops exact duplicate rows; a duplicated line (a
  // re-sent chunk, a hand-merged file) would otherwise count twice.
  if (!emitted_.Insert(EventKey{e.start_us, e.end_us, pid, e.tid, e.step, e.os_pid, e.worker_id,
                                e.num_workers, name_id, e.pin_memory})) {
    ++skipped_;
    diag_->Record(
        Issue::kDuplicateEvent, file_.rel_path, args_from.line,
        fmt::format("'{}' (pid {}) at {} us, {} us", name, pid, e.start_us, e.end_us - e.start_us));
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
  if (ev.ph == "M") return ProcessMetadata(ev);
  if (ev.ph == "X") return ProcessComplete(ev);
  if (ev.ph == "B") return ProcessBegin(ev);
  if (ev.ph == "E") return ProcessEnd(ev);
  ++read_;
  ++ignored_;  // i, I, C, and anything unknown (informational)
}

TimeValue TraceProcessor::Base() const {
  return TimeValue{true, base_us_, static_cast<double>(base_us_)};
}

void TraceProcessor::ProcessMetadata(const RawEvent& ev) {
  if (ev.name != "process_name") return;  // thread_name, *_sort_index: nothing to keep
  if (ev.has_base) {
    // A second base-time block (concatenated writers, docs/formats.md §3.1)
    // re-times the events after it; worth a line in the report.
    if (info_.has_own_base && ev.base_us != base_us_) {
      diag_->Record(Issue::kRepeatedBaseTime, file_.rel_path, ev.line,
                    fmt::format("base time changes from {} to {} us", base_us_, ev.base_us));
    }
    base_us_ = ev.base_us;
    info_.has_own_base = true;
  }
  // smdebug names a pid "Unknown" when args carry only the base time.
  phases_[ev.pid] = std::string(ev.has_args_name ? ev.args_name : "Unknown");
}

void TraceProcessor::ProcessComplete(const RawEvent& ev) {
  ++read_;
  if (!ev.has_ts) return Skip(Issue::kMalformedEvent, ev, "X event without ts");
  if (!ev.has_dur) return Skip(Issue::kMissingDuration, ev, "X event without dur");
  MarkBaseUse();
  TimeValue start, end;
  if (!AddTimes(Base(), ev.ts, &start) || !AddTimes(start, ev.dur, &end)) {
    return Skip(Issue::kMalformedEvent, ev, "time out of range");
  }
  if (end.AsDouble() < start.AsDouble()) {
    return Skip(Issue::kNegativeDuration, ev, "negative dur");
  }
  Emit(ev, out_->strings().Intern(ev.name), ev.pid, start, end);
}

// B/E pairs are matched on a LIFO stack per top-level pid, per file (a B
// left open at the end of the file is reported, not carried over). This is
// how smdebug gets 19 events from horovod_timeline_traces: 19 X events are
// kept, the 4 NEGOTIATE_ALLREDUCE B events (pids 1, 2, 12, 13) never see an
// E on their pid and the 2 E events (pid 14) have no B, so no pair forms.
void TraceProcessor::ProcessBegin(const RawEvent& ev) {
  if (!ev.has_ts) {
    ++read_;
    return Skip(Issue::kMalformedEvent, ev, "B event without ts");
  }
  MarkBaseUse();
  TimeValue start;
  if (!AddTimes(Base(), ev.ts, &start)) {
    ++read_;
    return Skip(Issue::kMalformedEvent, ev, "time out of range");
  }
  open_[ev.pid].push_back(OpenBegin{out_->strings().Intern(ev.name), start, ev.line, ev.pid});
}

void TraceProcessor::ProcessEnd(const RawEvent& ev) {
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
  if (!AddTimes(Base(), ev.ts, &end)) {
    return Skip(Issue::kMalformedEvent, ev, "time out of range");
  }
  if (end.AsDouble() < b.start.AsDouble()) {
    return Skip(Issue::kNegativeDuration, ev, "E before its B");
  }
  // The completed event takes the B's name and the E's args (§3.3).
  Emit(ev, b.name, ev.pid, b.start, end);
}

BaseTimeUse TraceProcessor::Finish() {
  for (auto& [pid, stack] : open_) {
    for (const OpenBegin& b : stack) {
      ++read_;
      ++skipped_;
      diag_->Record(Issue::kUnmatchedBegin, file_.rel_path, b.line,
                    fmt::format("B '{}' (pid {}) never ended", out_->strings().Get(b.name), pid));
    }
  }
  open_.clear();
  if (ignored_ > 0) diag_->Add(Issue::kIgnoredPhase, file_.rel_path, ignored_);
  skipped_ += ignored_;
  if (report_inherited_ && info_.used_inherited) {
    diag_->Record(Issue::kNoBaseTime, file_.rel_path, 0,
                  base_is_inherited_ ? fmt::format("no start_time_since_epoch_in_micros; "
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

bool FeedTraceEventsObject(simdjson::dom::parser* parser, const char* data, size_t size,
                           TraceProcessor* proc, int64_t* non_objects) {
  simdjson::dom::element root;
  if (parser->parse(reinterpret_cast<const uint8_t*>(data), size, false).get(root)) {
    return false;
  }
  simdjson::dom::array events;
  if (root["traceEvents"].get_array().get(events)) return false;
  RawEvent ev;
  for (simdjson::dom::element e : events) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      ++*non_objects;
      continue;
    }
    ExtractEvent(obj, 0, &ev);
    proc->Process(ev);
  }
  return true;
}

}  // namespace smr::ingest_internal
