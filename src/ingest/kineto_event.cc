// One Kineto trace event (kineto_event.h).
#include "src/ingest/kineto_event.h"

#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "src/ingest/trace_events.h"

namespace smr::ingest_internal {
namespace {

namespace od = simdjson::ondemand;
using U128 = unsigned __int128;

// Reads an optional exponent at t[i...]; false when malformed.
bool ReadExponent(std::string_view t, size_t i, int64_t* exp) {
  *exp = 0;
  if (i == t.size()) return true;
  if (t[i] != 'e' && t[i] != 'E') return false;
  ++i;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  if (i == t.size()) return false;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    if (*exp < 100000) *exp = *exp * 10 + (t[i] - '0');
  }
  if (neg) *exp = -*exp;
  return true;
}

// `mant` × 10^scale rounded half away from zero, if it fits 2^63.
bool Scale(U128 mant, int64_t scale, U128* out) {
  constexpr U128 kLimit = U128{1} << 63;
  if (scale >= 0) {
    for (int64_t k = 0; k < scale && mant != 0; ++k) {
      mant *= 10;
      if (mant > kLimit) return false;
    }
    *out = mant;
    return mant <= kLimit;
  }
  if (scale < -38) {
    *out = 0;
    return true;
  }
  U128 d = 1;
  for (int64_t k = 0; k < -scale; ++k) d *= 10;
  U128 q = mant / d;
  if ((mant % d) * 2 >= d) ++q;
  *out = q;
  return q <= kLimit;
}

// A JSON value read as an integer id (number, numeric/hex/"stream N" string).
bool ReadId(od::value v, int64_t* out) {
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::number) {
    int64_t i = 0;
    if (!v.get_int64().get(i)) {
      *out = i;
      return true;
    }
    uint64_t u = 0;
    if (!v.get_uint64().get(u)) {
      *out = static_cast<int64_t>(u);
      return true;
    }
    double d = 0;  // 7.0 written as a float
    if (!v.get_double().get(d) && d == static_cast<double>(static_cast<int64_t>(d))) {
      *out = static_cast<int64_t>(d);
      return true;
    }
    return false;
  }
  if (type == od::json_type::string) {
    std::string_view s;
    return !v.get_string().get(s) && ParseIdText(s, out);
  }
  return false;
}

// A pid or tid.
void ReadPidTid(od::value v, KinetoId* id) {
  id->present = true;
  od::json_type type;
  if (v.type().get(type)) return;
  if (type == od::json_type::string) {
    std::string_view s;
    if (v.get_string().get(s)) return;
    id->text = s;
    id->numeric = ParseIdText(s, &id->value);
    return;
  }
  id->numeric = ReadId(v, &id->value);
}

// ts / dur: a number (or a numeric string) in µs.
bool ReadMicros(od::value v, int64_t* ns) {
  od::json_type type;
  if (v.type().get(type)) return false;
  std::string_view text;
  if (type == od::json_type::string) {
    if (v.get_string().get(text)) return false;
  } else if (type == od::json_type::number) {
    text = v.raw_json_token();
  } else {
    return false;
  }
  return DecimalMicrosToNs(text, ns);
}

// The args object.
bool ReadArgs(od::value v, KinetoRawEvent* ev) {
  od::object args;
  if (v.get_object().get(args)) return true;  // not an object: no args
  for (auto field_result : args) {
    od::field field;
    if (std::move(field_result).get(field)) return false;
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    od::value value = field.value();
    if (key == "device") {
      ev->has_device = ReadId(value, &ev->device);
    } else if (key == "stream") {
      ev->has_stream = ReadId(value, &ev->stream);
    } else if (key == "correlation") {
      ReadId(value, &ev->correlation);
    } else if (key == "External id" || key == "external id") {
      ReadId(value, &ev->external_id);
    } else if (key == "bytes") {
      ReadId(value, &ev->bytes);
    } else if (key == "Bytes") {
      ev->has_mem_bytes = ReadId(value, &ev->mem_bytes);
    } else if (key == "Device Id") {
      ReadId(value, &ev->mem_device);
    } else if (key == "Device Type") {
      ReadId(value, &ev->mem_device_type);
    } else if (key == "Total Allocated") {
      ReadId(value, &ev->total_allocated);
    } else if (key == "Total Reserved") {
      ReadId(value, &ev->total_reserved);
    }
  }
  return true;
}

}  // namespace

bool DecimalMicrosToNs(std::string_view t, int64_t* ns) {
  t = TrimJsonSpace(t);
  size_t i = 0;
  const bool neg = i < t.size() && t[i] == '-';
  if (neg) ++i;
  U128 mant = 0;
  int significant = 0;
  int64_t frac = 0;
  int64_t dropped = 0;  // integer digits beyond what U128 holds
  bool any = false, dot = false;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (significant >= 36) {  // beyond 36 digits only the scale matters
      if (!dot) ++dropped;
      continue;
    }
    mant = mant * 10 + static_cast<unsigned>(c - '0');
    if (mant != 0) ++significant;
    if (dot) ++frac;
  }
  int64_t exp = 0;
  if (!any || !ReadExponent(t, i, &exp)) return false;
  U128 v = 0;
  if (!Scale(mant, exp - frac + dropped + 3, &v)) return false;
  constexpr U128 kMax = static_cast<U128>(std::numeric_limits<int64_t>::max());
  if (!neg && v > kMax) return false;
  *ns = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
  return true;
}

bool ParseIdText(std::string_view s, int64_t* out) {
  s = TrimJsonSpace(s);
  const size_t space = s.rfind(' ');
  if (space != std::string_view::npos) s = s.substr(space + 1);  // "stream 7"
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (base == 16 && s.size() > 15) return false;
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool ParseKinetoEvent(od::parser* parser, const char* p, size_t n, KinetoRawEvent* ev,
                      KinetoEventError* error) {
  *ev = KinetoRawEvent{};
  *error = KinetoEventError{};
  od::document doc;
  od::object obj;
  if (parser->iterate(p, n, n + simdjson::SIMDJSON_PADDING).get(doc) || doc.get_object().get(obj)) {
    error->why = "not a JSON object";
    return false;
  }
  for (auto field_result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) {
      error->why = "invalid JSON";
      return false;
    }
    od::value value = field.value();
    if (key == "ph") {
      if (value.get_string().get(ev->ph)) ev->ph = std::string_view();
    } else if (key == "cat") {
      ev->has_cat = !value.get_string().get(ev->cat);
    } else if (key == "name") {
      if (value.get_string().get(ev->name)) ev->name = std::string_view();
    } else if (key == "pid") {
      ReadPidTid(value, &ev->pid);
    } else if (key == "tid") {
      ReadPidTid(value, &ev->tid);
    } else if (key == "ts") {
      ev->has_ts = true;
      if (!ReadMicros(value, &ev->ts_ns)) {
        *error = {Issue::kBadFieldType, "ts is not a number of µs"};
        return false;
      }
    } else if (key == "dur") {
      ev->has_dur = true;
      if (!ReadMicros(value, &ev->dur_ns)) {
        *error = {Issue::kBadFieldType, "dur is not a number of µs"};
        return false;
      }
    } else if (key == "args") {
      if (!ReadArgs(value, ev)) {
        error->why = "invalid JSON in args";
        return false;
      }
    }
  }
  return true;
}

}  // namespace smr::ingest_internal
