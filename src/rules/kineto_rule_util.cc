// Helpers of the rules on Kineto traces (kineto_rule_util.h).
#include "src/rules/kineto_rule_util.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace smr {

std::string RankKey(int64_t rank) { return fmt::format("rank {}", rank); }

const KinetoAnalysis* RequireKineto(const AnalysisContext& ctx, RuleResult* r) {
  if (ctx.kineto != nullptr && !ctx.kineto->empty()) return ctx.kineto;
  r->applicable = false;
  r->not_applicable_reason = "no PyTorch-profiler (Kineto) traces";
  return nullptr;
}

double Percent(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

int64_t MicrosOf(int64_t ns) { return ns / 1000; }

int64_t CountAbove(const std::vector<StepValue>& steps, double threshold) {
  return std::count_if(steps.begin(), steps.end(),
                       [&](const StepValue& s) { return s.value > threshold; });
}

int64_t CountStepViolations(const std::vector<StepValue>& steps, double threshold, bool span_fires,
                            RuleResult* r) {
  const int64_t above = steps.empty() ? (span_fires ? 1 : 0) : CountAbove(steps, threshold);
  r->datapoints += steps.empty() ? 1 : static_cast<int64_t>(steps.size());
  r->violations += above;
  return above;
}

nlohmann::ordered_json WorstSteps(std::vector<StepValue> steps, const char* key, size_t n) {
  std::stable_sort(steps.begin(), steps.end(),
                   [](const StepValue& a, const StepValue& b) { return a.value > b.value; });
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (size_t i = 0; i < steps.size() && i < n; ++i) {
    nlohmann::ordered_json e;
    e["step"] = steps[i].number;
    e["start_us"] = MicrosOf(steps[i].start_ns);
    e[key] = steps[i].value;
    out.push_back(std::move(e));
  }
  return out;
}

int64_t WorstStepStart(const std::vector<StepValue>& steps, int64_t fallback_ns) {
  if (steps.empty()) return fallback_ns;
  const StepValue* worst = &steps.front();
  for (const StepValue& s : steps) {
    if (s.value > worst->value) worst = &s;
  }
  return worst->start_ns;
}

KinetoVerdicts::KinetoVerdicts(RuleResult* result) : r(result) {
  r->details["ranks"] = nlohmann::ordered_json::object();
}

void KinetoVerdicts::Add(const KinetoRankAnalysis& rank, nlohmann::ordered_json entry, bool fires,
                         double rank_saving_s, int64_t window_start_ns, double value,
                         const std::string& device) {
  entry["triggered"] = fires;
  // Two traces of one rank (or without a rank) keep apart by file.
  std::string key = RankKey(rank.rank);
  if (r->details["ranks"].contains(key)) key = fmt::format("{} ({})", key, rank.file);
  r->details["ranks"][key] = std::move(entry);
  if (!fires) return;
  r->triggered += 1;
  saving_s = std::max(saving_s, rank_saving_s);
  r->findings.push_back({MicrosOf(window_start_ns), key, device, value});
}

void KinetoVerdicts::Finish() { r->details["estimated_saving_s"] = saving_s; }

}  // namespace smr
