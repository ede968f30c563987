// Dataloader (docs/rules.md §4.8): compares the number of data-loading
// processes running in parallel with the number of CPU cores.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan; framework
// events overlapping two windows are seen in both, as in SageMaker):
//   cores = number of distinct CPUUtilization names (cpu0, cpu1, … over all
//   nodes) in the first window that has CPU samples.
//   Per window, events in store order:
//     - phase "DataLoaderIterInitialize": its args pin_memory / num_workers
//       (when present) are remembered;
//     - phase "DataLoaderWorker" or "DataLoaderIter" (PyTorch loaders; TF
//       events are ignored): Datapoints += 1, its duration (s) is appended to
//       dataloading_time, and its args.pid is added to the set of its start
//       second (int(start_us / 1e6)); an event without args.pid still opens
//       its second (then counted with 0 pids);
//     - a name containing "Prefetch" sets prefetch = true, a loader event
//       clears it again (SageMaker's TF flag: written only while set).
//   If the window had loader events: the distinct-pid count of each of its
//   seconds is appended to a list (cleared when it held > 1000 entries at
//   the start of a window with events), median = int(numpy median of the
//   list); if the list has more than `patience` (hidden, 10) entries, median
//   < cores·min_threshold/100 adds 1 to Violations and median >
//   cores·max_threshold/100 adds 1. Details are (re)written: {pin_memory,
//   num_workers, [prefetch], cores, dataloaders: median, dataloading_time:
//   {p25, p50, p95, probs (100-bin numpy histogram counts), binedges (101)}}.
//   RuleTriggered = 1 once Violations > 0. Without loader events Details is {}.
//   When no window had more than `patience` seconds with loader events, the
//   report says the rule was not evaluated (RuleResult::not_evaluated_reason).
//   Without any CPUUtilization sample cores stays 0, so any median > 0 counts
//   as "too many loaders" — SageMaker's behaviour, kept for identical
//   verdicts (the report can say that the core count is unknown).
//
// Worked example (defaults, 4 cores; t0 = 1000 s): one
// DataLoaderIterInitialize (pin_memory false, num_workers 0) and, in each of
// 11 seconds 1001 … 1011, one DataLoaderIter event of 0.5 s by pid 7
//   -> list = [1 ×11] (11 > 10), median 1 < 4·0.7 = 2.8 -> 1 violation.
//   durations all 0.5 -> histogram range [0.0, 1.0] (numpy widens an empty
//   range by ±0.5), all 11 in bin 50 ([0.5, 0.51)).
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"pin_memory": false,
//    "num_workers": 0, "cores": 4, "dataloaders": 1, "dataloading_time":
//    {"p25": 0.5, "p50": 0.5, "p95": 0.5, "probs": [0 ×50, 11, 0 ×49],
//     "binedges": [0.0, 0.01, 0.02, …, 1.0]}}, "Datapoints": 11,
//    "RuleParameters": "min_threshold:70\nmax_threshold:200"}
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/numpy_stats.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

using P = DataloaderParams;

// SageMaker clears the per-second list when it holds more than this.
constexpr size_t kMaxParallelEntries = 1000;

// int(np.median(list)) of non-negative counts.
int64_t IntMedian(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  if (n % 2 == 1) return v[n / 2];
  // numpy averages the two middle values; int() truncates (values >= 0).
  return static_cast<int64_t>((static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) /
                              2.0);
}

// One evaluation: SageMaker's state across windows.
class LoaderRun {
 public:
  LoaderRun(const RuleInputs& in, const P& p, RuleResult* r)
      : in_(in), p_(p), r_(r), is_cpu_(SeriesOfKind(in.store, MetricKind::kCpuUtilization)) {}

  bool has_loader_phases() const { return ph_worker_ >= 0 || ph_iter_ >= 0; }
  void Window(size_t w);
  void WriteLoadingTime();
  // Whether some window had more than `patience` seconds with loader
  // events (only then were the loaders compared with the cores).
  bool judged() const { return judged_; }
  size_t seconds_with_loaders() const { return parallel_.size(); }

 private:
  using Seconds = std::vector<std::pair<int64_t, std::vector<int64_t>>>;
  int64_t Phase(std::string_view name) const { return in_.store.strings().Find(name); }
  // The loader events of window `w`: seconds in first-seen order with their
  // distinct pids.
  Seconds ScanEvents(size_t w);
  void Check(size_t w, int64_t median);
  void WriteDetails(int64_t median);

  const RuleInputs& in_;
  const P& p_;
  RuleResult* r_;
  SeriesMask is_cpu_;
  // Phase ids (-1 when the phase never occurs).
  const int64_t ph_init_ = Phase("DataLoaderIterInitialize");
  const int64_t ph_worker_ = Phase("DataLoaderWorker");
  const int64_t ph_iter_ = Phase("DataLoaderIter");
  std::unordered_set<StrId> cores_;
  std::vector<int64_t> parallel_;  // distinct pids per second with loader events
  std::vector<double> dataloading_time_s_;
  int pin_memory_ = -1;  // -1: never seen
  int64_t num_workers_ = -1;
  int prefetch_ = 0;  // SageMaker's tri-state: 0 False, 1 True, -1 None
  bool judged_ = false;
};

