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
// Sharded (RulePartial): the per-second pid sets pool the events of every
// node, so each shard keeps them per (window, second) as sorted pid lists,
// merged by union; per window whether it had any framework event (the
// list's clearing) and the last DataLoaderIterInitialize pin_memory /
// num_workers and the last loader-or-Prefetch event by walk position
// (merged by keeping the latest); the first window of each CPU name (the
// cores are the names of the first window with CPU samples); the loader
// durations as counts per duration in µs (quantiles and the histogram
// depend only on the values, not their order); and Datapoints. Finish
// replays the windows: the list, its clearing, the median and the checks,
// and the Details as the last window with loader events wrote them.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/numpy_stats.h"
#include "src/rules/partial_state.h"
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

using SecondKey = std::pair<uint32_t, int64_t>;  // (window, epoch second)

struct LoaderState {
  bool has_loader_phases = false;
  int64_t datapoints = 0;
  std::map<std::string, uint32_t> cpu_names;  // CPU name -> first window with it
  // Per window: whether it had any framework event; the last
  // DataLoaderIterInitialize with pin_memory / num_workers; the last loader
  // or Prefetch event (1: a Prefetch name, -1: a loader event).
  std::vector<uint8_t> has_events;
  std::vector<Tagged<int64_t>> pin_memory, num_workers, prefetch;
  // The distinct pids of each second (sorted) of each window.
  std::map<SecondKey, std::vector<int64_t>> seconds;
  std::map<int64_t, int64_t> durations_us;  // loader event duration -> count

  Status Merge(LoaderState&& o) {
    has_loader_phases = has_loader_phases || o.has_loader_phases;
    datapoints += o.datapoints;
    for (const auto& [name, w] : o.cpu_names) {
      auto [it, inserted] = cpu_names.emplace(name, w);
      if (!inserted) it->second = std::min(it->second, w);
    }
    if (has_events.size() < o.has_events.size()) has_events.resize(o.has_events.size());
    for (size_t w = 0; w < o.has_events.size(); ++w) has_events[w] |= o.has_events[w];
    KeepLastPerWindow(&pin_memory, o.pin_memory);
    KeepLastPerWindow(&num_workers, o.num_workers);
    KeepLastPerWindow(&prefetch, o.prefetch);
    for (auto& [key, pids] : o.seconds) {
      std::vector<int64_t>& mine = seconds[key];
      std::vector<int64_t> both;
      std::set_union(mine.begin(), mine.end(), pids.begin(), pids.end(), std::back_inserter(both));
      mine = std::move(both);
    }
    for (const auto& [d, n] : o.durations_us) durations_us[d] += n;
    return Status::Ok();
  }
  static void KeepLastPerWindow(std::vector<Tagged<int64_t>>* into,
                                const std::vector<Tagged<int64_t>>& other) {
    if (into->size() < other.size()) into->resize(other.size());
    for (size_t w = 0; w < other.size(); ++w) (*into)[w].KeepLast(other[w]);
  }
  void Save(StateWriter* out) const {
    out->Put(has_loader_phases);
    out->Put(datapoints);
    out->Put<uint64_t>(cpu_names.size());
    for (const auto& [name, w] : cpu_names) {
      out->PutString(name);
      out->Put(w);
    }
    out->PutVector(has_events);
    out->PutVector(pin_memory);
    out->PutVector(num_workers);
    out->PutVector(prefetch);
    out->Put<uint64_t>(seconds.size());
    for (const auto& [key, pids] : seconds) {
      out->Put(key.first);
      out->Put(key.second);
      out->PutVector(pids);
    }
    out->Put<uint64_t>(durations_us.size());
    for (const auto& [d, n] : durations_us) {
      out->Put(d);
      out->Put(n);
    }
  }
  void Load(StateReader* in) {
    has_loader_phases = in->Get<bool>();
    datapoints = in->Get<int64_t>();
    const auto names = in->Get<uint64_t>();
    for (uint64_t i = 0; i < names && in->ok(); ++i) {
      std::string name = in->GetString();
      cpu_names[std::move(name)] = in->Get<uint32_t>();
    }
    has_events = in->GetVector<uint8_t>();
    pin_memory = in->GetVector<Tagged<int64_t>>();
    num_workers = in->GetVector<Tagged<int64_t>>();
    prefetch = in->GetVector<Tagged<int64_t>>();
    const auto n_seconds = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n_seconds && in->ok(); ++i) {
      const auto w = in->Get<uint32_t>();
      const auto second = in->Get<int64_t>();
      seconds[{w, second}] = in->GetVector<int64_t>();
    }
    const auto n_durations = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n_durations && in->ok(); ++i) {
      const auto d = in->Get<int64_t>();
      durations_us[d] = in->Get<int64_t>();
    }
  }
};

