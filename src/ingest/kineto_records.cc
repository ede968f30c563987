// What the Kineto importer makes of each event and top-level value
// (kineto_records.h).
#include "src/ingest/kineto_records.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

namespace smr::ingest_internal {
namespace {

namespace dom = simdjson::dom;

// An integer top-level field: a number (int, uint or integral float) or a
// numeric string; false for null or anything else.
bool DomInt(dom::element e, int64_t* out) {
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string_view s;
  if (!e.get_int64().get(i)) {
    *out = i;
  } else if (!e.get_uint64().get(u)) {
    *out = static_cast<int64_t>(u);
  } else if (!e.get_double().get(d) && d == static_cast<double>(static_cast<int64_t>(d))) {
    *out = static_cast<int64_t>(d);
  } else if (!e.get_string().get(s)) {
    return ParseIdText(s, out) && s.find(' ') == std::string_view::npos;
  } else {
    return false;
  }
  return true;
}

bool IsGpuSide(KinetoCategory c) {
  return IsGpuActivity(c) || c == KinetoCategory::kCudaSync ||
         c == KinetoCategory::kGpuUserAnnotation;
}

}  // namespace

KinetoCategory KinetoCategoryOf(std::string_view cat, bool* legacy, bool* known) {
  struct Row {
    std::string_view name;
    KinetoCategory category;
    bool legacy;
  };
  static constexpr Row kRows[] = {
      {"cpu_op", KinetoCategory::kCpuOp, false},
      {"user_annotation", KinetoCategory::kUserAnnotation, false},
      {"python_function", KinetoCategory::kPythonFunction, false},
      {"cuda_runtime", KinetoCategory::kRuntime, false},
      {"cuda_driver", KinetoCategory::kDriver, false},
      {"kernel", KinetoCategory::kKernel, false},
      {"gpu_memcpy", KinetoCategory::kMemcpy, false},
      {"gpu_memset", KinetoCategory::kMemset, false},
      {"cuda_sync", KinetoCategory::kCudaSync, false},
      {"gpu_user_annotation", KinetoCategory::kGpuUserAnnotation, false},
      {"Operator", KinetoCategory::kCpuOp, true},
      {"Runtime", KinetoCategory::kRuntime, true},
      {"Kernel", KinetoCategory::kKernel, true},
      {"Memcpy", KinetoCategory::kMemcpy, true},
      {"Memset", KinetoCategory::kMemset, true},
  };
  for (const Row& r : kRows) {
    if (r.name == cat) {
      *legacy = r.legacy;
      *known = true;
      return r.category;
    }
  }
  *legacy = false;
  *known = false;
  return KinetoCategory::kOther;
}

int32_t NormaliseStream(int64_t stream) {
  if (stream == 4294967295LL || stream < 0 || stream > 0x7fffffff) return -1;
  return static_cast<int32_t>(stream);
}

KinetoRecords::KinetoRecords(std::string rel_path, Diagnostics* diag) : diag_(diag) {
  trace_.rel_path = std::move(rel_path);
}

bool KinetoRecords::WantsTopKey(std::string_view key) const {
  return key == "baseTimeNanoseconds" || key == "distributedInfo" || key == "deviceProperties";
}

void KinetoRecords::TopValue(dom::parser* parser, std::string_view key, const char* p, size_t n) {
  dom::element e;
  if (parser->parse(reinterpret_cast<const uint8_t*>(p), n, false).get(e)) {
    diag_->Record(Issue::kBadFieldType, trace_.rel_path, 0,
                  fmt::format("top-level {} is not valid JSON; ignored", key));
    return;
  }
  if (key == "baseTimeNanoseconds") {
    int64_t base = 0;
    if (DomInt(e, &base)) {
      has_base_ = true;
      trace_.base_time_ns = base;
      trace_.relative_timestamps = true;
    } else if (!e.is_null()) {
      diag_->Record(Issue::kBadFieldType, trace_.rel_path, 0,
                    "baseTimeNanoseconds is not an integer; timestamps read as epoch µs");
    }
  } else if (key == "distributedInfo") {
    dom::object o;
    if (e.get_object().get(o)) return;
    int64_t v = 0;
    dom::element f;
    if (!o["rank"].get(f) && DomInt(f, &v)) trace_.rank = v;
    if (!o["world_size"].get(f) && DomInt(f, &v)) trace_.world_size = v;
    std::string_view s;
    if (!o["backend"].get(f) && !f.get_string().get(s)) trace_.backend = std::string(s);
  } else if (key == "deviceProperties") {
    dom::array a;
    if (e.get_array().get(a)) return;
    for (dom::element d : a) {
      int64_t id = -1;
      dom::element f;
      std::string_view name;
      if (d["id"].get(f) || !DomInt(f, &id) || id < 0 || id > 4096) continue;
      if (d["name"].get(f) || f.get_string().get(name)) continue;
      if (trace_.gpu_names.size() <= static_cast<size_t>(id)) {
        trace_.gpu_names.resize(static_cast<size_t>(id) + 1);
      }
      trace_.gpu_names[static_cast<size_t>(id)] = std::string(name);
    }
  }
}

void KinetoRecords::Skip(Issue issue, int64_t line, const char* why, const char* p, size_t n) {
  ++trace_.counts.skipped;
  diag_->Record(issue, trace_.rel_path, line,
                fmt::format("{}: {}", why, std::string_view(p, std::min<size_t>(n, 100))));
}

void KinetoRecords::Element(simdjson::ondemand::parser* parser, const char* p, size_t n,
                            int64_t line) {
  KinetoCounts& c = trace_.counts;
  ++c.events_read;
  KinetoRawEvent ev;
  KinetoEventError error;
  if (!ParseKinetoEvent(parser, p, n, &ev, &error)) return Skip(error.issue, line, error.why, p, n);
  const std::string_view ph = ev.ph;
  if (ph == "M") {
    ++c.metadata;
  } else if (ph == "s" || ph == "f" || ph == "t") {
    ++c.flows;
  } else if (ev.pid.present && !ev.pid.numeric) {
    ++c.non_thread;  // "Spans", "Traces", "": not a process
  } else if (ph == "X") {
    AddComplete(ev, line, p, n);
  } else if ((ph == "i" || ph == "I") && ev.name == "[memory]") {
    if (!ev.has_ts) return Skip(Issue::kMissingField, line, "[memory] event without ts", p, n);
    AddMemory(ev);
  } else if (ph == "i" || ph == "I") {
    ++c.other_instants;
  } else {
    ++c.other_phases;
  }
}

void KinetoRecords::AddComplete(const KinetoRawEvent& ev, int64_t line, const char* p, size_t n) {
  if (!ev.has_ts) return Skip(Issue::kMissingField, line, "X event without ts", p, n);
  if (!ev.has_dur) return Skip(Issue::kMissingDuration, line, "X event without dur", p, n);
  if (ev.dur_ns < 0) return Skip(Issue::kNegativeDuration, line, "negative dur", p, n);
  KinetoCounts& c = trace_.counts;
  ++c.complete;
  bool legacy = false, known = false;
  const KinetoCategory cat = KinetoCategoryOf(ev.cat, &legacy, &known);
  if (!known) ++c.unknown_category;
  if (legacy) trace_.legacy = true;
  KinetoEvents& e = trace_.events;
  e.start_ns.push_back(ev.ts_ns);
  e.dur_ns.push_back(ev.dur_ns);
  e.category.push_back(cat);
  e.name.push_back(trace_.strings.Intern(ev.name));
  e.raw_category.push_back(trace_.strings.Intern(ev.cat));
  const int64_t pid = ev.pid.numeric ? ev.pid.value : -1;
  const int64_t tid = ev.tid.numeric ? ev.tid.value : -1;
  int32_t device = -1, stream = -1;
  int64_t thread = -1;
  if (IsGpuSide(cat)) {
    device = static_cast<int32_t>(ev.has_device ? ev.device : pid);
    stream = ev.has_stream ? NormaliseStream(ev.stream) : NormaliseStream(tid);
  } else if (IsHostCategory(cat)) {
    thread = tid;
  } else {  // kOther: as written
    thread = tid;
    if (ev.has_device) device = static_cast<int32_t>(ev.device);
    if (ev.has_stream) stream = NormaliseStream(ev.stream);
  }
  e.device.push_back(device);
  e.stream.push_back(stream);
  e.tid.push_back(thread);
  e.pid.push_back(pid);
  e.correlation.push_back(ev.correlation);
  e.external_id.push_back(ev.external_id);
  const bool copy = cat == KinetoCategory::kMemcpy || cat == KinetoCategory::kMemset;
  e.bytes.push_back(copy ? ev.bytes : -1);
}

void KinetoRecords::AddMemory(const KinetoRawEvent& ev) {
  ++trace_.counts.memory;
  KinetoMemorySample s;
  s.ts_ns = ev.ts_ns;
  s.device = static_cast<int32_t>(ev.mem_device);
  s.device_type = static_cast<int32_t>(ev.mem_device_type);
  s.bytes = ev.has_mem_bytes ? ev.mem_bytes : 0;
  s.total_allocated = ev.total_allocated;
  s.total_reserved = ev.total_reserved;
  trace_.memory.push_back(s);
}

bool KinetoRecords::Conclude(const KinetoScanner& scanner, FileStats* stats) {
  using Shape = KinetoScanner::Shape;
  KinetoCounts& c = trace_.counts;
  if (scanner.shape() == Shape::kEmpty || scanner.shape() == Shape::kInvalid) {
    if (scanner.shape() == Shape::kInvalid) {
      diag_->Record(Issue::kNotAnArray, trace_.rel_path, 1,
                    "not a Kineto trace: neither a {\"traceEvents\": [...]} object nor an array");
    }
    stats->records_read += 1;
    stats->records_skipped += 1;
    return false;
  }
  trace_.bare_array = scanner.shape() == Shape::kArray;
  if (!scanner.events_found()) {
    diag_->Record(Issue::kMissingField, trace_.rel_path, 0, "no traceEvents array: no events");
  }
  if (scanner.partial_element()) {
    ++c.events_read;
    ++c.skipped;
  }
  if (!scanner.complete()) {
    const char* what = scanner.partial_element() ? "last event incomplete; complete events kept"
                       : scanner.events_terminated()
                           ? "document cut off after the events; the keys after them are lost"
                           : "events array not terminated; complete events kept";
    diag_->Record(Issue::kTruncatedTrace, trace_.rel_path, scanner.line(), what);
  }
  if (has_base_) {
    for (int64_t& t : trace_.events.start_ns) t += trace_.base_time_ns;
    for (KinetoMemorySample& m : trace_.memory) m.ts_ns += trace_.base_time_ns;
  }
  // Records are the events the analyses can use (complete events and
  // memory samples) and the malformed ones, so read = kept + skipped as for
  // every format; flows, metadata and spans on string pids are counted in
  // KinetoCounts only (like smdebug's M events, they are not records).
  stats->records_read += c.complete + c.memory + c.skipped;
  stats->records_kept += c.complete + c.memory;
  stats->records_skipped += c.skipped;
  return true;
}

}  // namespace smr::ingest_internal
