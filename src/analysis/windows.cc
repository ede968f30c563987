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

}  // namespace

WindowPlan::WindowPlan(const MetricStore& store, const Discovery& discovery,
                       const WindowPlanOptions& options)
    : window_us_(options.window_us > 0 ? options.window_us : kWindowUs) {
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();
  coverage_.stops_like_sagemaker = !options.analyze_trailing_data;
  if (sys.size() == 0 && ev.size() == 0) return;  // no windows at all

  // SageMaker's first and latest timestamps: the earliest and latest
  // file-name timestamps of the system files; the framework files' earliest
  // if it is earlier, their latest if it is *smaller*. A file that yielded
  // no record (empty, unreadable, every line bad) does not count, so a stray
  // file cannot move the walk (docs/compatibility.md).
  std::unordered_set<std::string_view> with_data;
  for (const FileStats& f : store.files()) {
    if (f.records_kept > 0) with_data.insert(f.rel_path);
  }
  int64_t sys_first = 0, sys_latest = 0, fw_first = 0, fw_latest = 0;
  for (const InputFile& f : discovery.files) {
    if (f.name_ts_us <= 0) continue;  // e.g. TF traces without metadata
    if (!with_data.contains(f.rel_path)) continue;
    const bool system = f.kind == FileKind::kSystem;
    int64_t& first = system ? sys_first : fw_first;
    int64_t& latest = system ? sys_latest : fw_latest;
    first = first == 0 ? f.name_ts_us : std::min(first, f.name_ts_us);
    latest = std::max(latest, f.name_ts_us);
  }
  int64_t t0 = sys_first != 0 && (fw_first == 0 || sys_first <= fw_first) ? sys_first : fw_first;
  int64_t latest = sys_latest;
  if (fw_latest != 0 && (latest == 0 || fw_latest < latest)) latest = fw_latest;
  coverage_.latest_file_ts_us = latest;
  const bool have_t0 = t0 != 0;
  if (!have_t0) {
    // No usable file names (stores built in memory): start at the earliest
    // datum, truncated to whole seconds like SageMaker's file names.
    t0 = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < sys.size(); ++i) {
      t0 = std::min(t0, FloorDiv(SecondsToNs(sys.ts(i)), 1'000'000'000) * 1'000'000);
    }
    for (size_t i = 0; i < ev.size(); ++i) {
      t0 = std::min(t0, FloorDiv(ev.start_us[i], 1'000'000) * 1'000'000);
    }
  }
  t0_us_ = t0;
  // SageMaker's stop rule: window k runs while its start t0 + k·W is before
  // the latest timestamp. Without file names there is no such bound.
  const bool sagemaker_stop = !options.analyze_trailing_data && have_t0;

  const int64_t w_us = window_us_;
  const int64_t t0_ns = t0 * 1000;
  const int64_t w_ns = w_us * 1000;
  // The window ranges below; lo > hi means "no window" (left out).
  constexpr std::pair<int64_t, int64_t> kNone{0, -1};

  // In SageMaker's mode data before t0 (impossible in SageMaker's own layout
  // for system files; possible for a trace file named by its end time) is
  // left out as SageMaker leaves it out; otherwise it goes to window 0
  // rather than being silently dropped.
  // A sample's windows depend only on its timestamp: computed per
  // timestamp run (consecutive rows with one timestamp), not per row.
  auto sys_range = [&](uint32_t run) {
    const int64_t rel = SecondsToNs(sys.run_ts(run)) - t0_ns;
    if (rel < 0 && sagemaker_stop) return kNone;
    int64_t lo = 0, hi = 0;
    if (rel > 0) {
      hi = FloorDiv(rel, w_ns);
      lo = (rel % w_ns == 0) ? hi - 1 : hi;  // boundary: both windows
    }
    return std::pair<int64_t, int64_t>(lo, hi);
  };
  auto ev_range = [&](size_t i) {
    const int64_t s = ev.start_us[i] - t0;
    const int64_t e = std::max(ev.end_us[i], ev.start_us[i]) - t0;
    if (e < 0 && sagemaker_stop) return kNone;
    // Overlap with [t0+kW, t0+(k+1)W]: k*W <= e and s <= (k+1)*W.
    int64_t hi = std::max<int64_t>(0, FloorDiv(e, w_us));
    int64_t lo = std::max<int64_t>(0, -FloorDiv(-(s - w_us), w_us));  // ceil
    if (lo > hi) lo = hi;
    return std::pair<int64_t, int64_t>(lo, hi);
  };
  const auto n_runs = static_cast<uint32_t>(sys.timestamp_runs());
  int64_t n_full = 0;
  if (sagemaker_stop) {
    n_full = latest > t0 ? (latest - t0 + w_us - 1) / w_us : 0;
  } else {
    int64_t last_window = 0;
    for (uint32_t r = 0; r < n_runs; ++r) last_window = std::max(last_window, sys_range(r).second);
    for (size_t i = 0; i < ev.size(); ++i) last_window = std::max(last_window, ev_range(i).second);
    n_full = last_window + 1;
  }
  // Ranges cut to the windows that exist.
  auto clip = [&](std::pair<int64_t, int64_t> r) {
    if (r.first > r.second || r.first >= n_full) return kNone;
    return std::pair<int64_t, int64_t>(r.first, std::min(r.second, n_full - 1));
  };

  // A clock jump (one sample dated decades away) would otherwise create
  // millions of empty windows that every rule walks. Beyond ~45 days of
  // windows, stretches of kBlock windows (~17 h) without any sample or event
  // are left out (docs/compatibility.md); normal jobs are unaffected.
  constexpr int64_t kBlock = 1024;
  constexpr int64_t kCompactAbove = 64 * kBlock;
  std::vector<int64_t> block_base;  // compact index of a block's first window, -1 = skipped
  if (n_full > kCompactAbove) {
    const int64_t nb = (n_full + kBlock - 1) / kBlock;
    std::vector<uint8_t> used(static_cast<size_t>(nb), 0);
    auto mark = [&](std::pair<int64_t, int64_t> r) {
      if (r.first > r.second) return;
      for (int64_t b = r.first / kBlock; b <= r.second / kBlock; ++b) used[static_cast<size_t>(b)] = 1;
    };
    for (uint32_t r = 0; r < n_runs; ++r) mark(clip(sys_range(r)));
    for (size_t i = 0; i < ev.size(); ++i) mark(clip(ev_range(i)));
    block_base.assign(static_cast<size_t>(nb), -1);
    for (int64_t b = 0; b < nb; ++b) {
      if (!used[static_cast<size_t>(b)]) continue;
      block_base[static_cast<size_t>(b)] = static_cast<int64_t>(starts_.size());
      for (int64_t k = b * kBlock; k < std::min(n_full, (b + 1) * kBlock); ++k) {
        starts_.push_back(t0 + k * w_us);
      }
    }
  } else {
    starts_.resize(static_cast<size_t>(n_full));
    for (int64_t k = 0; k < n_full; ++k) starts_[static_cast<size_t>(k)] = t0 + k * w_us;
  }
  auto compact = [&](std::pair<int64_t, int64_t> r) {
    r = clip(r);
    if (block_base.empty() || r.first > r.second) return r;
    auto map = [&](int64_t k) { return block_base[static_cast<size_t>(k / kBlock)] + k % kBlock; };
    return std::pair<int64_t, int64_t>(map(r.first), map(r.second));
  };

  // What is left out, for the report (data before t0 can only be left out
  // in SageMaker's mode; data after the last window only in that mode too).
  const int64_t end_ns = (t0 + n_full * w_us) * 1000;
  std::vector<std::pair<int64_t, int64_t>> run_range(n_runs);
  std::vector<int8_t> run_side(n_runs, 0);  // -1 before, +1 after, 0 delivered
  int64_t last_after_ns = end_ns;  // latest sample after the last window
  for (uint32_t r = 0; r < n_runs; ++r) {
    const std::pair<int64_t, int64_t> raw = sys_range(r);
    run_range[r] = compact(raw);
    if (run_range[r].first > run_range[r].second) {
      run_side[r] = raw.first > raw.second ? -1 : 1;  // kNone from sys_range: before t0
      if (run_side[r] > 0) last_after_ns = std::max(last_after_ns, SecondsToNs(sys.run_ts(r)));
    }
  }
  coverage_.system_seconds_after = static_cast<double>(last_after_ns - end_ns) / 1e9;
  for (size_t i = 0; i < sys.size(); ++i) {
    const int8_t side = run_side[sys.ts_run(i)];
    if (side < 0) ++coverage_.system_rows_before;
    if (side > 0) ++coverage_.system_rows_after;
  }
  for (size_t i = 0; i < ev.size(); ++i) {
    const std::pair<int64_t, int64_t> raw = ev_range(i);
    if (raw.first > raw.second) {
      ++coverage_.events_before;
    } else if (raw.first >= n_full) {
      ++coverage_.events_after;
    }
  }

  const size_t n = starts_.size();
  BucketRuns(sys.size(), [&](uint32_t i) { return run_range[sys.ts_run(i)]; }, n, &sys_runs_,
             &sys_begin_);
  BucketRuns(ev.size(), [&](uint32_t i) { return compact(ev_range(i)); }, n, &ev_runs_, &ev_begin_);
}

}  // namespace smr