LoaderRun::Seconds LoaderRun::ScanEvents(size_t w) {
  const EventColumns& ev = in_.ev;
  Seconds seconds;
  for (uint32_t e : in_.plan.events(w)) {
    const int64_t phase = ev.phase[e];
    if (phase == ph_init_) {
      if (ev.pin_memory[e] >= 0) pin_memory_ = ev.pin_memory[e];
      if (ev.num_workers[e] >= 0) num_workers_ = ev.num_workers[e];
    }
    if (phase == ph_worker_ || phase == ph_iter_) {
      r_->datapoints += 1;
      dataloading_time_s_.push_back(static_cast<double>(ev.end_us[e] - ev.start_us[e]) / 1e6);
      const int64_t second = ev.start_us[e] / 1'000'000;
      auto it = std::find_if(seconds.begin(), seconds.end(),
                             [&](const auto& p) { return p.first == second; });
      if (it == seconds.end()) {
        seconds.emplace_back(second, std::vector<int64_t>{});
        it = seconds.end() - 1;
      }
      if (ev.os_pid[e] >= 0 &&
          std::find(it->second.begin(), it->second.end(), ev.os_pid[e]) == it->second.end()) {
        it->second.push_back(ev.os_pid[e]);
      }
      prefetch_ = -1;
    }
    if (in_.store.str(ev.name[e]).find("Prefetch") != std::string_view::npos) prefetch_ = 1;
  }
  return seconds;
}

void LoaderRun::Window(size_t w) {
  if (cores_.empty()) {
    for (uint32_t row : in_.plan.system_rows(w)) {
      const uint32_t s = in_.sys.series(row);
      if (is_cpu_[s]) cores_.insert(in_.store.series()[s].name);
    }
  }
  if (!in_.plan.events(w).empty() && parallel_.size() > kMaxParallelEntries) parallel_.clear();
  const Seconds seconds = ScanEvents(w);
  if (seconds.empty()) return;
  for (const auto& [second, pids] : seconds) {
    parallel_.push_back(static_cast<int64_t>(pids.size()));
  }
  const int64_t median = IntMedian(parallel_);
  Check(w, median);
  WriteDetails(median);
}

void LoaderRun::Check(size_t w, int64_t median) {
  const double n_cores = static_cast<double>(cores_.size());
  const auto median_d = static_cast<double>(median);
  const bool enough = static_cast<int64_t>(parallel_.size()) > p_.patience;
  judged_ = judged_ || enough;
  // Same expressions as SageMaker: len(cpus) * (threshold / 100).
  if (enough && median_d < n_cores * (p_.min_threshold / 100)) {
    r_->violations += 1;
    r_->findings.push_back({in_.plan.start_us(w), "", "", median_d});
  }
  if (enough && median_d > n_cores * (p_.max_threshold / 100)) {
    r_->violations += 1;
    r_->findings.push_back({in_.plan.start_us(w), "", "", median_d});
  }
}

void LoaderRun::WriteDetails(int64_t median) {
  nlohmann::ordered_json& d = r_->details;
  if (pin_memory_ >= 0) d["pin_memory"] = pin_memory_ == 1;
  if (num_workers_ >= 0) d["num_workers"] = num_workers_;
  if (prefetch_ >= 0) d["prefetch"] = prefetch_ == 1;
  d["cores"] = static_cast<int64_t>(cores_.size());
  d["dataloaders"] = median;
  // The statistics depend only on the cumulative durations and are
  // overwritten every window, so they are computed once after the last
  // window; the key is inserted now to keep SageMaker's key order.
  d["dataloading_time"] = nlohmann::ordered_json::object();
}

void LoaderRun::WriteLoadingTime() {
  if (dataloading_time_s_.empty()) return;
  nlohmann::ordered_json& t = r_->details["dataloading_time"];
  t["p25"] = Quantile(dataloading_time_s_, 0.25);
  t["p50"] = Quantile(dataloading_time_s_, 0.50);
  t["p95"] = Quantile(dataloading_time_s_, 0.95);
  const NumpyHistogram h = ComputeNumpyHistogram(dataloading_time_s_, 100);
  t["probs"] = h.counts;
  t["binedges"] = h.edges;
}

}  // namespace

RuleResult DataloaderRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  LoaderRun run(in, p_, &r);
  if (!run.has_loader_phases()) {
    r.applicable = false;
    r.not_applicable_reason = "no PyTorch data-loader events (DataLoaderIter/DataLoaderWorker)";
  }
  for (size_t w = 0; w < in.plan.size(); ++w) run.Window(w);
  run.WriteLoadingTime();
  if (r.violations > 0) r.triggered = 1;
  if (!run.judged()) {
    // The list is only cleared beyond 1000 entries, so it holds every
    // second with loader events when the patience was never reached.
    const size_t n = run.seconds_with_loaders();
    MarkNotEvaluated(n == 0 ? std::string("no data-loader events in the evaluated windows")
                            : PatienceReason(fmt::format("{} second{} with data-loader events", n,
                                                         n == 1 ? "" : "s"),
                                             p_.patience),
                     &r);
  }
  return r;
}

}  // namespace smr
