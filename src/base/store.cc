#include "smr/store.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>
#include <type_traits>

namespace smr {

// ---- StringPool --------------------------------------------------------------

StringPool::StringPool() { Intern(""); }

StrId StringPool::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  const StrId id = static_cast<StrId>(strings_.size());
  strings_.emplace_back(s);
  index_.emplace(std::string_view(strings_.back()), id);
  return id;
}

int64_t StringPool::Find(std::string_view s) const {
  auto it = index_.find(s);
  return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
}

// ---- Metric classification (docs/formats.md §2.2) --------------------------------

namespace {

// Returns N for "<prefix>N", else -1.
int DeviceIndex(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) {
    return -1;
  }
  int n = 0;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return -1;
    if (n > 1'000'000) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string SeriesKeyString(std::string_view node, std::string_view type, std::string_view name,
                            std::string_view dimension) {
  std::string key;
  key.reserve(node.size() + type.size() + name.size() + dimension.size() + 3);
  key.append(node).push_back('\0');
  key.append(type).push_back('\0');
  key.append(name).push_back('\0');
  key.append(dimension);
  return key;
}

}  // namespace

MetricKind ClassifyMetric(std::string_view type, std::string_view name,
                          std::string_view dimension) {
  if (type == "cpu") {
    if (dimension == "CPUUtilization") return MetricKind::kCpuUtilization;
    if (dimension == "I/OWaitPercentage") return MetricKind::kCpuIoWait;
  } else if (type == "gpu") {
    if (dimension == "GPUUtilization") return MetricKind::kGpuUtilization;
    if (dimension == "GPUMemoryUtilization") return MetricKind::kGpuMemory;
  } else if (type == "memory") {
    if (name == "MemoryUsedPercent") return MetricKind::kHostMemoryUsed;
  } else if (type == "i/o") {
    if (name == "IOPS") return MetricKind::kIoIops;
    if (name == "ReadThroughputInBytesPerSecond") return MetricKind::kIoReadBytes;
    if (name == "WriteThroughputInBytesPerSecond") return MetricKind::kIoWriteBytes;
  } else if (type == "network") {
    const bool rx = name == "ReceiveBytesPerSecond";
    const bool tx = name == "TransmitBytesPerSecond";
    if (dimension == "Algorithm") {
      if (rx) return MetricKind::kNetRxAlgorithm;
      if (tx) return MetricKind::kNetTxAlgorithm;
    } else if (dimension == "Platform") {
      if (rx) return MetricKind::kNetRxPlatform;
      if (tx) return MetricKind::kNetTxPlatform;
    }
  }
  return MetricKind::kOther;
}

const char* MetricKindName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCpuUtilization:
      return "CPU utilization";
    case MetricKind::kCpuIoWait:
      return "I/O wait";
    case MetricKind::kGpuUtilization:
      return "GPU utilization";
    case MetricKind::kGpuMemory:
      return "GPU memory";
    case MetricKind::kHostMemoryUsed:
      return "host memory used";
    case MetricKind::kIoIops:
      return "IOPS";
    case MetricKind::kIoReadBytes:
      return "read throughput";
    case MetricKind::kIoWriteBytes:
      return "write throughput";
    case MetricKind::kNetRxAlgorithm:
      return "network receive (algorithm)";
    case MetricKind::kNetTxAlgorithm:
      return "network transmit (algorithm)";
    case MetricKind::kNetRxPlatform:
      return "network receive (platform)";
    case MetricKind::kNetTxPlatform:
      return "network transmit (platform)";
    case MetricKind::kOther:
      return "other";
  }
  return "other";
}

bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      // Compare numerically without overflow: strip leading zeros, then by
      // length, then lexicographically.
      size_t ia = i, jb = j;
      while (ia + 1 < ie && a[ia] == '0') ++ia;
      while (jb + 1 < je && b[jb] == '0') ++jb;
      const size_t la = ie - ia, lb = je - jb;
      if (la != lb) return la < lb;
      const int c = a.substr(ia, la).compare(b.substr(jb, lb));
      if (c != 0) return c < 0;
      if ((ie - i) != (je - j)) return (ie - i) < (je - j);
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return (a.size() - i) < (b.size() - j);
}

// ---- SystemColumns -----------------------------------------------------------

void SystemColumns::Push(uint32_t series, double ts_s, double value) {
  series_.push_back(series);
  if (ts_values_.empty() ||
      std::bit_cast<uint64_t>(ts_values_.back()) != std::bit_cast<uint64_t>(ts_s)) {
    ts_values_.push_back(ts_s);
  }
  ts_index_.push_back(static_cast<uint32_t>(ts_values_.size() - 1));
  PushValue(value);
}

