// CompareJobs (include/smr/compare.h): one row per metric with every job's
// value, the change of each later job against the baseline (the first job)
// and against the job before it, and a flag when the change is beyond its
// threshold in the metric's good or bad direction.
//
// A change is flagged when it exceeds the threshold (strictly): relative
// metrics by |delta| / earlier x 100, utilization by |delta| in points,
// counts by |delta|. Less time, less cost, fewer records skipped and higher
// GPU utilization are better; CPU and memory utilization have no direction
// (shown, never flagged). A rule triggered in a later job but not in the
// earlier one is a regression; triggered before and evaluated as not
// triggered later is an improvement.
#include <algorithm>

#include <fmt/format.h>

#include "smr/compare.h"
#include "src/compare/verdict.h"

namespace smr {
namespace {

Change Compare(const MetricRow& row, std::optional<double> earlier, std::optional<double> later) {
  Change c;
  if (!earlier || !later) return c;
  c.delta = *later - *earlier;
  if (*earlier != 0) c.delta_pct = *c.delta / std::abs(*earlier) * 100.0;
  if (row.better == Better::kNone || *c.delta == 0) return c;
  // A change equal to the threshold is not flagged; the margin keeps
  // binary rounding (0.55 - 0.5 = 0.0500000000000000444) from flagging it.
  constexpr double kMargin = 1e-9;
  bool beyond = false;
  if (row.threshold_kind == ThresholdKind::kRelative) {
    beyond = c.delta_pct ? std::abs(*c.delta_pct) > row.threshold + kMargin : true;
  } else {
    beyond = std::abs(*c.delta) > row.threshold + kMargin;
  }
  if (!beyond || std::abs(*c.delta) < row.min_abs) return c;
  const bool lower = *c.delta < 0;
  c.flag = (lower == (row.better == Better::kLower)) ? ChangeFlag::kImprovement
                                                     : ChangeFlag::kRegression;
  return c;
}

struct RowSpec {
  const char* group;
  std::string key, name, unit;
  Better better;
  ThresholdKind kind;
  double threshold;
  int decimals;
  double min_abs = 0;
};

void AddRow(const RowSpec& s, std::vector<std::optional<double>> values,
            std::vector<MetricRow>* rows) {
  if (std::none_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); })) {
    return;  // unknown in every job: nothing to compare
  }
  MetricRow r;
  r.group = s.group;
  r.key = s.key;
  r.name = s.name;
  r.unit = s.unit;
  r.better = s.better;
  r.threshold_kind = s.kind;
  r.threshold = s.threshold;
  r.min_abs = s.min_abs;
  r.decimals = s.decimals;
  r.values = std::move(values);
  for (size_t i = 0; i < r.values.size(); ++i) {
    r.vs_baseline.push_back(i == 0 ? Change{} : Compare(r, r.values[0], r.values[i]));
    r.vs_previous.push_back(i == 0 ? Change{} : Compare(r, r.values[i - 1], r.values[i]));
  }
  rows->push_back(std::move(r));
}

template <typename Get>
std::vector<std::optional<double>> Values(const std::vector<JobColumn>& jobs, Get get) {
  std::vector<std::optional<double>> v;
  for (const JobColumn& j : jobs) v.push_back(get(j));
  return v;
}

// Phases in first-seen order, TRAIN first.
std::vector<std::string> Phases(const std::vector<JobColumn>& jobs) {
  std::vector<std::string> out;
  for (const JobColumn& j : jobs) {
    for (const PhaseSteps& p : j.facts.step_time) {
      if (std::find(out.begin(), out.end(), p.phase) == out.end()) out.push_back(p.phase);
    }
  }
  std::stable_partition(out.begin(), out.end(), [](const std::string& p) { return p == "TRAIN"; });
  return out;
}

void AddTimeAndCost(const std::vector<JobColumn>& jobs, const DiffThresholds& t,
                    std::vector<MetricRow>* rows) {
  const auto dur = [&](const char* key, const char* name, std::optional<double> JobFacts::*f) {
    AddRow({"Time", key, name, "s", Better::kLower, ThresholdKind::kRelative, t.duration_pct, 0,
            t.duration_min_s},
           Values(jobs, [f](const JobColumn& j) { return j.facts.*f; }), rows);
  };
  dur("duration_s", "Job duration", &JobFacts::duration_s);
  dur("initialization_s", "Initialization", &JobFacts::initialization_s);
  dur("training_loop_s", "Training loop", &JobFacts::training_loop_s);
  dur("finalization_s", "Finalization", &JobFacts::finalization_s);
  AddRow(
      {"Cost", "cost_usd", "Cost", "USD", Better::kLower, ThresholdKind::kRelative, t.cost_pct, 2},
      Values(jobs, [](const JobColumn& j) { return j.cost.cost_usd; }), rows);
}

void AddSteps(const std::vector<JobColumn>& jobs, const DiffThresholds& t,
              std::vector<MetricRow>* rows) {
  for (const std::string& phase : Phases(jobs)) {
    for (const bool p95 : {false, true}) {
      const char* q = p95 ? "p95" : "p50";
      AddRow({"Step time", fmt::format("step_time_s.{}.{}", phase, q),
              fmt::format("{} step {}", phase, q), "s", Better::kLower, ThresholdKind::kRelative,
              t.step_time_pct, 3},
             Values(jobs,
                    [&](const JobColumn& j) -> std::optional<double> {
                      for (const PhaseSteps& s : j.facts.step_time) {
                        if (s.phase == phase) return p95 ? s.seconds.p95 : s.seconds.p50;
                      }
                      return std::nullopt;
                    }),
             rows);
    }
  }
}

