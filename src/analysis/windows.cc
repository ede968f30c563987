// WindowPlan: SageMaker ProfilerReport's 60 s scan windows
// (docs/rules.md §1). System rows are delivered to every window with
// start <= ts <= end (so a sample exactly on a boundary belongs to two
// windows), framework events to every window they overlap. The walk starts
// at the earliest file-name timestamp and, by default, stops where
// SageMaker's does (window start >= the latest file-name timestamp), so the
// last minute or so of data is not evaluated, as in SageMaker; with
// analyze_trailing_data the windows continue until every sample and event is
// covered (docs/compatibility.md). Only files that yielded a record count.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "smr/analysis.h"

namespace smr {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// smdebug converts float seconds with int(ts * 1e9) before comparing.
int64_t SecondsToNs(double ts_s) { return static_cast<int64_t>(ts_s * 1e9); }

// Counting-sort style bucketing into runs of consecutive items per window
// (items go to every window of their inclusive range [lo, hi] = range(i),
// in input order). `range(i)` is computed twice (count, then fill) rather
// than stored, which would cost 16 bytes an item at the memory peak.
template <typename RangeFn>
void BucketRuns(size_t num_items, RangeFn range, size_t num_windows, std::vector<RowRun>* runs,
                std::vector<uint32_t>* begin) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  const auto n = static_cast<uint32_t>(num_items);
  begin->assign(num_windows + 1, 0);
  std::vector<uint32_t> last_end(num_windows, kNone);  // end of window k's last run
  for (uint32_t i = 0; i < n; ++i) {
    const auto [lo, hi] = range(i);
    for (int64_t k = lo; k <= hi; ++k) {
      const auto w = static_cast<size_t>(k);
      if (last_end[w] != i) ++(*begin)[w + 1];
      last_end[w] = i + 1;
    }
  }
  for (size_t k = 0; k < num_windows; ++k) (*begin)[k + 1] += (*begin)[k];
  runs->assign((*begin)[num_windows], RowRun{});
  std::vector<uint32_t> cursor(begin->begin(), begin->end() - 1);
  last_end.assign(num_windows, kNone);
  for (uint32_t i = 0; i < n; ++i) {
    const auto [lo, hi] = range(i);
    for (int64_t k = lo; k <= hi; ++k) {
      const auto w = static_cast<size_t>(k);
      if (last_end[w] == i) {
        (*runs)[cursor[w] - 1].end = i + 1;
      } else {
        (*runs)[cursor[w]++] = RowRun{i, i + 1};
      }
      last_end[w] = i + 1;
    }
  }
}

using Range = std::pair<int64_t, int64_t>;  // inclusive window range; lo > hi: none
// The window ranges below; lo > hi means "no window" (left out).
constexpr Range kNone{0, -1};

// Which windows a sample or an event belongs to, before and after the
// windows are laid out.
struct WindowMath {
  const SystemColumns& sys;
  const EventColumns& ev;
  int64_t t0 = 0;  // µs
  int64_t w_us = 0;
  bool sagemaker_stop = false;
  int64_t n_full = 0;  // windows from t0 on, before compaction
  // A clock jump (one sample dated decades away) would otherwise create
  // millions of empty windows that every rule walks. Beyond ~45 days of
  // windows, stretches of kBlock windows (~17 h) without any sample or event
  // are left out (docs/compatibility.md); normal jobs are unaffected.
  static constexpr int64_t kBlock = 1024;
  static constexpr int64_t kCompactAbove = 64 * kBlock;
  std::vector<int64_t> block_base;  // compact index of a block's first window, -1 = skipped