void SystemColumns::PushValue(double value) {
  if (wide_) {
    wide_values_.push_back(value);
    return;
  }
  // Scales in the order values are usually written (2 decimals, integers,
  // 1 decimal, then longer ones). Whatever k is tried, the code is kept only
  // if it decodes to the same bits, so a wrong guess costs time, not
  // accuracy (and -0.0, NaN or 0.1 + 0.2 simply go to the escape table).
  static constexpr uint32_t kOrder[] = {2, 0, 1, 3, 4, 5, 6};
  for (uint32_t k : kOrder) {
    const double scaled = value * kPow10[k];
    if (!(std::fabs(scaled) < 268435456.0)) continue;  // |m| < 2^28
    const auto m = static_cast<int32_t>(std::nearbyint(scaled));
    if (std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[k]) ==
        std::bit_cast<uint64_t>(value)) {
      value_code_.push_back((static_cast<uint32_t>(m) << 3) | k);
      return;
    }
  }
  if (escapes_.size() >= escape_capacity_) {
    MakeWide();
    wide_values_.push_back(value);
    return;
  }
  value_code_.push_back((static_cast<uint32_t>(escapes_.size()) << 3) | kEscape);
  escapes_.push_back(value);
}

void SystemColumns::MakeWide() {
  if (wide_) return;
  std::vector<double> values;
  values.reserve(std::max(value_code_.capacity(), value_code_.size() + 1));
  for (size_t r = 0; r < value_code_.size(); ++r) values.push_back(value(r));
  wide_values_ = std::move(values);
  wide_ = true;
  std::vector<uint32_t>().swap(value_code_);
  std::vector<double>().swap(escapes_);
}

void SystemColumns::Reserve(size_t rows) {
  series_.reserve(rows);
  ts_index_.reserve(rows);
  if (wide_) {
    wide_values_.reserve(rows);
  } else {
    value_code_.reserve(rows);
  }
}

namespace {
// Room for `extra` more elements, growing geometrically (a bare
// reserve(size + extra) per append would copy the column every time).
template <typename V>
void GrowFor(V& v, size_t extra) {
  if (v.size() + extra > v.capacity()) v.reserve(std::max(v.size() + extra, 2 * v.capacity()));
}
}  // namespace

void SystemColumns::AppendFrom(SystemColumns&& other) {
  if (other.size() == 0) {
    other = SystemColumns(other.escape_capacity_);
    return;
  }
  if (size() == 0 && series_.capacity() == 0 && other.escape_capacity_ == escape_capacity_) {
    *this = std::move(other);  // nothing to renumber
    other = SystemColumns(escape_capacity_);
    return;
  }
  GrowFor(series_, other.series_.size());
  series_.insert(series_.end(), other.series_.begin(), other.series_.end());
  std::vector<uint32_t>().swap(other.series_);

  const auto ts_offset = static_cast<uint32_t>(ts_values_.size());
  GrowFor(ts_index_, other.ts_index_.size());
  for (uint32_t i : other.ts_index_) ts_index_.push_back(i + ts_offset);
  std::vector<uint32_t>().swap(other.ts_index_);
  ts_values_.insert(ts_values_.end(), other.ts_values_.begin(), other.ts_values_.end());
  std::vector<double>().swap(other.ts_values_);

  if (!wide_ && !other.wide_ && escapes_.size() + other.escapes_.size() <= escape_capacity_) {
    const auto esc_offset = static_cast<uint32_t>(escapes_.size());
    GrowFor(value_code_, other.value_code_.size());
    for (uint32_t code : other.value_code_) {
      value_code_.push_back((code & 7u) == kEscape ? code + (esc_offset << 3) : code);
    }
    escapes_.insert(escapes_.end(), other.escapes_.begin(), other.escapes_.end());
  } else {
    MakeWide();
    GrowFor(wide_values_, other.size());
    const size_t n = other.wide_ ? other.wide_values_.size() : other.value_code_.size();
    for (size_t r = 0; r < n; ++r) wide_values_.push_back(other.value(r));
  }
  other = SystemColumns(other.escape_capacity_);
}

void SystemColumns::RemapSeries(const std::vector<uint32_t>& map) {
  for (uint32_t& s : series_) s = map[s];
}

size_t SystemColumns::bytes() const {
  return series_.capacity() * 4 + ts_index_.capacity() * 4 + ts_values_.capacity() * 8 +
         value_code_.capacity() * 4 + escapes_.capacity() * 8 + wide_values_.capacity() * 8;
}

