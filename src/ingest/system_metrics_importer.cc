// System metrics JSON lines (docs/formats.md §2, corruption handling §4).
//
// Hot path: the file is one padded buffer; each line is handed to the
// simdjson on-demand parser in place (the bytes after a line are the rest of
// the buffer, which satisfies simdjson's padding rule). String fields are
// views into the parser's string buffer, so nothing is allocated per line
// unless a new series appears. smdebug aborts the whole query on a bad line
// that is not the last one; we skip it, count it and keep everything else.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "src/ingest/importer.h"

namespace smr {
namespace ingest_internal {
namespace {

namespace od = simdjson::ondemand;

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
      return false;
    }
  }
  return true;
}

// Remembers which series followed which: system files repeat the same cycle
// of (node, type, name, dimension) keys every sample, so the successor of the
// previous line's series is almost always right and costs four short
// comparisons instead of building and hashing a key.
class SeriesPredictor {
 public:
  explicit SeriesPredictor(StoreBuilder* out) : out_(out) {}

  uint32_t Lookup(std::string_view node, std::string_view type, std::string_view name,
                  std::string_view dim) {
    uint32_t guess = prev_ < successor_.size() ? successor_[prev_] : kNone;
    uint32_t id;
    if (guess != kNone && Matches(guess, node, type, name, dim)) {
      id = guess;
    } else if (prev_ != kNone && Matches(prev_, node, type, name, dim)) {
      id = prev_;
    } else {
      id = out_->SeriesId(node, type, name, dim);
      if (id >= keys_.size()) {
        keys_.resize(id + 1);
        successor_.resize(id + 1, kNone);
      }
      Key& k = keys_[id];
      if (!k.set) {
        k = Key{std::string(node), std::string(type), std::string(name), std::string(dim), true};
      }
    }
    if (prev_ != kNone) successor_[prev_] = id;
    prev_ = id;
    return id;
  }

 private:
  static constexpr uint32_t kNone = 0xffffffffu;
  struct Key {
    std::string node, type, name, dim;
    bool set = false;
  };
  bool Matches(uint32_t id, std::string_view node, std::string_view type, std::string_view name,
               std::string_view dim) const {
    if (id >= keys_.size() || !keys_[id].set) return false;
    const Key& k = keys_[id];
    return k.name == name && k.dim == dim && k.type == type && k.node == node;
  }

  StoreBuilder* out_;
  std::vector<Key> keys_;
  std::vector<uint32_t> successor_;
  uint32_t prev_ = kNone;
};

enum class LineError { kNone, kMalformed, kMissing, kBadType, kNonFinite, kBadUtf8 };

Issue ToIssue(LineError e) {
  switch (e) {
    case LineError::kMissing:
      return Issue::kMissingField;
    case LineError::kBadType:
      return Issue::kBadFieldType;
    case LineError::kNonFinite:
      return Issue::kNonFiniteValue;
    case LineError::kBadUtf8:
      return Issue::kInvalidUtf8;
    default:
      return Issue::kMalformedLine;
  }
}

// Reads a required number. On failure the raw token tells why: NaN and
// Infinity are not JSON, so simdjson rejects them like any other junk.
LineError ReadNumber(od::value v, double* out) {
  simdjson::error_code err = v.get_double().get(*out);
  if (!err) {
    return std::isfinite(*out) ? LineError::kNone : LineError::kNonFinite;
  }
  std::string_view tok = v.raw_json_token();
  if (tok.empty()) return LineError::kMalformed;
  char c = tok[0];
  if (c == '"') return LineError::kBadType;
  if (c == 'N' || c == 'I' || (c == '-' && tok.size() > 1 && (tok[1] == 'I' || tok[1] == 'N'))) {
    return LineError::kNonFinite;
  }
  if (c != '-' && (c < '0' || c > '9')) return LineError::kBadType;
  // Out-of-range literals (1e999) are non-finite; anything else is junk.
  char buf[64];
  size_t n = 0;
  while (n < tok.size() && n < sizeof(buf) - 1 &&
         (tok[n] == '-' || tok[n] == '+' || tok[n] == '.' || tok[n] == 'e' || tok[n] == 'E' ||
          (tok[n] >= '0' && tok[n] <= '9'))) {
    buf[n] = tok[n];
    ++n;
  }
  buf[n] = '\0';
  double d = std::strtod(buf, nullptr);
  return std::isinf(d) ? LineError::kNonFinite : LineError::kMalformed;
}

