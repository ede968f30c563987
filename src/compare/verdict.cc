// VerdictLine (src/compare/verdict.h): one sentence per later job saying
// how its time and cost changed against the baseline, which rules changed
// and whether anything regressed.
#include "src/compare/verdict.h"

#include <cmath>

#include <fmt/format.h>

namespace smr {
namespace {

const MetricRow* Row(const Comparison& c, const std::string& key) {
  for (const MetricRow& m : c.metrics) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

std::string TimePart(const Comparison& c, size_t job) {
  const MetricRow* d = Row(c, "duration_s");
  if (d == nullptr || !d->vs_baseline[job].delta_pct) return "training time unknown";
  const double pct = *d->vs_baseline[job].delta_pct;
  if (std::abs(pct) < 0.05) return "training time unchanged";
  return fmt::format("training {:.1f} % {}", std::abs(pct), pct < 0 ? "faster" : "slower");
}

std::string CostPart(const Comparison& c, size_t job) {
  const MetricRow* m = Row(c, "cost_usd");
  if (m == nullptr || !m->vs_baseline[job].delta) return "cost unknown";
  const Change& ch = m->vs_baseline[job];
  if (std::abs(*ch.delta) < 0.005) return "cost unchanged";
  const std::string pct = ch.delta_pct ? fmt::format(" ({:.1f} %)", std::abs(*ch.delta_pct)) : "";
  return fmt::format("cost {}{} {}", FormatUsd(std::abs(*ch.delta)), pct,
                     *ch.delta < 0 ? "lower" : "higher");
}

std::string RulesPart(const Comparison& c, size_t job) {
  int newly = 0, resolved = 0;
  for (const RuleRow& r : c.rules) {
    newly += r.vs_baseline[job] == ChangeFlag::kRegression;
    resolved += r.vs_baseline[job] == ChangeFlag::kImprovement;
  }
  std::string out;
  const auto rules = [](int n) { return n == 1 ? "1 rule" : fmt::format("{} rules", n); };
  if (newly > 0) out += fmt::format("; {} newly triggered", rules(newly));
  if (resolved > 0) out += fmt::format("; {} no longer triggered", rules(resolved));
  return out;
}

// "no regressions" or "2 regressions (GPU utilization p50, rule StepOutlier
// newly triggered)".
std::string RegressionsPart(const Comparison& c, size_t job) {
  std::string names;
  for (const MetricRow& m : c.metrics) {
    if (m.vs_baseline[job].flag != ChangeFlag::kRegression) continue;
    names += fmt::format("{}{}", names.empty() ? "" : ", ", m.name);
  }
  for (const RuleRow& r : c.rules) {
    if (r.vs_baseline[job] != ChangeFlag::kRegression) continue;
    names += fmt::format("{}{} newly triggered", names.empty() ? "" : ", ", r.name);
  }
  const int n = c.regressions[job];
  if (n == 0) return "no regressions";
  return fmt::format("{} regression{} ({})", n, n == 1 ? "" : "s", names);
}

}  // namespace

std::string VerdictLine(const Comparison& c, size_t job) {
  return fmt::format("{} vs {}: {}, {}{}; {}", c.jobs[job].label, c.jobs[0].label, TimePart(c, job),
                     CostPart(c, job), RulesPart(c, job), RegressionsPart(c, job));
}

}  // namespace smr
