// WindowPlan: SageMaker ProfilerReport's 60 s scan windows
// (docs/rules.md §1). System rows are delivered to every window with
// start <= ts <= end (so a sample exactly on a boundary belongs to two
// windows), framework events to every window they overlap. Unlike SageMaker,
// which stops at the latest file timestamp, windows continue until every
// sample and event is covered (docs/compatibility.md).
#include <algorithm>
#include <cstdint>
#include <limits>
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
                       int64_t window_us)
    : window_us_(window_us > 0 ? window_us : kWindowUs) {
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();
  if (sys.size() == 0 && ev.size() == 0) return;  // no windows at all

  // t0: earliest file-name timestamp (system or framework file).
  bool have_t0 = false;
  int64_t t0 = std::numeric_limits<int64_t>::max();
  for (const InputFile& f : discovery.files) {
    if (f.name_ts_us <= 0) continue;  // e.g. TF traces without metadata
    t0 = std::min(t0, f.name_ts_us);
    have_t0 = true;
  }
  if (!have_t0) {
    // No usable file names (stores built in memory): start at the earliest
    // datum, truncated to whole seconds like SageMaker's file names.
    for (size_t i = 0; i < sys.size(); ++i) {
      t0 = std::min(t0, FloorDiv(SecondsToNs(sys.ts(i)), 1'000'000'000) * 1'000'000);
    }
    for (size_t i = 0; i < ev.size(); ++i) {
      t0 = std::min(t0, FloorDiv(ev.start_us[i], 1'000'000) * 1'000'000);
    }
  }
  t0_us_ = t0;

  const int64_t w_us = window_us_;
  const int64_t t0_ns = t0 * 1000;
  const int64_t w_ns = w_us * 1000;
  int64_t last_window = 0;

  // Data before t0 cannot occur in SageMaker's layout (file names are the
  // minute the file was opened); if it does, it goes to window 0 rather
  // than being silently dropped.
  // A sample's windows depend only on its timestamp: computed per
  // timestamp run (consecutive rows with one timestamp), not per row.
  auto sys_range = [&](uint32_t run) {
    const int64_t rel = SecondsToNs(sys.run_ts(run)) - t0_ns;
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
    // Overlap with [t0+kW, t0+(k+1)W]: k*W <= e and s <= (k+1)*W.
    int64_t hi = std::max<int64_t>(0, FloorDiv(e, w_us));
    int64_t lo = std::max<int64_t>(0, -FloorDiv(-(s - w_us), w_us));  // ceil
    if (lo > hi) lo = hi;
    return std::pair<int64_t, int64_t>(lo, hi);
  };
  const auto n_runs = static_cast<uint32_t>(sys.timestamp_runs());
  for (uint32_t r = 0; r < n_runs; ++r) last_window = std::max(last_window, sys_range(r).second);
  for (size_t i = 0; i < ev.size(); ++i) last_window = std::max(last_window, ev_range(i).second);
  const int64_t n_full = last_window + 1;

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
      for (int64_t b = r.first / kBlock; b <= r.second / kBlock; ++b) used[static_cast<size_t>(b)] = 1;
    };
    for (uint32_t r = 0; r < n_runs; ++r) mark(sys_range(r));
    for (size_t i = 0; i < ev.size(); ++i) mark(ev_range(i));
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
    if (block_base.empty()) return r;
    auto map = [&](int64_t k) { return block_base[static_cast<size_t>(k / kBlock)] + k % kBlock; };
    return std::pair<int64_t, int64_t>(map(r.first), map(r.second));
  };
  const size_t n = starts_.size();
  std::vector<std::pair<int64_t, int64_t>> run_range(n_runs);
  for (uint32_t r = 0; r < n_runs; ++r) run_range[r] = compact(sys_range(r));
  BucketRuns(sys.size(), [&](uint32_t i) { return run_range[sys.ts_run(i)]; }, n, &sys_runs_,
             &sys_begin_);
  BucketRuns(ev.size(), [&](uint32_t i) { return compact(ev_range(i)); }, n, &ev_runs_, &ev_begin_);
}

}  // namespace smr