// Reads a string field; `null` is accepted only where `null_ok`.
LineError ReadString(od::value v, std::string_view* out, bool null_ok) {
  simdjson::error_code err = v.get_string().get(*out);
  if (!err) return LineError::kNone;
  if (err == simdjson::INCORRECT_TYPE) {
    if (null_ok && v.is_null()) {
      *out = {};
      return LineError::kNone;
    }
    return LineError::kBadType;
  }
  return LineError::kMalformed;
}

constexpr double kMaxTimestampS = 4102444800.0;  // 2100-01-01T00:00:00Z

// A record is ~150 bytes; a line over 1 MiB is junk (a binary blob, a file
// of NULs, a JSON array on one line). It is counted without parsing so the
// parser's buffers (several bytes per input byte) stay small.
constexpr size_t kMaxLineBytes = size_t{1} << 20;

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof(b));
  return b;
}

// Finds exact duplicate samples: same series, timestamp and value, bit for
// bit (docs/data-quality.md "Time"). A repeat needs a timestamp no later
// than the series' latest, so in-order samples (the norm) only append to a
// vector; a series gets a hash set the first time it goes back in time.
class DuplicateFilter {
 public:
  bool Seen(uint32_t series, double ts, double value) {
    if (series >= per_.size()) per_.resize(series + 1);
    PerSeries& p = per_[series];
    const Key k{Bits(ts), Bits(value)};
    if (ts > p.max_ts) {
      p.max_ts = ts;
      if (p.set) {
        p.set->insert(k);
      } else {
        p.samples.push_back(k);
      }
      return false;
    }
    if (!p.set) {
      p.set =
          std::make_unique<std::unordered_set<Key, KeyHash>>(p.samples.begin(), p.samples.end());
      p.samples = {};
    }
    return !p.set->insert(k).second;
  }

 private:
  struct Key {
    uint64_t ts_bits;
    uint64_t value_bits;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = k.ts_bits * 0x9E3779B97F4A7C15ull;
      h ^= k.value_bits + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  struct PerSeries {
    double max_ts = -std::numeric_limits<double>::infinity();
    std::vector<Key> samples;
    std::unique_ptr<std::unordered_set<Key, KeyHash>> set;
  };
  std::vector<PerSeries> per_;
};

struct Record {
  std::string_view type, name, dim, node;
  double value = 0;
  double ts_s = 0;
};

// Parses one line in place. `capacity` = readable bytes from `line.data()`.
LineError ParseLine(od::parser* parser, std::string_view line, size_t capacity, Record* rec) {
  od::document doc;
  if (simdjson::error_code err = parser->iterate(line.data(), line.size(), capacity).get(doc)) {
    return err == simdjson::UTF8_ERROR ? LineError::kBadUtf8 : LineError::kMalformed;
  }
  od::object obj;
  if (doc.get_object().get(obj)) return LineError::kMalformed;
  enum : unsigned { kType = 1, kDim = 2, kValue = 4, kNode = 8, kTs = 16 };
  // Each field: its key, where it goes (a string or a number), whether it
  // may be null, and its bit in `seen` (0: optional).
  struct Field {
    const char* key;
    std::string_view Record::*text;
    double Record::*number;
    bool null_ok;
    unsigned bit;
  };
  static constexpr Field kFields[] = {
      {"Type", &Record::type, nullptr, false, kType},
      {"Name", &Record::name, nullptr, true, 0},
      {"Dimension", &Record::dim, nullptr, false, kDim},
      {"Value", nullptr, &Record::value, false, kValue},
      {"NodeId", &Record::node, nullptr, false, kNode},
      {"Timestamp", nullptr, &Record::ts_s, false, kTs},
  };
  unsigned seen = 0;
  LineError first_error = LineError::kNone;
  auto note = [&first_error](LineError e) {
    if (e != LineError::kNone && first_error == LineError::kNone) {
      first_error = e;
    }
  };
  for (auto field : obj) {
    od::raw_json_string key;
    if (field.key().get(key)) return LineError::kMalformed;
    od::value v;
    if (field.value().get(v)) return LineError::kMalformed;
    LineError e = LineError::kNone;
    for (const Field& f : kFields) {
      if (!key.unsafe_is_equal(f.key)) continue;
      e = f.text != nullptr ? ReadString(v, &(rec->*f.text), f.null_ok)
                            : ReadNumber(v, &(rec->*f.number));
      seen |= f.bit;
      break;
    }
    // A syntax error makes the rest of the object unreadable.
    if (e == LineError::kMalformed) return e;
    note(e);
  }
  // Trailing bytes after the object ("{...} x") make the line invalid.
  const char* loc = nullptr;
  if (!doc.current_location().get(loc)) return LineError::kMalformed;
  if (first_error != LineError::kNone) return first_error;
  if (seen != (kType | kDim | kValue | kNode | kTs)) return LineError::kMissing;
  // A timestamp before the epoch or after 2100 is not seconds since the
  // epoch (e.g. milliseconds written by mistake): it would stretch the
  // job's timeline over decades, so the line is counted as out of range.
  if (rec->ts_s < 0 || rec->ts_s > kMaxTimestampS) return LineError::kNonFinite;
  return LineError::kNone;
}

// One system file: lines fed in one or more newline-ended pieces (a big
// file is read in chunks, so it never has to be in memory whole).
class SystemMetricsImporter final : public Importer {
 public:
  explicit SystemMetricsImporter(const ImportContext& c)
      : file_(c.file), out_(c.out), diag_(c.diag), series_(c.out) {
    FileStats stats;
    stats.rel_path = file_.rel_path;
    stats.kind = file_.kind;
    file_index_ = out_->AddFile(std::move(stats));
    // A line is 110-140 bytes: reserving from the file size spares the
    // columns their growth by doubling (StoreBuilder::Append trims the rest).
    out_->ReserveSamples(
        static_cast<size_t>(std::min<uint64_t>(file_.size_bytes / 110, uint64_t{1} << 24)));
  }

