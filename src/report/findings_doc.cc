// findings.json (include/smr/findings_doc.h): the job, its metrics, data
// quality, every rule and the ranked findings, from the report's inputs.
#include "smr/findings_doc.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/findings.h"
#include "src/report/findings_doc_rules.h"
#include "src/report/job_timing.h"
#include "src/report/kineto_facts.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace {

using namespace report_internal;  // NOLINT: private helpers of this module

// "2021-12-15T20:55:06Z" (whole seconds), null when unknown.
Json IsoOrNull(double epoch_s) { return std::isfinite(epoch_s) ? Json(IsoUtc(epoch_s)) : Json(); }

// Median of a few values (the utilization of a multi-node job).
double Median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return QuantileSorted(v, 0.5);
}

// Nodes and GPUs per node: from the system metrics when there is raw data,
// else from the rule JSONs (OverallSystemUsage names the nodes, BatchSize
// and LowGPUUtilization their GPUs).
void AddNodes(const ReportContext& ctx, Json* job) {
  const ReportInputs& in = ctx.in();
  std::vector<std::string> nodes;
  std::map<std::string, int> gpus;
  if (const MetricStore* store = SummaryStore(in); store && store->has_system()) {
    for (StrId n : store->system_nodes()) {
      const std::string name(store->str(n));
      nodes.push_back(name);
      gpus[name] = static_cast<int>(store->SeriesOf(n, MetricKind::kGpuUtilization).size());
    }
  } else {
    if (const RuleResult* usage = ctx.Result("OverallSystemUsage")) {
      const Json& d = usage->details;
      if (d.contains("CPU") && d["CPU"].is_object()) {
        for (const auto& [node, v] : d["CPU"].items()) nodes.push_back(node);
      }
    }
    const std::regex gpu_key("gpu[0-9]+");
    for (const char* rule : {"BatchSize", "LowGPUUtilization"}) {
      const RuleResult* r = ctx.Result(rule);
      if (!r || !r->details.is_object()) continue;
      for (const auto& [node, v] : r->details.items()) {
        if (!v.is_object()) continue;
        int n = 0;
        for (const auto& [key, unused] : v.items()) n += std::regex_match(key, gpu_key) ? 1 : 0;
        if (n > 0) gpus[node] = std::max(gpus[node], n);
      }
      if (!gpus.empty()) break;
    }
    if (nodes.empty()) {
      for (const auto& [node, n] : gpus) nodes.push_back(node);
    }
  }
  (*job)["nodes"] = nodes;
  int total = 0;
  Json per_node = Json::object();
  for (const std::string& node : nodes) {
    auto it = gpus.find(node);
    if (it == gpus.end()) continue;
    per_node[node] = it->second;
    total += it->second;
  }
  (*job)["gpus"] = per_node.empty() ? Json(nullptr) : Json(total);
  (*job)["gpus_per_node"] = per_node;
}

Json JobSection(const ReportContext& ctx) {
  const JobTiming t = Timing(ctx);
  Json job;
  const double nan = NAN;
  job["start"] = IsoOrNull(t.has_job ? t.start_s : nan);
  job["start_epoch_s"] = NumOrNull(t.has_job ? t.start_s : nan);
  job["end"] = IsoOrNull(t.has_job ? t.end_s : nan);
  job["end_epoch_s"] = NumOrNull(t.has_job ? t.end_s : nan);
  job["duration_s"] = NumOrNull(t.has_job ? t.job_duration : nan);
  const bool steps = t.has_job && t.has_steps;
  job["initialization_s"] = NumOrNull(steps ? t.init : nan);
  job["training_loop_s"] = NumOrNull(steps ? t.loop : nan);
  job["finalization_s"] = NumOrNull(steps ? t.fin : nan);
  job["first_step_epoch_s"] = NumOrNull(steps ? t.first_s : nan);
  job["last_step_epoch_s"] = NumOrNull(steps ? t.last_s : nan);
  AddNodes(ctx, &job);
  if (const KinetoAnalysis* k = ctx.in().kineto; k != nullptr && !k->empty()) {
    const KinetoFacts f = FactsOf(*k);
    if (job["gpus"].is_null() && f.gpu_ranks > 0) job["gpus"] = f.gpu_ranks;
    Json p;
    p["traces"] = f.traces;
    p["ranks"] = f.ranks;
    p["gpus"] = f.gpu_ranks;
    p["gpu_names"] = f.gpu_names;
    p["start"] = IsoOrNull(f.start_s);
    p["start_epoch_s"] = f.start_s;
    p["end"] = IsoOrNull(f.end_s);
    p["end_epoch_s"] = f.end_s;
    p["duration_s"] = f.end_s - f.start_s;
    p["steps_min"] = f.steps;
    p["steps_max"] = f.steps_max;
    job["pytorch_profiler"] = std::move(p);
  }
  return job;
}