std::pair<double, double> SystemColumns::TimestampRange() const {
  if (ts_values_.empty()) return {0, 0};
  auto [mn, mx] = std::minmax_element(ts_values_.begin(), ts_values_.end());
  return {*mn, *mx};
}

// ---- StoreBuilder -------------------------------------------------------------

uint32_t StoreBuilder::SeriesId(std::string_view node, std::string_view type, std::string_view name,
                                std::string_view dimension) {
  std::string key = SeriesKeyString(node, type, name, dimension);
  auto it = series_index_.find(key);
  if (it != series_index_.end()) return it->second;
  SeriesInfo info;
  info.node = strings_.Intern(node);
  info.type = strings_.Intern(type);
  info.name = strings_.Intern(name);
  info.dimension = strings_.Intern(dimension);
  info.kind = ClassifyMetric(type, name, dimension);
  if (type == "cpu") info.device = DeviceIndex(name, "cpu");
  if (type == "gpu") info.device = DeviceIndex(name, "gpu");
  const uint32_t id = static_cast<uint32_t>(series_.size());
  series_.push_back(info);
  series_index_.emplace(std::move(key), id);
  return id;
}

uint32_t StoreBuilder::AddFile(FileStats stats) {
  files_.push_back(std::move(stats));
  return static_cast<uint32_t>(files_.size() - 1);
}

void StoreBuilder::AddEvent(const Event& e) {
  ev_.start_us.push_back(e.start_us);
  ev_.end_us.push_back(e.end_us);
  ev_.name.push_back(strings_.Intern(e.name));
  ev_.phase.push_back(strings_.Intern(e.phase));
  ev_.node.push_back(strings_.Intern(e.node));
  ev_.step.push_back(e.step);
  ev_.os_pid.push_back(e.os_pid);
  ev_.tid.push_back(e.tid);
  ev_.worker_id.push_back(e.worker_id);
  ev_.num_workers.push_back(e.num_workers);
  ev_.pin_memory.push_back(e.pin_memory);
  ev_.source.push_back(e.source);
}

namespace {
// Calls fn(a.col, b.col) for every column of two EventColumns.
template <typename Fn>
void ForEachEventColumn(EventColumns& a, EventColumns& b, Fn&& fn) {
  auto each = [&](auto... column) { (fn(a.*column, b.*column), ...); };
  using E = EventColumns;
  each(&E::start_us, &E::end_us, &E::name, &E::phase, &E::node, &E::step, &E::os_pid, &E::tid,
       &E::worker_id, &E::num_workers, &E::pin_memory, &E::source);
}

// Moves all events of `src` after those of `dst`, column by column, freeing
// each source column once copied (columns grow geometrically, so a column
// that outgrows its reservation costs one copy of that column only).
void AppendEvents(EventColumns* dst, EventColumns&& src) {
  if (src.size() == 0) return;
  if (dst->size() == 0 && dst->start_us.capacity() == 0) {
    *dst = std::move(src);
    src = EventColumns();
    return;
  }
  ForEachEventColumn(*dst, src, [](auto& d, auto& s) {
    GrowFor(d, s.size());
    d.insert(d.end(), s.begin(), s.end());
    std::remove_reference_t<decltype(s)>().swap(s);
  });
}
}  // namespace

void StoreBuilder::ReserveEvents(size_t events) {
  EventColumns& e = ev_;
  ForEachEventColumn(e, e, [&](auto& d, auto&) { d.reserve(d.size() + events); });
}

void StoreBuilder::Append(StoreBuilder&& other) {
  // String ids of `other` -> ids in this pool.
  std::vector<StrId> str_map(other.strings_.size());
  for (size_t i = 0; i < other.strings_.size(); ++i) {
    str_map[i] = strings_.Intern(other.strings_.Get(static_cast<StrId>(i)));
  }
  std::vector<uint32_t> series_map(other.series_.size());
  for (size_t i = 0; i < other.series_.size(); ++i) {
    const SeriesInfo& s = other.series_[i];
    series_map[i] = SeriesId(other.strings_.Get(s.node), other.strings_.Get(s.type),
                             other.strings_.Get(s.name), other.strings_.Get(s.dimension));
  }
  const uint32_t file_offset = static_cast<uint32_t>(files_.size());
  if (!other.files_.empty()) {
    // The builder of one file: its records' place in this store.
    FileStats& first = other.files_.front();
    first.first_row = sys_.size();
    first.rows = other.sys_.size();
    first.first_event = ev_.size();
    first.events = other.ev_.size();
  }
  for (auto& f : other.files_) files_.push_back(std::move(f));
  for (KinetoTrace& t : other.kineto_) {
    t.file_index += file_offset;
    kineto_.push_back(std::move(t));
  }

  // Rows and events are appended to this builder's columns at once, ids
  // rewritten in place first. Reserved for the whole input (ReserveSamples,
  // ReserveEvents), the columns do not reallocate, and each file's columns
  // are freed for the next file: no chunk queue, no second copy at Build.
  auto remap = [&](SystemColumns& sys, EventColumns& ev) {
    sys.RemapSeries(series_map);
    for (StrId& id : ev.name) id = str_map[id];
    for (StrId& id : ev.phase) id = str_map[id];
    for (StrId& id : ev.node) id = str_map[id];
  };
  remap(other.sys_, other.ev_);
  sys_.AppendFrom(std::move(other.sys_));
  AppendEvents(&ev_, std::move(other.ev_));

  other = StoreBuilder();
}

