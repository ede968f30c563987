// Ranked findings (findings.h): the rule firings grouped by rule and stage,
// idle-GPU symptoms attributed to their causes, each group's cost estimated
// in seconds of training time, texts from finding_texts.cc.
#include "src/report/findings.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/kineto_analysis.h"
#include "src/report/finding_texts.h"
#include "src/report/job_timing.h"
#include "src/report/kineto_findings.h"
#include "src/report/section_list.h"

namespace smr {
namespace report_internal {
namespace {

constexpr int64_t kWindowUs = 60'000'000;
constexpr double kWindowS = 60.0;

bool IsSymptom(const std::string& rule) {
  return rule == "LowGPUUtilization" || rule == "BatchSize";
}
bool IsWindowCause(const std::string& rule) {
  return rule == "CPUBottleneck" || rule == "IOBottleneck";
}

// GPUs in the job (all nodes), at least 1.
int GpuCount(const ReportInputs& in) {
  int n = 0;
  if (const MetricStore* store = SummaryStore(in)) {
    for (StrId node : store->system_nodes()) {
      n += static_cast<int>(store->SeriesOf(node, MetricKind::kGpuUtilization).size());
    }
  }
  return std::max(n, 1);
}

// One idle GPU in one window: the unit LowGPUUtilization and BatchSize
// report and the causes take over.
using GpuWindow = std::tuple<std::string, std::string, int64_t>;  // node, device, window

struct Attribution {
  // Symptom GPU-windows in the training loop taken over by each cause.
  std::map<std::string, std::set<GpuWindow>> by_cause;
  // What is left to each symptom rule, per stage.
  std::map<std::pair<std::string, Stage>, std::set<GpuWindow>> left;
};

Attribution Attribute(const std::vector<const RuleResult*>& fired, const StageBounds& b,
                      int64_t lookback_us) {
  std::map<int64_t, std::string> cause_window;       // window -> CPU/IO cause
  std::set<std::pair<std::string, std::string>> lb;  // (node, device) in a LoadBalancing pair
  for (const RuleResult* r : fired) {
    for (const RuleFinding& f : r->findings) {
      if (IsWindowCause(r->name)) cause_window.emplace(f.window_start_us, r->name);
      if (r->name == "LoadBalancing") {
        const size_t slash = f.device.find('/');
        lb.emplace(f.node, f.device.substr(0, slash));
        if (slash != std::string::npos) lb.emplace(f.node, f.device.substr(slash + 1));
      }
    }
  }
  Attribution a;
  std::set<GpuWindow> seen;
  for (const RuleResult* r : fired) {
    if (!IsSymptom(r->name)) continue;
    for (const RuleFinding& f : r->findings) {
      const GpuWindow gw{f.node, f.device, f.window_start_us};
      if (!seen.insert(gw).second) continue;  // both symptom rules: count once
      Stage stage = StageOfWindow(b, f.window_start_us);
      // Its last `window` samples still hold idle samples from before the
      // first step: the initialization's doing, not the loop's.
      if (stage == Stage::kTraining &&
          f.window_start_us + kWindowUs - lookback_us < b.first_step_us) {
        stage = Stage::kInitialization;
      }
      if (stage == Stage::kTraining || stage == Stage::kJob) {
        if (auto it = cause_window.find(f.window_start_us); it != cause_window.end()) {
          a.by_cause[it->second].insert(gw);
          continue;
        }
        if (lb.count({f.node, f.device})) {
          a.by_cause["LoadBalancing"].insert(gw);
          continue;
        }
      }
      a.left[{r->name, stage}].insert(gw);
    }
  }
  return a;
}

// Firings of one rule in one stage.
struct Group {
  const RuleResult* rule = nullptr;
  Stage stage = Stage::kJob;
  std::vector<const RuleFinding*> firings;
};

std::vector<Group> GroupByStage(const RuleResult& r, const StageBounds& b) {
  std::map<Stage, Group> groups;
  for (const RuleFinding& f : r.findings) {
    const Stage stage = StageOfWindow(b, f.window_start_us);
    Group& g = groups[stage];
    g.rule = &r;
    g.stage = stage;
    g.firings.push_back(&f);
  }
  std::vector<Group> out;
  for (auto& [stage, g] : groups) out.push_back(std::move(g));
  return out;
}

// All firings in one group, in the stage that holds most of them: rules
// whose advice does not depend on the stage (data loaders, memory growth,
// balance) give one finding.
Group MajorityStage(const std::vector<Group>& groups) {
  Group all;
  size_t best = 0;
  for (const Group& g : groups) {
    all.rule = g.rule;
    all.firings.insert(all.firings.end(), g.firings.begin(), g.firings.end());
    if (g.firings.size() > best) {
      best = g.firings.size();
      all.stage = g.stage;
    }
  }
  return all;
}

// Sum over the group's windows of the share of datapoints that were
// bottlenecks, in seconds.
double BottleneckSeconds(const Group& g) {
  std::map<int64_t, double> per_window;
  for (const RuleFinding* f : g.firings) {
    per_window[f->window_start_us] = std::max(per_window[f->window_start_us], f->value);
  }
  double s = 0;
  for (const auto& [w, pct] : per_window) s += kWindowS * std::clamp(pct, 0.0, 100.0) / 100.0;
  return s;
}

// Adds to `c` the outliers of one rank and phase: steps of durations `d`
// (s) longer than mean + stddev·σ, each beyond the median; `number(k)` is
// the step number of duration k.
template <typename Number>
void AddOutliers(const std::vector<double>& d, double stddev, Number number, StepOutlierCost* out) {
  StepOutlierCost& c = *out;
  double mean = 0;
  for (double v : d) mean += v;
  mean /= d.size();
  double var = 0;
  for (double v : d) var += (v - mean) * (v - mean);
  const double limit = mean + stddev * std::sqrt(var / d.size());
  std::vector<double> sorted = d;
  std::sort(sorted.begin(), sorted.end());
  const double median = QuantileSorted(sorted, 0.5);
  for (size_t k = 0; k < d.size(); ++k) {
    if (d[k] <= limit) continue;
    ++c.outliers;
    c.lost_s += d[k] - median;
    c.worst_ratio = std::max(c.worst_ratio, median > 0 ? d[k] / median : 0.0);
    c.steps.insert(number(k));
  }
  c.total_steps += static_cast<int64_t>(d.size());
}

// Time lost in outlier steps: per rank and phase, the steps longer than
// mean + stddev·σ (the rule's definition), each counted beyond the median
// step; averaged over the ranks, which run side by side. Without SageMaker
// steps, the steps of the Kineto traces (one phase per rank), as the rule.
StepOutlierCost OutlierCost(const ReportInputs& in, double stddev) {
  StepOutlierCost c;
  if (!in.timeline || !SummaryStore(in)) return c;
  const JobTimeline& tl = *in.timeline;
  std::set<StrId> ranks;
  for (const NodePhaseSteps& np : tl.by_node_phase) {
    std::vector<double> d;
    for (uint32_t i : np.steps) d.push_back((tl.steps[i].end_us - tl.steps[i].start_us) / 1e6);
    if (d.size() < 2) continue;
    ranks.insert(np.node);
    AddOutliers(
        d, stddev, [&](size_t k) { return tl.steps[np.steps[k]].step; }, &c);
  }
  c.ranks = static_cast<int>(ranks.size());
  if (!tl.has_steps && in.kineto) {
    for (const KinetoRankAnalysis& rank : in.kineto->ranks) {
      std::vector<double> d;
      for (const KinetoStep& s : rank.steps) d.push_back(s.duration_ns() / 1e9);
      if (d.size() < 2) continue;
      ++c.ranks;
      AddOutliers(
          d, stddev, [&](size_t k) { return rank.steps[k].number; }, &c);
    }
  }
  if (c.ranks > 0) c.lost_s /= c.ranks;
  return c;
}

std::string AnchorOf(const std::string& rule) {
  if (rule == "MaxInitializationTime") return "training-job-summary";
  for (const SectionSpec& spec : ReportSections()) {
    if (spec.rule != nullptr && rule == spec.rule) return spec.id;
  }
  return "rules-summary";
}

// Order among findings of equal cost (causes before symptoms and risks).
int Priority(const std::string& rule) {
  static const char* const kOrder[] = {
      "MaxInitializationTime", "CPUBottleneck",   "IOBottleneck",      "Straggler",
      "CommunicationBound",    "DataloaderBound", "HostBound",         "SyncCopies",
      "SmallKernels",          "StepOutlier",     "LoadBalancing",     "Dataloader",
      "LowGPUUtilization",     "BatchSize",       "GPUMemoryIncrease",
  };
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (rule == kOrder[i]) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

class Ranker {
 public:
  explicit Ranker(const ReportContext& ctx)
      : ctx_(ctx), in_(ctx.in()), bounds_(StageBoundsOf(ctx)), gpus_(GpuCount(ctx.in())) {
    const JobTiming t = Timing(ctx);
    if (t.has_job) job_s_ = t.end_s - t.start_s;
    timing_ = t;
  }

  std::vector<FindingItem> Run() {
    std::vector<const RuleResult*> fired;
    if (in_.results) {
      for (const RuleResult& r : *in_.results) {
        if (!r.failed && r.applicable && r.triggered > 0) fired.push_back(&r);
      }
    }
    // Rendered from rule JSONs: no raw data, no firings to place.
    if (in_.timeline == nullptr) {
      for (const RuleResult* r : fired) {
        if (IsKinetoRule(r->name)) {
          AddRule(*r);
        } else {
          Add(FromJsonOnly(*r), 0);
        }
      }
      return Sorted();
    }
    attribution_ = Attribute(fired, bounds_, SymptomLookbackUs());
    for (const RuleResult* r : fired) AddRule(*r);
    AddLeftoverSymptoms();
    AddLongStages();
    return Sorted();
  }

 private:
  // How far back LowGPUUtilization's statistic reaches: its `window`
  // samples at the GPU sampling interval (median gap of the first GPU
  // series).
  int64_t SymptomLookbackUs() const {
    const RuleResult* r = ctx_.Result("LowGPUUtilization");
    const MetricStore* store = SummaryStore(in_);
    if (!r || !store || store->system_nodes().empty()) return 0;
    const std::vector<uint32_t> gpus =
        store->SeriesOf(store->system_nodes()[0], MetricKind::kGpuUtilization);
    if (gpus.empty()) return 0;
    const std::span<const uint32_t> rows = store->SeriesRows(gpus[0]);
    std::vector<double> gaps;
    for (size_t i = 1; i < rows.size() && i <= 200; ++i) {
      gaps.push_back(store->system().ts(rows[i]) - store->system().ts(rows[i - 1]));
    }
    if (gaps.empty()) return 0;
    std::sort(gaps.begin(), gaps.end());
    const double interval_s = gaps[gaps.size() / 2];
    return static_cast<int64_t>(ParamNumber(*r, "window", 500) * interval_s * 1e6);
  }

  double Share(double gpu_windows) const { return gpu_windows * kWindowS / gpus_; }

  void AddRule(const RuleResult& r) {
    if (IsKinetoRule(r.name)) {
      double cost = 0;
      FindingItem item = KinetoRuleFinding(r, &cost);
      Add(std::move(item), cost);
      return;
    }
    if (IsSymptom(r.name)) return;  // AddLeftoverSymptoms
    if (r.name == "MaxInitializationTime") {
      const double init =
          bounds_.has_steps && timing_.has_job ? bounds_.first_step_us / 1e6 - timing_.start_s : 0;
      Add(InitializationFinding(r, init, InitEvidence(), ctx_), init);
      init_reported_ = true;
      return;
    }
    if (r.name == "StepOutlier") {
      const StepOutlierCost c = OutlierCost(in_, ParamNumber(r, "stddev", 3));
      Add(StepOutlierFinding(r, c), c.lost_s);
      return;
    }
    std::vector<Group> groups = GroupByStage(r, bounds_);
    if (!IsWindowCause(r.name)) groups = {MajorityStage(groups)};
    for (const Group& g : groups) {
      double cost = 0;
      size_t taken = 0;
      if (IsWindowCause(r.name)) cost = BottleneckSeconds(g);
      if (g.stage == Stage::kTraining || g.stage == Stage::kJob) {
        if (auto it = attribution_.by_cause.find(r.name); it != attribution_.by_cause.end()) {
          taken = it->second.size();
          cost = std::max(cost, Share(static_cast<double>(taken)));
        }
        if (r.name == "LoadBalancing" && cost == 0) {
          cost = Share(static_cast<double>(DistinctWindows(g.firings)));
        }
      }
      Add(RuleFindingItem(g.rule->name, *g.rule, g.stage, g.firings, taken, gpus_, ctx_), cost);
    }
  }

  // Idle GPUs no cause explains, per symptom rule and stage; before the
  // first step they join the MaxInitializationTime finding when it fired.
  void AddLeftoverSymptoms() {
    for (const auto& [key, windows] : attribution_.left) {
      const auto& [rule, stage] = key;
      if (stage == Stage::kInitialization) init_idle_gpu_windows_ += windows.size();
    }
    for (const auto& [key, windows] : attribution_.left) {
      const auto& [rule, stage] = key;
      if (stage == Stage::kInitialization && init_reported_) continue;
      const RuleResult* r = ctx_.Result(rule);
      std::vector<const RuleFinding*> firings;
      for (const RuleFinding& f : r->findings) {
        if (windows.count({f.node, f.device, f.window_start_us})) firings.push_back(&f);
      }
      FindingItem item = RuleFindingItem(rule, *r, stage, firings, 0, gpus_, ctx_);
      if (stage != Stage::kTraining && stage != Stage::kJob) {
        AddStageTraffic(stage, &item);
        if (stage == Stage::kInitialization) init_reported_ = true;
        if (stage == Stage::kFinalization) fin_reported_ = true;
      }
      Add(std::move(item), Share(static_cast<double>(windows.size())));
    }
  }

  // Long initialization or finalization that no rule reported.
  void AddLongStages() {
    if (!bounds_.has_steps || !timing_.has_job || job_s_ <= 0) return;
    const double init = bounds_.first_step_us / 1e6 - timing_.start_s;
    const double fin = timing_.end_s - bounds_.last_step_end_us / 1e6;
    if (!init_reported_ && init > 300 && init > 0.25 * job_s_) {
      FindingItem item = LongStageFinding(Stage::kInitialization, init, job_s_);
      AddStageTraffic(Stage::kInitialization, &item);
      Add(std::move(item), init);
    }
    if (!fin_reported_ && fin > 120 && fin > 0.10 * job_s_) {
      FindingItem item = LongStageFinding(Stage::kFinalization, fin, job_s_);
      AddStageTraffic(Stage::kFinalization, &item);
      Add(std::move(item), fin);
    }
  }

  std::string InitEvidence() const {
    std::string text;
    if (const std::optional<StageTraffic> t = Traffic()) {
      text = TrafficText(Stage::kInitialization, t->initialization);
    }
    return text;
  }

  void AddStageTraffic(Stage stage, FindingItem* item) const {
    const std::optional<StageTraffic> t = Traffic();
    if (!t) return;
    const std::string traffic =
        TrafficText(stage, stage == Stage::kInitialization ? t->initialization : t->finalization);
    if (!traffic.empty()) item->evidence += (item->evidence.empty() ? "" : " ") + traffic;
  }

  // The traffic before the first step and after the last one: given, or
  // from the raw data; none without steps or job bounds.
  std::optional<StageTraffic> Traffic() const {
    if (!bounds_.has_steps || !timing_.has_job) return std::nullopt;
    if (in_.stage_traffic) return *in_.stage_traffic;
    if (!in_.store || !in_.timeline) return std::nullopt;
    return StageTrafficOf(*in_.store, *in_.timeline);
  }

  void Add(FindingItem item, double cost) {
    item.impact_seconds = cost;
    if (item.anchor.empty()) item.anchor = AnchorOf(item.rule);
    if (cost > 0 && item.impact.empty()) item.impact = ImpactText(cost, job_s_);
    const bool costly = job_s_ > 0 && cost >= 0.05 * job_s_;
    if (item.severity == Severity::kWarning && costly) item.severity = Severity::kIssue;
    items_.push_back(std::move(item));
  }

  std::vector<FindingItem> Sorted() {
    if (init_idle_gpu_windows_ > 0) {
      for (FindingItem& item : items_) {
        if (item.rule == "MaxInitializationTime") {
          item.evidence += fmt::format(
              " Meanwhile the GPUs sat idle: LowGPUUtilization or BatchSize fired for {} GPU "
              "window{} before the first step.",
              init_idle_gpu_windows_, init_idle_gpu_windows_ == 1 ? "" : "s");
        }
      }
    }
    std::stable_sort(items_.begin(), items_.end(), [](const FindingItem& a, const FindingItem& b) {
      const double ia = std::round(a.impact_seconds), ib = std::round(b.impact_seconds);
      if (ia != ib) return ia > ib;
      return Priority(a.rule) < Priority(b.rule);
    });
    return std::move(items_);
  }

  const ReportContext& ctx_;
  const ReportInputs& in_;
  StageBounds bounds_;
  int gpus_ = 1;
  double job_s_ = 0;
  JobTiming timing_;
  Attribution attribution_;
  bool init_reported_ = false, fin_reported_ = false;
  size_t init_idle_gpu_windows_ = 0;
  std::vector<FindingItem> items_;
};

}  // namespace

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kInitialization:
      return "initialization";
    case Stage::kTraining:
      return "training";
    case Stage::kFinalization:
      return "finalization";
    case Stage::kJob:
      return "job";
  }
  return "job";
}

StageBounds StageBoundsOf(const ReportContext& ctx) {
  StageBounds b;
  const JobTimeline* tl = ctx.in().timeline;
  if (tl && tl->has_steps) {
    b.has_steps = true;
    b.first_step_us = tl->first_step_start_us;
    b.last_step_end_us = tl->last_step_end_us;
  }
  return b;
}

Stage StageOfWindow(const StageBounds& b, int64_t window_start_us) {
  if (!b.has_steps) return Stage::kJob;
  const int64_t end = window_start_us + kWindowUs;
  const int64_t in_loop =
      std::min(end, b.last_step_end_us) - std::max(window_start_us, b.first_step_us);
  if (in_loop * 2 >= kWindowUs) return Stage::kTraining;
  const int64_t mid = window_start_us + kWindowUs / 2;
  if (mid < b.first_step_us) return Stage::kInitialization;
  if (mid > b.last_step_end_us) return Stage::kFinalization;
  return Stage::kTraining;  // a loop shorter than half a window
}

std::vector<FindingItem> RankedFindings(const ReportContext& ctx) { return Ranker(ctx).Run(); }

}  // namespace report_internal
}  // namespace smr
