#include "src/rules/dataloader.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

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

}  // namespace

NumpyHistogram ComputeNumpyHistogram(std::span<const double> values, int bins) {
  NumpyHistogram h;
  if (values.empty() || bins < 1) return h;
  auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  double first = *min_it, last = *max_it;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i·step + first, last edge exact.
  const double step = (last - first) / bins;
  h.edges.resize(static_cast<size_t>(bins) + 1);
  for (int i = 0; i < bins; ++i) h.edges[static_cast<size_t>(i)] = i * step + first;
  h.edges[static_cast<size_t>(bins)] = last;
  h.counts.assign(static_cast<size_t>(bins), 0);
  const double denom = last - first;
  for (double x : values) {
    auto idx = static_cast<int64_t>((x - first) / denom * bins);
    if (idx >= bins) idx = bins - 1;
    if (idx < 0) idx = 0;
    // numpy's correction against the computed edges (within ~1 ulp).
    if (x < h.edges[static_cast<size_t>(idx)] && idx > 0) --idx;
    if (idx != bins - 1 && x >= h.edges[static_cast<size_t>(idx) + 1]) ++idx;
    h.counts[static_cast<size_t>(idx)] += 1;
  }
  return h;
}

std::string_view DataloaderRule::description() const {
  return "Checks how many data loaders are running in parallel and whether the total number is "
         "equal the number of available CPU cores. The rule triggers if number is much smaller "
         "or larger than the number of available cores. If too small, it might lead to low GPU "
         "utilization. If too large, it might impact other compute intensive operations on CPU.";
}

std::string_view DataloaderRule::recommendation() const {
  return "Change the number of data loader processes.";
}

const std::vector<ParamSpec>& DataloaderRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"min_threshold", ParamType::kDouble, "70", "% of cores",
       "fewer parallel data loaders than this share of the CPU cores is a violation",
       ParamRange::Positive()},
      {"max_threshold", ParamType::kDouble, "200", "% of cores",
       "more parallel data loaders than this share of the CPU cores is a violation",
       ParamRange::Positive()},
      {"patience", ParamType::kInt, "10", "seconds",
       "seconds with data-loading activity needed before the first check (hidden in "
       "SageMaker's RuleParameters; sm-report extension)", ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status DataloaderRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "min_threshold") return ParsePositiveParam(name(), param, value, &p_.min_threshold);
  if (param == "max_threshold") return ParsePositiveParam(name(), param, value, &p_.max_threshold);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  return UnknownParamError(name(), param, params());
}

Status DataloaderRule::ValidateParams() const {
  if (p_.min_threshold < p_.max_threshold) return Status::Ok();
  return Status::Error(fmt::format(
      "rule {}: min_threshold ({}) must be less than max_threshold ({})", name(),
      FormatParamNumber(p_.min_threshold), FormatParamNumber(p_.max_threshold)));
}

std::string DataloaderRule::RuleParameters() const {
  return fmt::format("min_threshold:{}\nmax_threshold:{}", FormatParamNumber(p_.min_threshold),
                     FormatParamNumber(p_.max_threshold));
}

RuleResult DataloaderRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();

  // Phase ids (-1 when the phase never occurs).
  const int64_t ph_init = store.strings().Find("DataLoaderIterInitialize");
  const int64_t ph_worker = store.strings().Find("DataLoaderWorker");
  const int64_t ph_iter = store.strings().Find("DataLoaderIter");
  std::vector<char> is_cpu(store.series().size(), 0);
  for (size_t s = 0; s < store.series().size(); ++s) {
    is_cpu[s] = store.str(store.series()[s].dimension) == "CPUUtilization";
  }
  if (ph_worker < 0 && ph_iter < 0) {
    r.applicable = false;
    r.not_applicable_reason = "no PyTorch data-loader events (DataLoaderIter/DataLoaderWorker)";
  }

  std::unordered_set<StrId> cores;
  std::vector<int64_t> parallel;  // distinct pids per second with loader events
  std::vector<double> dataloading_time_s;
  int pin_memory = -1;  // -1: never seen
  int64_t num_workers = -1;
  int prefetch = 0;  // SageMaker's tri-state: 0 False, 1 True, -1 None

  for (size_t w = 0; w < plan.size(); ++w) {
    if (cores.empty()) {
      for (uint32_t row : plan.system_rows(w)) {
        const uint32_t s = sys.series(row);
        if (is_cpu[s]) cores.insert(store.series()[s].name);
      }
    }
    const auto events = plan.events(w);
    if (!events.empty() && parallel.size() > kMaxParallelEntries) parallel.clear();

    // Seconds in first-seen order with their distinct pids.
    std::vector<std::pair<int64_t, std::vector<int64_t>>> seconds;
    for (uint32_t e : events) {
      const int64_t phase = ev.phase[e];
      if (phase == ph_init) {
        if (ev.pin_memory[e] >= 0) pin_memory = ev.pin_memory[e];
        if (ev.num_workers[e] >= 0) num_workers = ev.num_workers[e];
      }
      if (phase == ph_worker || phase == ph_iter) {
        r.datapoints += 1;
        dataloading_time_s.push_back(static_cast<double>(ev.end_us[e] - ev.start_us[e]) / 1e6);
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
        prefetch = -1;
      }
      if (store.str(ev.name[e]).find("Prefetch") != std::string_view::npos) prefetch = 1;
    }
    if (seconds.empty()) continue;

    for (const auto& [second, pids] : seconds) parallel.push_back(static_cast<int64_t>(pids.size()));
    const int64_t median = IntMedian(parallel);
    const double n_cores = static_cast<double>(cores.size());
    const auto median_d = static_cast<double>(median);
    const bool enough = static_cast<int64_t>(parallel.size()) > p_.patience;
    // Same expressions as SageMaker: len(cpus) * (threshold / 100).
    if (enough && median_d < n_cores * (p_.min_threshold / 100)) {
      r.violations += 1;
      r.findings.push_back({plan.start_us(w), "", "", median_d});
    }
    if (enough && median_d > n_cores * (p_.max_threshold / 100)) {
      r.violations += 1;
      r.findings.push_back({plan.start_us(w), "", "", median_d});
    }

    if (pin_memory >= 0) r.details["pin_memory"] = pin_memory == 1;
    if (num_workers >= 0) r.details["num_workers"] = num_workers;
    if (prefetch >= 0) r.details["prefetch"] = prefetch == 1;
    r.details["cores"] = static_cast<int64_t>(cores.size());
    r.details["dataloaders"] = median;
    // The statistics depend only on the cumulative durations and are
    // overwritten every window, so they are computed once after the last
    // window; the key is inserted now to keep SageMaker's key order.
    r.details["dataloading_time"] = nlohmann::ordered_json::object();
  }
  if (!dataloading_time_s.empty()) {
    nlohmann::ordered_json& t = r.details["dataloading_time"];
    t["p25"] = Quantile(dataloading_time_s, 0.25);
    t["p50"] = Quantile(dataloading_time_s, 0.50);
    t["p95"] = Quantile(dataloading_time_s, 0.95);
    const NumpyHistogram h = ComputeNumpyHistogram(dataloading_time_s, 100);
    t["probs"] = h.counts;
    t["binedges"] = h.edges;
  }
  if (r.violations > 0) r.triggered = 1;
  return r;
}

std::unique_ptr<Rule> CreateDataloaderRule() { return std::make_unique<DataloaderRule>(); }

}  // namespace smr