  // In SageMaker's mode data before t0 (impossible in SageMaker's own layout
  // for system files; possible for a trace file named by its end time) is
  // left out as SageMaker leaves it out; otherwise it goes to window 0
  // rather than being silently dropped.
  // A sample's windows depend only on its timestamp: computed per
  // timestamp run (consecutive rows with one timestamp), not per row.
  Range SysRange(uint32_t run) const {
    const int64_t rel = SecondsToNs(sys.run_ts(run)) - t0 * 1000;
    if (rel < 0 && sagemaker_stop) return kNone;
    const int64_t w_ns = w_us * 1000;
    int64_t lo = 0, hi = 0;
    if (rel > 0) {
      hi = FloorDiv(rel, w_ns);
      lo = (rel % w_ns == 0) ? hi - 1 : hi;  // boundary: both windows
    }
    return Range(lo, hi);
  }
  Range EvRange(size_t i) const {
    const int64_t s = ev.start_us[i] - t0;
    const int64_t e = std::max(ev.end_us[i], ev.start_us[i]) - t0;
    if (e < 0 && sagemaker_stop) return kNone;
    // Overlap with [t0+kW, t0+(k+1)W]: k*W <= e and s <= (k+1)*W.
    int64_t hi = std::max<int64_t>(0, FloorDiv(e, w_us));
    int64_t lo = std::max<int64_t>(0, -FloorDiv(-(s - w_us), w_us));  // ceil
    if (lo > hi) lo = hi;
    return Range(lo, hi);
  }
  // Ranges cut to the windows that exist.
  Range Clip(Range r) const {
    if (r.first > r.second || r.first >= n_full) return kNone;
    return Range(r.first, std::min(r.second, n_full - 1));
  }
  // ... and numbered as laid out (after compaction).
  Range Compact(Range r) const {
    r = Clip(r);
    if (block_base.empty() || r.first > r.second) return r;
    auto map = [&](int64_t k) { return block_base[static_cast<size_t>(k / kBlock)] + k % kBlock; };
    return Range(map(r.first), map(r.second));
  }

  // The windows laid out: all n_full from t0, or with more than
  // kCompactAbove of them only the blocks of kBlock windows that hold data
  // (`used`, one flag per block; docs/compatibility.md).
  std::vector<int64_t> LayOut(const std::vector<uint8_t>& used) {
    std::vector<int64_t> starts;
    if (used.empty()) {
      starts.resize(static_cast<size_t>(n_full));
      for (int64_t k = 0; k < n_full; ++k) starts[static_cast<size_t>(k)] = t0 + k * w_us;
      return starts;
    }
    const auto nb = static_cast<int64_t>(used.size());
    block_base.assign(used.size(), -1);
    for (int64_t b = 0; b < nb; ++b) {
      if (!used[static_cast<size_t>(b)]) continue;
      block_base[static_cast<size_t>(b)] = static_cast<int64_t>(starts.size());
      for (int64_t k = b * kBlock; k < std::min(n_full, (b + 1) * kBlock); ++k) {
        starts.push_back(t0 + k * w_us);
      }
    }
    return starts;
  }

  // Marks in `used` the blocks of kBlock windows this store's data falls in.
  void MarkUsedBlocks(std::vector<uint8_t>* used) const {
    auto mark = [&](Range r) {
      if (r.first > r.second) return;
      for (int64_t b = r.first / kBlock; b <= r.second / kBlock; ++b)
        (*used)[static_cast<size_t>(b)] = 1;
    };
    const auto n_runs = static_cast<uint32_t>(sys.timestamp_runs());
    for (uint32_t r = 0; r < n_runs; ++r) mark(Clip(SysRange(r)));
    for (size_t i = 0; i < ev.size(); ++i) mark(Clip(EvRange(i)));
  }
};

WindowMath MathOf(const MetricStore& store, const PlanLayout& layout) {
  return WindowMath{store.system(),
                    store.events(),
                    layout.t0_us,
                    layout.window_us,
                    layout.sagemaker_stop,
                    layout.n_full,
                    {}};
}