MetricStore StoreBuilder::Build() {
  const auto start = std::chrono::steady_clock::now();
  MetricStore m;
  m.strings_ = std::move(strings_);
  m.series_ = std::move(series_);
  m.sys_ = std::move(sys_);
  m.ev_ = std::move(ev_);
  m.files_ = std::move(files_);
  m.kineto_ = std::move(kineto_);
  std::stable_sort(m.kineto_.begin(), m.kineto_.end(),
                   [](const KinetoTrace& a, const KinetoTrace& b) {
                     if (a.RankOrZero() != b.RankOrZero()) return a.RankOrZero() < b.RankOrZero();
                     return a.rel_path < b.rel_path;
                   });

  // Per-series rows sorted by time (counting sort by series, then a stable
  // sort by timestamp inside each series; already sorted in practice).
  const size_t n_series = m.series_.size();
  const size_t n_rows = m.sys_.size();
  m.series_row_begin_.assign(n_series + 1, 0);
  for (uint32_t s : m.sys_.series_column()) ++m.series_row_begin_[s + 1];
  for (size_t s = 0; s < n_series; ++s) {
    m.series_row_begin_[s + 1] += m.series_row_begin_[s];
  }
  m.series_rows_.resize(n_rows);
  std::vector<uint32_t> cursor(m.series_row_begin_.begin(), m.series_row_begin_.end() - 1);
  for (size_t r = 0; r < n_rows; ++r) {
    m.series_rows_[cursor[m.sys_.series(r)]++] = static_cast<uint32_t>(r);
  }
  const SystemColumns& cols = m.sys_;
  // Which series are out of time order as stored: one sequential pass (the
  // rows of one series are far apart, so checking them per series would
  // read the columns at random).
  std::vector<char> unsorted(n_series, 0);
  {
    std::vector<double> last(n_series, -std::numeric_limits<double>::infinity());
    for (size_t r = 0; r < n_rows; ++r) {
      const uint32_t s = cols.series(r);
      const double t = cols.ts(r);
      if (t < last[s]) unsorted[s] = 1;
      last[s] = t;
    }
  }
  auto ts_less = [&cols](uint32_t x, uint32_t y) { return cols.ts(x) < cols.ts(y); };
  for (size_t s = 0; s < n_series; ++s) {
    if (!unsorted[s]) continue;
    auto b = m.series_rows_.begin() + m.series_row_begin_[s];
    auto e = m.series_rows_.begin() + m.series_row_begin_[s + 1];
    std::stable_sort(b, e, ts_less);
  }

  if (n_rows > 0) std::tie(m.min_ts_s_, m.max_ts_s_) = cols.TimestampRange();

  std::vector<StrId> nodes;
  for (const SeriesInfo& s : m.series_) {
    if (m.series_row_begin_[&s - m.series_.data() + 1] ==
        m.series_row_begin_[&s - m.series_.data()]) {
      continue;  // series without samples
    }
    nodes.push_back(s.node);
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  std::sort(nodes.begin(), nodes.end(),
            [&](StrId a, StrId b) { return NaturalLess(m.strings_.Get(a), m.strings_.Get(b)); });
  m.system_nodes_ = std::move(nodes);

  for (uint32_t i = 0; i < m.files_.size(); ++i) {
    if (m.files_[i].rows > 0) m.row_files_.push_back(i);
    if (m.files_[i].events > 0) m.event_files_.push_back(i);
  }

  *this = StoreBuilder();
  m.freeze_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

// ---- MetricStore ---------------------------------------------------------------

std::vector<uint32_t> MetricStore::SeriesOf(StrId node, MetricKind kind) const {
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < series_.size(); ++s) {
    if (series_[s].node == node && series_[s].kind == kind) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
    if (series_[a].device != series_[b].device) {
      return series_[a].device < series_[b].device;
    }
    return NaturalLess(str(series_[a].name), str(series_[b].name));
  });
  return out;
}

}  // namespace smr