// Step durations per phase ("TRAIN", "EVAL", ...) over all ranks: from the
// timeline (every step of the job), else the median over ranks of
// StepOutlier's per-rank statistics (rule JSONs only).
Json StepTimes(const ReportContext& ctx) {
  const ReportInputs& in = ctx.in();
  Json out = Json::object();
  if (const MetricStore* store = SummaryStore(in); in.timeline && store) {
    std::map<std::string, std::vector<double>> by_phase;
    for (const StepEvent& st : in.timeline->steps) {
      by_phase[ShortPhase(store->str(st.phase))].push_back(
          static_cast<double>(st.end_us - st.start_us) / 1e6);
    }
    for (auto& [phase, d] : by_phase) {
      std::sort(d.begin(), d.end());
      out[phase] = {
          {"p50", QuantileSorted(d, 0.5)}, {"p95", QuantileSorted(d, 0.95)}, {"steps", d.size()}};
    }
    return out;
  }
  const RuleResult* r = ctx.Result("StepOutlier");
  if (!r || !HasObject(r->details, "step_details")) return out;
  std::map<std::string, std::vector<double>> p50, p95;
  for (const auto& [rank, v] : r->details["step_details"].items()) {
    if (!v.is_object() || !v.contains("phase") || !v["phase"].is_string()) continue;
    const std::string phase = ShortPhase(v["phase"].get<std::string>());
    const Json& stats = v.contains("step_stats") ? v["step_stats"] : Json();
    const double a = Num(stats, "p50"), b = Num(stats, "p95");
    if (std::isfinite(a)) p50[phase].push_back(a);
    if (std::isfinite(b)) p95[phase].push_back(b);
  }
  for (const auto& [phase, v] : p50) {
    out[phase] = {{"p50", Median(v)}, {"p95", NumOrNull(Median(p95[phase]))}, {"steps", nullptr}};
  }
  return out;
}

// Utilization percentiles from OverallSystemUsage (over all system data
// when the report has that result): the median over nodes of each node's
// p50 and p95.
Json Utilization(const ReportContext& ctx) {
  const ReportInputs& in = ctx.in();
  const RuleResult* usage =
      in.system_usage_all_data ? in.system_usage_all_data : ctx.Result("OverallSystemUsage");
  Json out = Json::object();
  if (!usage || usage->failed) return out;
  const std::pair<const char*, const char*> kMetrics[] = {
      {"cpu", "CPU"}, {"gpu", "GPU"}, {"gpu_memory", "GPU memory"}, {"cpu_memory", "CPU memory"}};
  for (const auto& [key, detail_key] : kMetrics) {
    if (!HasObject(usage->details, detail_key)) continue;
    std::vector<double> p50, p95;
    for (const auto& [node, v] : usage->details[detail_key].items()) {
      const double a = Num(v, "p50"), b = Num(v, "p95");
      if (std::isfinite(a)) p50.push_back(a);
      if (std::isfinite(b)) p95.push_back(b);
    }
    if (p50.empty() && p95.empty()) continue;
    out[key] = {{"p50", NumOrNull(Median(p50))}, {"p95", NumOrNull(Median(p95))}};
  }
  return out;
}

Json DataQualitySection(const ReportInputs& in) {
  if (!in.data_quality) return nullptr;
  const DataQuality& dq = *in.data_quality;
  return {{"clean", dq.clean},
          {"files_found", dq.files_found},
          {"files_read", dq.files_read},
          {"files_not_read", dq.files_not_read},
          {"records_read", dq.records_read},
          {"records_kept", dq.records_kept},
          {"records_skipped", dq.records_skipped},
          {"summary", dq.summary}};
}

const char* SeverityKey(Severity s) {
  switch (s) {
    case Severity::kIssue:
      return "issue";
    case Severity::kWarning:
      return "warning";
    case Severity::kOk:
      return "ok";
    case Severity::kInfo:
      return "info";
  }
  return "info";
}

Json Findings(const std::vector<FindingItem>& ranked) {
  Json out = Json::array();
  int rank = 0;
  for (const FindingItem& f : ranked) {
    out.push_back({{"rank", ++rank},
                   {"severity", SeverityKey(f.severity)},
                   {"rule", f.rule},
                   {"stage", f.stage},
                   {"title", f.title},
                   {"where", f.where},
                   {"evidence", f.evidence},
                   {"impact", f.impact},
                   {"impact_s", f.impact_seconds},
                   {"action", f.action},
                   {"section", f.anchor}});
  }
  return out;
}

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

nlohmann::ordered_json BuildFindingsDocument(const ReportInputs& in, std::string_view source_kind,
                                             const FindingsOutputs& outputs) {
  const ReportContext ctx(in);
  Json doc;
  doc["schema_version"] = kFindingsSchemaVersion;
  doc["generator"] = in.generated_by;
  doc["source"] = {{"kind", source_kind}, {"path", in.input_dir}};
  const std::vector<FindingItem> ranked = RankedFindings(ctx);
  Json rules = RuleEntries(ctx, ranked);
  std::vector<std::string> fired;
  int64_t evaluated = 0;
  for (const Json& r : rules) {
    if (r["state"] == "triggered") fired.push_back(r["name"].get<std::string>());
    if (r["state"] == "triggered" || r["state"] == "not_triggered") ++evaluated;
  }
  doc["verdict"] = fired.empty() ? "ok" : "issues";
  std::string names;
  for (const std::string& n : fired) names += (names.empty() ? "" : ", ") + n;
  doc["summary"] =
      fired.empty()
          ? fmt::format("no rule triggered ({} of {} rules evaluated)", evaluated, rules.size())
          : fmt::format("{} of {} rules triggered: {}", fired.size(), rules.size(), names);
  doc["job"] = JobSection(ctx);
  doc["metrics"] = {{"step_time_s", StepTimes(ctx)}, {"utilization_pct", Utilization(ctx)}};
  doc["data_quality"] = DataQualitySection(in);
  doc["rules"] = std::move(rules);
  doc["findings"] = Findings(ranked);
  doc["outputs"] = {{"html", OrNull(outputs.html)},
                    {"pdf", OrNull(outputs.pdf)},
                    {"rule_jsons", OrNull(outputs.rule_jsons)},
                    {"data_quality", OrNull(outputs.data_quality)}};
  return doc;
}

std::string FindingsDocumentText(const nlohmann::ordered_json& doc) {
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace smr