// What is left out, for the report (data before t0 can only be left out
// in SageMaker's mode; data after the last window only in that mode too).
// Returns each timestamp run's laid-out window range.
std::vector<Range> CountLeftOut(const WindowMath& m, WindowCoverage* coverage) {
  const SystemColumns& sys = m.sys;
  const EventColumns& ev = m.ev;
  const auto n_runs = static_cast<uint32_t>(sys.timestamp_runs());
  const int64_t end_ns = (m.t0 + m.n_full * m.w_us) * 1000;
  std::vector<Range> run_range(n_runs);
  std::vector<int8_t> run_side(n_runs, 0);  // -1 before, +1 after, 0 delivered
  int64_t last_after_ns = end_ns;           // latest sample after the last window
  for (uint32_t r = 0; r < n_runs; ++r) {
    const Range raw = m.SysRange(r);
    run_range[r] = m.Compact(raw);
    if (run_range[r].first > run_range[r].second) {
      run_side[r] = raw.first > raw.second ? -1 : 1;  // kNone from SysRange: before t0
      if (run_side[r] > 0) last_after_ns = std::max(last_after_ns, SecondsToNs(sys.run_ts(r)));
    }
  }
  coverage->system_seconds_after = static_cast<double>(last_after_ns - end_ns) / 1e9;
  for (size_t i = 0; i < sys.size(); ++i) {
    const int8_t side = run_side[sys.ts_run(i)];
    if (side < 0) ++coverage->system_rows_before;
    if (side > 0) ++coverage->system_rows_after;
  }
  for (size_t i = 0; i < ev.size(); ++i) {
    const Range raw = m.EvRange(i);
    if (raw.first > raw.second) {
      ++coverage->events_before;
    } else if (raw.first >= m.n_full) {
      ++coverage->events_after;
    }
  }
  return run_range;
}

}  // namespace

void PlanFacts::Merge(const PlanFacts& o) {
  auto first = [](int64_t a, int64_t b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); };
  sys_first = first(sys_first, o.sys_first);
  fw_first = first(fw_first, o.fw_first);
  sys_latest = std::max(sys_latest, o.sys_latest);
  fw_latest = std::max(fw_latest, o.fw_latest);
  has_data = has_data || o.has_data;
  earliest_datum_us = std::min(earliest_datum_us, o.earliest_datum_us);
  max_sample_s = std::max(max_sample_s, o.max_sample_s);
  max_event_us = std::max(max_event_us, o.max_event_us);
}