void AddUtilization(const std::vector<JobColumn>& jobs, const DiffThresholds& t,
                    std::vector<MetricRow>* rows) {
  const std::pair<const char*, const char*> kinds[] = {
      {"gpu", "GPU"}, {"gpu_memory", "GPU memory"}, {"cpu", "CPU"}, {"cpu_memory", "CPU memory"}};
  for (const auto& [key, name] : kinds) {
    const std::string k = key;
    for (const bool p95 : {false, true}) {
      const char* q = p95 ? "p95" : "p50";
      AddRow({"Utilization", fmt::format("utilization_pct.{}.{}", k, q),
              fmt::format("{} utilization {}", name, q), "%",
              k == "gpu" ? Better::kHigher : Better::kNone, ThresholdKind::kPoints,
              t.utilization_points, 1},
             Values(jobs,
                    [&](const JobColumn& j) -> std::optional<double> {
                      for (const auto& [uk, qs] : j.facts.utilization) {
                        if (uk == k) return p95 ? qs.p95 : qs.p50;
                      }
                      return std::nullopt;
                    }),
             rows);
    }
  }
}

void AddDataAndJob(const std::vector<JobColumn>& jobs, const DiffThresholds& t,
                   std::vector<MetricRow>* rows) {
  const auto dq = [&](const char* key, const char* name, int64_t JobDataQuality::*f) {
    AddRow({"Data quality", key, name, "", Better::kLower, ThresholdKind::kAbsolute,
            t.records_skipped, 0},
           Values(jobs,
                  [f](const JobColumn& j) -> std::optional<double> {
                    if (!j.facts.data_quality) return std::nullopt;
                    return static_cast<double>((*j.facts.data_quality).*f);
                  }),
           rows);
  };
  dq("records_skipped", "Records skipped", &JobDataQuality::records_skipped);
  dq("files_not_read", "Files not read", &JobDataQuality::files_not_read);
  AddRow({"Job", "nodes", "Nodes", "", Better::kNone, ThresholdKind::kAbsolute, 0, 0},
         Values(jobs,
                [](const JobColumn& j) -> std::optional<double> {
                  if (j.facts.nodes.empty()) return std::nullopt;
                  return static_cast<double>(j.facts.nodes.size());
                }),
         rows);
  AddRow({"Job", "gpus", "GPUs", "", Better::kNone, ThresholdKind::kAbsolute, 0, 0},
         Values(jobs,
                [](const JobColumn& j) -> std::optional<double> {
                  if (!j.facts.gpus) return std::nullopt;
                  return static_cast<double>(*j.facts.gpus);
                }),
         rows);
}

ChangeFlag RuleFlag(const RuleRow& r, size_t earlier, size_t later) {
  if (r.triggered[later] && !r.triggered[earlier]) return ChangeFlag::kRegression;
  if (r.triggered[earlier] && r.states[later] == "not_triggered") return ChangeFlag::kImprovement;
  return ChangeFlag::kNone;
}

std::vector<RuleRow> CompareRules(const std::vector<JobColumn>& jobs) {
  std::vector<RuleRow> rows;
  for (const JobColumn& j : jobs) {
    for (const RuleOutcome& r : j.facts.rules) {
      if (std::none_of(rows.begin(), rows.end(),
                       [&](const RuleRow& x) { return x.name == r.name; })) {
        rows.push_back({r.name, {}, {}, {}, {}});
      }
    }
  }
  for (RuleRow& row : rows) {
    for (const JobColumn& j : jobs) {
      const auto it = std::find_if(j.facts.rules.begin(), j.facts.rules.end(),
                                   [&](const RuleOutcome& r) { return r.name == row.name; });
      row.states.push_back(it == j.facts.rules.end() ? "" : it->state);
      row.triggered.push_back(it != j.facts.rules.end() && it->state == "triggered");
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
      row.vs_baseline.push_back(i == 0 ? ChangeFlag::kNone : RuleFlag(row, 0, i));
      row.vs_previous.push_back(i == 0 ? ChangeFlag::kNone : RuleFlag(row, i - 1, i));
    }
  }
  return rows;
}

}  // namespace

Comparison CompareJobs(std::vector<JobColumn> jobs, const DiffThresholds& thresholds,
                       const std::string& region) {
  Comparison c;
  c.thresholds = thresholds;
  c.region = region;
  AddTimeAndCost(jobs, thresholds, &c.metrics);
  AddSteps(jobs, thresholds, &c.metrics);
  AddUtilization(jobs, thresholds, &c.metrics);
  AddDataAndJob(jobs, thresholds, &c.metrics);
  c.rules = CompareRules(jobs);
  c.jobs = std::move(jobs);
  c.regressions.assign(c.jobs.size(), 0);
  for (size_t i = 1; i < c.jobs.size(); ++i) {
    for (const MetricRow& m : c.metrics)
      c.regressions[i] += m.vs_baseline[i].flag == ChangeFlag::kRegression;
    for (const RuleRow& r : c.rules)
      c.regressions[i] += r.vs_baseline[i] == ChangeFlag::kRegression;
    c.verdicts.push_back(VerdictLine(c, i));
  }
  return c;
}

bool AnyRegression(const Comparison& c) {
  return std::any_of(c.regressions.begin(), c.regressions.end(), [](int n) { return n > 0; });
}

}  // namespace smr
