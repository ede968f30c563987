// Reading Chrome-trace events: the fields of one event object, and the
// complete elements of a JSON array found by balancing brackets.
#include "src/ingest/trace_events.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace smr::ingest_internal {
namespace {

namespace dom = simdjson::dom;

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

// An optional field: *out and *has set when `e` is an integer (ReadInt),
// both left as they are otherwise.
void ReadIntField(dom::element e, bool* has, int64_t* out) {
  int64_t v;
  if (ReadInt(e, &v)) {
    *has = true;
    *out = v;
  }
}

// The same for a string field.
void ReadStringField(dom::element e, bool* has, std::string_view* out) {
  std::string_view s;
  if (!e.get_string().get(s)) {
    *has = true;
    *out = s;
  }
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
      ReadIntField(value, &ev->has_base, &ev->base_us);
    } else if (key == "name") {
      ReadStringField(value, &ev->has_args_name, &ev->args_name);
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
      ReadIntField(value, &ev->has_args_thread_id, &ev->args_thread_id);
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

}  // namespace

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

ArrayScan ScanArray(const char* data, size_t size, size_t open) {
  ArrayScan out;
  int64_t line = 1;
  for (const char* p = data;
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(data + open - p)))) !=
       nullptr;
       ++p) {
    ++line;
  }
  size_t pos = open + 1;
  while (true) {
    while (pos < size && (IsJsonSpace(data[pos]) || data[pos] == ',')) {
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
    while (end > begin && IsJsonSpace(data[end - 1])) --end;
    out.elements.push_back({begin, end - begin, begin_line});
  }
  out.last_line = line;
  return out;
}

size_t FindTraceEventsArray(std::string_view text, size_t from) {
  const size_t key = text.find("\"traceEvents\"", from);
  return key == std::string_view::npos ? key : text.find('[', key);
}

bool ParseEventSlice(simdjson::dom::parser* parser, const char* p, size_t len, int64_t line,
                     RawEvent* ev) {
  dom::element e;
  if (parser->parse(reinterpret_cast<const uint8_t*>(p), len, false).get(e)) return false;
  dom::object obj;
  if (e.get_object().get(obj)) return false;
  ExtractEvent(obj, line, ev);
  return true;
}

double TimeValue::AsDouble() const { return is_int ? static_cast<double>(i) : d; }

void ExtractEvent(dom::object obj, int64_t line, RawEvent* ev) {
  *ev = RawEvent{};
  ev->line = line;
  for (auto [key, value] : obj) {
    if (key == "ph") {
      ReadStringField(value, &ev->has_ph, &ev->ph);
    } else if (key == "name") {
      std::string_view s;
      if (!value.get_string().get(s)) ev->name = s;
    } else if (key == "pid") {
      ReadIntField(value, &ev->has_pid, &ev->pid);
    } else if (key == "tid") {
      ReadIntField(value, &ev->has_tid, &ev->tid);
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

}  // namespace smr::ingest_internal
