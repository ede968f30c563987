// DiffReportJson (include/smr/compare.h): diff-report.json, schema_version 1
// (docs/diff.md, "diff-report.json"): the jobs with their facts and cost
// inputs, every compared metric with its values and changes, the rules'
// states and changes, and the verdict lines.
#include <nlohmann/json.hpp>

#include "smr/compare.h"

namespace smr {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

ordered Opt(std::optional<double> v) { return v ? ordered(*v) : ordered(nullptr); }

const char* BetterName(Better b) {
  return b == Better::kLower ? "lower" : b == Better::kHigher ? "higher" : "none";
}

const char* KindName(ThresholdKind k) {
  return k == ThresholdKind::kRelative ? "percent"
         : k == ThresholdKind::kPoints ? "points"
                                       : "count";
}

ordered FlagJson(ChangeFlag f) {
  return f == ChangeFlag::kNone ? ordered(nullptr) : ordered(ChangeFlagName(f));
}

ordered JobJson(const JobColumn& j, int regressions) {
  const JobFacts& f = j.facts;
  ordered facts = {{"duration_s", Opt(f.duration_s)},
                   {"initialization_s", Opt(f.initialization_s)},
                   {"training_loop_s", Opt(f.training_loop_s)},
                   {"finalization_s", Opt(f.finalization_s)},
                   {"nodes", f.nodes},
                   {"gpus", f.gpus ? ordered(*f.gpus) : ordered(nullptr)},
                   {"verdict", f.verdict},
                   {"summary", f.summary}};
  facts["data_quality"] = f.data_quality
                              ? ordered{{"clean", f.data_quality->clean},
                                        {"files_not_read", f.data_quality->files_not_read},
                                        {"records_skipped", f.data_quality->records_skipped}}
                              : ordered(nullptr);
  const JobCost& c = j.cost;
  ordered cost = {
      {"instance_type", c.instance_type.empty() ? ordered(nullptr) : ordered(c.instance_type)},
      {"instance_count", c.instance_count},
      {"instance_source", c.instance_source},
      {"hourly_price_usd", Opt(c.hourly_price)},
      {"price_source", c.price_source},
      {"billed_seconds_per_instance", Opt(c.billed_seconds)},
      {"billed_from", c.billed_from_describe ? "describe-training-job" : "profiled job duration"},
      {"cost_usd", Opt(c.cost_usd)},
      {"managed_spot_saving_pct", Opt(c.spot_saving_pct)},
      {"note", c.note}};
  return {{"label", j.label},
          {"input", j.input},
          {"source", {{"kind", f.source_kind}, {"path", f.source_path}}},
          {"facts", facts},
          {"cost", cost},
          {"regressions_vs_baseline", regressions}};
}

ordered ChangesJson(const Comparison& c, const std::vector<Change>& changes, bool previous) {
  ordered out = ordered::array();
  for (size_t i = 1; i < changes.size(); ++i) {
    if (previous && i < 2) continue;
    const Change& ch = changes[i];
    out.push_back({{"job", c.jobs[i].label},
                   {"against", previous ? c.jobs[i - 1].label : c.jobs[0].label},
                   {"delta", Opt(ch.delta)},
                   {"delta_pct", Opt(ch.delta_pct)},
                   {"flag", FlagJson(ch.flag)}});
  }
  return out;
}

ordered RuleJson(const Comparison& c, const RuleRow& r) {
  ordered changes = ordered::array();
  for (size_t i = 1; i < c.jobs.size(); ++i) {
    for (const bool previous : {false, true}) {
      if (previous && i < 2) continue;
      const ChangeFlag f = previous ? r.vs_previous[i] : r.vs_baseline[i];
      if (f == ChangeFlag::kNone) continue;
      changes.push_back(
          {{"job", c.jobs[i].label},
           {"against", previous ? c.jobs[i - 1].label : c.jobs[0].label},
           {"change", f == ChangeFlag::kRegression ? "newly_triggered" : "no_longer_triggered"},
           {"flag", ChangeFlagName(f)}});
    }
  }
  return {{"name", r.name}, {"states", r.states}, {"changes", changes}};
}

}  // namespace

std::string DiffReportJson(const Comparison& c, const std::string& generated_by) {
  ordered doc;
  doc["schema_version"] = 1;
  doc["generator"] = generated_by;
  doc["baseline"] = c.jobs[0].label;
  doc["region"] = c.region;
  const DiffThresholds& t = c.thresholds;
  doc["thresholds"] = {{"duration_pct", t.duration_pct},
                       {"duration_min_s", t.duration_min_s},
                       {"cost_pct", t.cost_pct},
                       {"step_time_pct", t.step_time_pct},
                       {"utilization_points", t.utilization_points},
                       {"records_skipped", t.records_skipped}};
  doc["verdict"] = c.verdicts;
  doc["regression"] = AnyRegression(c);
  doc["jobs"] = ordered::array();
  for (size_t i = 0; i < c.jobs.size(); ++i)
    doc["jobs"].push_back(JobJson(c.jobs[i], c.regressions[i]));
  doc["changes"] = ordered::array();
  for (const MetricRow& m : c.metrics) {
    ordered values = ordered::array();
    for (const auto& v : m.values) values.push_back(Opt(v));
    doc["changes"].push_back(
        {{"key", m.key},
         {"name", m.name},
         {"group", m.group},
         {"unit", m.unit},
         {"better", BetterName(m.better)},
         {"threshold",
          {{"kind", KindName(m.threshold_kind)}, {"value", m.threshold}, {"min_abs", m.min_abs}}},
         {"values", values},
         {"vs_baseline", ChangesJson(c, m.vs_baseline, false)},
         {"vs_previous", ChangesJson(c, m.vs_previous, true)}});
  }
  doc["rules"] = ordered::array();
  for (const RuleRow& r : c.rules) doc["rules"].push_back(RuleJson(c, r));
  return doc.dump(2) + "\n";
}

}  // namespace smr