  void Feed(const char* data, size_t size) override;

  // Fills the file's FileStats.
  BaseTimeUse Finish() override {
    FileStats& fs = out_->file(file_index_);
    fs.bytes = bytes_;
    fs.records_read = read_;
    fs.records_kept = kept_;
    fs.records_skipped = skipped_;
    return {};
  }

 private:
  const InputFile& file_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  od::parser parser_;
  SeriesPredictor series_;
  DuplicateFilter duplicates_;
  uint32_t file_index_ = 0;
  bool first_chunk_ = true;
  uint64_t bytes_ = 0;
  int64_t line_no_ = 0;
  int64_t read_ = 0, kept_ = 0, skipped_ = 0;
  int64_t blank_run_ = 0, blank_first_ = 0;
};

void SystemMetricsImporter::Feed(const char* data, size_t size) {
  const char* p = data;
  const char* const end = data + size;
  const char* const readable_end = end + simdjson::SIMDJSON_PADDING;
  bytes_ += size;
  // A UTF-8 byte-order mark (hand-edited files) is not part of the JSON.
  if (first_chunk_ && size >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  first_chunk_ = false;
  Record rec;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    p = nl ? nl + 1 : end;
    ++line_no_;
    if (IsBlank(line)) {
      // Trailing blank lines are fine; blanks followed by data are not.
      if (blank_run_++ == 0) blank_first_ = line_no_;
      continue;
    }
    if (blank_run_ > 0) {
      for (int64_t i = 0; i < blank_run_; ++i) {
        diag_->Record(Issue::kMalformedLine, file_.rel_path, blank_first_ + i, "(blank line)");
      }
      read_ += blank_run_;
      skipped_ += blank_run_;
      blank_run_ = 0;
    }
    ++read_;
    if (line.size() > kMaxLineBytes) {
      diag_->Record(Issue::kMalformedLine, file_.rel_path, line_no_,
                    fmt::format("(line of {} bytes) {}", line.size(), line.substr(0, 80)));
      ++skipped_;
      continue;
    }
    rec = Record{};
    LineError err =
        ParseLine(&parser_, line, static_cast<size_t>(readable_end - line.data()), &rec);
    if (err != LineError::kNone) {
      diag_->Record(ToIssue(err), file_.rel_path, line_no_, line);
      ++skipped_;
      continue;
    }
    const uint32_t id = series_.Lookup(rec.node, rec.type, rec.name, rec.dim);
    if (duplicates_.Seen(id, rec.ts_s, rec.value)) {
      diag_->Record(Issue::kDuplicateRecord, file_.rel_path, line_no_, line);
      ++skipped_;
      continue;
    }
    out_->AddSample(id, rec.ts_s, rec.value);
    ++kept_;
  }
}

}  // namespace

std::unique_ptr<Importer> NewSystemMetricsImporter(const ImportContext& context) {
  return std::make_unique<SystemMetricsImporter>(context);
}

}  // namespace ingest_internal
}  // namespace smr