// The first window of each CPU name of the shard.
void CollectCpuNames(const RuleInputs& in, LoaderState* st) {
  const SeriesMask is_cpu = SeriesOfKind(in.store, MetricKind::kCpuUtilization);
  size_t unseen = 0;
  for (size_t s = 0; s < is_cpu.has.size(); ++s) unseen += is_cpu[s] ? 1 : 0;
  std::vector<char> seen(is_cpu.has.size(), 0);
  for (size_t w = 0; w < in.plan.size() && unseen > 0; ++w) {
    for (uint32_t row : in.plan.system_rows(w)) {
      const uint32_t s = in.sys.series(row);
      if (!is_cpu[s] || seen[s]) continue;
      seen[s] = 1;
      --unseen;
      // Window by window: the first insertion is the earliest.
      st->cpu_names.emplace(std::string(in.store.str(in.store.series()[s].name)),
                            static_cast<uint32_t>(w));
    }
  }
}

LoaderState Collect(const AnalysisContext& ctx) {
  LoaderState st;
  const RuleInputs in(ctx);
  const EventColumns& ev = in.ev;
  auto phase = [&](std::string_view name) { return in.store.strings().Find(name); };
  const int64_t ph_init = phase("DataLoaderIterInitialize");
  const int64_t ph_worker = phase("DataLoaderWorker");
  const int64_t ph_iter = phase("DataLoaderIter");
  st.has_loader_phases = ph_worker >= 0 || ph_iter >= 0;
  CollectCpuNames(in, &st);
  const size_t windows = in.plan.size();
  st.has_events.assign(windows, 0);
  st.pin_memory.assign(windows, {});
  st.num_workers.assign(windows, {});
  st.prefetch.assign(windows, {});
  for (size_t w = 0; w < windows; ++w) {
    for (uint32_t e : in.plan.events(w)) {
      st.has_events[w] = 1;
      const WalkPos pos{w, in.store.EventOrder(e)};
      const int64_t ph = ev.phase[e];
      if (ph == ph_init) {
        if (ev.pin_memory[e] >= 0) st.pin_memory[w].KeepLast({pos, ev.pin_memory[e]});
        if (ev.num_workers[e] >= 0) st.num_workers[w].KeepLast({pos, ev.num_workers[e]});
      }
      if (ph == ph_worker || ph == ph_iter) {
        st.datapoints += 1;
        st.durations_us[ev.end_us[e] - ev.start_us[e]] += 1;
        std::vector<int64_t>& pids =
            st.seconds[{static_cast<uint32_t>(w), ev.start_us[e] / 1'000'000}];
        const int64_t pid = ev.os_pid[e];
        auto it = std::lower_bound(pids.begin(), pids.end(), pid);
        if (pid >= 0 && (it == pids.end() || *it != pid)) pids.insert(it, pid);
        st.prefetch[w].KeepLast({pos, -1});
      }
      if (in.store.str(ev.name[e]).find("Prefetch") != std::string_view::npos) {
        st.prefetch[w].KeepLast({pos, 1});
      }
    }
  }
  return st;
}

// SageMaker's walk over the windows, replayed from the merged state.
class LoaderReplay {
 public:
  LoaderReplay(const LoaderState& st, const P& p, const WindowPlan& plan, RuleResult* r)
      : st_(st), p_(p), plan_(plan), r_(r) {
    // The cores are the CPU names of the first window with CPU samples.
    uint32_t first = UINT32_MAX;
    for (const auto& [name, w] : st.cpu_names) first = std::min(first, w);
    for (const auto& [name, w] : st.cpu_names) cores_ += w == first ? 1 : 0;
    cores_window_ = first;
  }