// SageMaker's first and latest timestamps: the earliest and latest
// file-name timestamps of the system files; the framework files' earliest
// if it is earlier, their latest if it is *smaller*. A file that yielded
// no record (empty, unreadable, every line bad) does not count, so a stray
// file cannot move the walk (docs/compatibility.md). Without usable file
// names (stores built in memory): the earliest datum, truncated to whole
// seconds like SageMaker's file names.
PlanFacts CollectPlanFacts(const MetricStore& store, const Discovery& discovery) {
  PlanFacts f;
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();
  f.has_data = sys.size() > 0 || ev.size() > 0;
  std::unordered_set<std::string_view> with_data;
  for (const FileStats& file : store.files()) {
    if (file.records_kept > 0) with_data.insert(file.rel_path);
  }
  for (const InputFile& file : discovery.files) {
    if (file.name_ts_us <= 0) continue;  // e.g. TF traces without metadata
    if (!with_data.contains(file.rel_path)) continue;
    const bool system = file.kind == FileKind::kSystem;
    int64_t& first = system ? f.sys_first : f.fw_first;
    int64_t& latest = system ? f.sys_latest : f.fw_latest;
    first = first == 0 ? file.name_ts_us : std::min(first, file.name_ts_us);
    latest = std::max(latest, file.name_ts_us);
  }
  const auto n_runs = static_cast<uint32_t>(sys.timestamp_runs());
  for (uint32_t r = 0; r < n_runs; ++r) {
    const double ts = sys.run_ts(r);
    f.earliest_datum_us =
        std::min(f.earliest_datum_us, FloorDiv(SecondsToNs(ts), 1'000'000'000) * 1'000'000);
    f.max_sample_s = std::max(f.max_sample_s, ts);
  }
  for (size_t i = 0; i < ev.size(); ++i) {
    f.earliest_datum_us =
        std::min(f.earliest_datum_us, FloorDiv(ev.start_us[i], 1'000'000) * 1'000'000);
    f.max_event_us = std::max(f.max_event_us, std::max(ev.end_us[i], ev.start_us[i]));
  }
  return f;
}

void WindowPlan::AddCoverage(const WindowCoverage& other) {
  coverage_.system_rows_after += other.system_rows_after;
  coverage_.system_rows_before += other.system_rows_before;
  coverage_.events_after += other.events_after;
  coverage_.events_before += other.events_before;
  coverage_.system_seconds_after =
      std::max(coverage_.system_seconds_after, other.system_seconds_after);
}

bool PlanLayout::NeedsBlocks() const { return n_full > WindowMath::kCompactAbove; }

// SageMaker's stop rule: window k runs while its start t0 + k·W is before
// the latest timestamp. Without file names there is no such bound and the
// windows run to the last datum.
PlanLayout MakePlanLayout(const PlanFacts& facts, const WindowPlanOptions& options) {
  PlanLayout l;
  l.window_us = options.window_us > 0 ? options.window_us : WindowPlan::kWindowUs;
  l.stops_like_sagemaker = !options.analyze_trailing_data;
  l.has_data = facts.has_data;
  if (!facts.has_data) return l;
  const int64_t t0 =
      facts.sys_first != 0 && (facts.fw_first == 0 || facts.sys_first <= facts.fw_first)
          ? facts.sys_first
          : facts.fw_first;
  int64_t latest = facts.sys_latest;
  if (facts.fw_latest != 0 && (latest == 0 || facts.fw_latest < latest)) latest = facts.fw_latest;
  l.latest_file_ts_us = latest;
  const bool have_t0 = t0 != 0;
  l.t0_us = have_t0 ? t0 : facts.earliest_datum_us;
  l.sagemaker_stop = !options.analyze_trailing_data && have_t0;
  const int64_t w = l.window_us;
  if (l.sagemaker_stop) {
    l.n_full = latest > l.t0_us ? (latest - l.t0_us + w - 1) / w : 0;
    return l;
  }
  int64_t last_window = 0;
  if (facts.max_sample_s > -std::numeric_limits<double>::infinity()) {
    const int64_t rel = SecondsToNs(facts.max_sample_s) - l.t0_us * 1000;
    if (rel > 0) last_window = std::max(last_window, FloorDiv(rel, w * 1000));
  }
  if (facts.max_event_us > std::numeric_limits<int64_t>::min()) {
    last_window = std::max(last_window, FloorDiv(facts.max_event_us - l.t0_us, w));
  }
  l.n_full = last_window + 1;
  return l;
}

std::vector<uint8_t> UsedWindowBlocks(const MetricStore& store, const PlanLayout& layout) {
  std::vector<uint8_t> used;
  if (!layout.NeedsBlocks()) return used;
  used.assign(static_cast<size_t>((layout.n_full + WindowMath::kBlock - 1) / WindowMath::kBlock),
              0);
  MathOf(store, layout).MarkUsedBlocks(&used);
  return used;
}

WindowPlan::WindowPlan(const MetricStore& store, const Discovery& discovery,
                       const WindowPlanOptions& options) {
  PlanLayout layout = MakePlanLayout(CollectPlanFacts(store, discovery), options);
  layout.used_blocks = UsedWindowBlocks(store, layout);
  *this = WindowPlan(store, layout);
}

WindowPlan::WindowPlan(const MetricStore& store, const PlanLayout& layout)
    : window_us_(layout.window_us) {
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();
  coverage_.stops_like_sagemaker = layout.stops_like_sagemaker;
  if (!layout.has_data) return;  // no windows at all
  coverage_.latest_file_ts_us = layout.latest_file_ts_us;
  t0_us_ = layout.t0_us;
  WindowMath m = MathOf(store, layout);
  // A layout made for this store alone may leave its blocks to be found here.
  starts_ =
      m.LayOut(layout.NeedsBlocks() && layout.used_blocks.empty() ? UsedWindowBlocks(store, layout)
                                                                  : layout.used_blocks);
  const std::vector<Range> run_range = CountLeftOut(m, &coverage_);

  const size_t n = starts_.size();
  BucketRuns(
      sys.size(), [&](uint32_t i) { return run_range[sys.ts_run(i)]; }, n, &sys_runs_, &sys_begin_);
  BucketRuns(
      ev.size(), [&](uint32_t i) { return m.Compact(m.EvRange(i)); }, n, &ev_runs_, &ev_begin_);
}

}  // namespace smr