  void Run() {
    auto next = st_.seconds.begin();
    for (size_t w = 0; w < plan_.size(); ++w) {
      Remember(st_.pin_memory, w, &pin_memory_);
      Remember(st_.num_workers, w, &num_workers_);
      Remember(st_.prefetch, w, &prefetch_);
      if (w < st_.has_events.size() && st_.has_events[w] != 0 &&
          parallel_.size() > kMaxParallelEntries) {
        parallel_.clear();
      }
      bool any = false;
      for (; next != st_.seconds.end() && next->first.first == w; ++next) {
        parallel_.push_back(static_cast<int64_t>(next->second.size()));
        any = true;
      }
      if (!any) continue;
      const int64_t median = IntMedian(parallel_);
      Check(w, median);
      WriteDetails(w, median);
    }
    WriteLoadingTime();
  }
  bool judged() const { return judged_; }
  size_t seconds_with_loaders() const { return parallel_.size(); }

 private:
  static void Remember(const std::vector<Tagged<int64_t>>& per_window, size_t w,
                       Tagged<int64_t>* current) {
    if (w < per_window.size()) current->KeepLast(per_window[w]);
  }
  int64_t CoresAt(size_t w) const { return w >= cores_window_ ? cores_ : 0; }

  void Check(size_t w, int64_t median) {
    const double n_cores = static_cast<double>(CoresAt(w));
    const auto median_d = static_cast<double>(median);
    const bool enough = static_cast<int64_t>(parallel_.size()) > p_.patience;
    judged_ = judged_ || enough;
    // Same expressions as SageMaker: len(cpus) * (threshold / 100).
    if (enough && median_d < n_cores * (p_.min_threshold / 100)) {
      r_->violations += 1;
      r_->findings.push_back({plan_.start_us(w), "", "", median_d});
    }
    if (enough && median_d > n_cores * (p_.max_threshold / 100)) {
      r_->violations += 1;
      r_->findings.push_back({plan_.start_us(w), "", "", median_d});
    }
  }

  void WriteDetails(size_t w, int64_t median) {
    nlohmann::ordered_json& d = r_->details;
    if (pin_memory_.has()) d["pin_memory"] = pin_memory_.value == 1;
    if (num_workers_.has()) d["num_workers"] = num_workers_.value;
    // SageMaker's tri-state: False until a loader or Prefetch event, None
    // (not written) after a loader event, True after a Prefetch one.
    const int64_t prefetch = prefetch_.has() ? prefetch_.value : 0;
    if (prefetch >= 0) d["prefetch"] = prefetch == 1;
    d["cores"] = CoresAt(w);
    d["dataloaders"] = median;
    // The statistics depend only on the cumulative durations and are
    // overwritten every window, so they are computed once after the last
    // window; the key is inserted now to keep SageMaker's key order.
    d["dataloading_time"] = nlohmann::ordered_json::object();
  }

  void WriteLoadingTime() {
    if (st_.durations_us.empty()) return;
    std::vector<double> times;
    for (const auto& [d, n] : st_.durations_us) {
      times.insert(times.end(), static_cast<size_t>(n), static_cast<double>(d) / 1e6);
    }
    nlohmann::ordered_json& t = r_->details["dataloading_time"];
    t["p25"] = Quantile(times, 0.25);
    t["p50"] = Quantile(times, 0.50);
    t["p95"] = Quantile(times, 0.95);
    const NumpyHistogram h = ComputeNumpyHistogram(times, 100);
    t["probs"] = h.counts;
    t["binedges"] = h.edges;
  }

  const LoaderState& st_;
  const P& p_;
  const WindowPlan& plan_;
  RuleResult* r_;
  int64_t cores_ = 0;
  uint32_t cores_window_ = UINT32_MAX;
  std::vector<int64_t> parallel_;  // distinct pids per second with loader events
  Tagged<int64_t> pin_memory_, num_workers_, prefetch_;
  bool judged_ = false;
};

}  // namespace

RuleResult DataloaderRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> DataloaderRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(ctx));
}

std::unique_ptr<RulePartial> DataloaderRule::EmptyPartial() const {
  return MakePartial(LoaderState{});
}

RuleResult DataloaderRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  const LoaderState& st = StateOf<LoaderState>(merged);
  RuleResult r = StartResult(*this);
  if (!st.has_loader_phases) {
    r.applicable = false;
    r.not_applicable_reason = "no PyTorch data-loader events (DataLoaderIter/DataLoaderWorker)";
  }
  r.datapoints = st.datapoints;
  LoaderReplay run(st, p_, *ctx.windows, &r);
  run.Run();
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
