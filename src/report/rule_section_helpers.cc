// Pieces shared by the per-rule sections (rule_section_helpers.h).
#include "src/report/rule_section_helpers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/report_builder.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"

namespace smr {
namespace report_internal {

void AppendRuleIntro(const RuleResult& r, const std::string& text, Section* s) {
  s->blocks.push_back(
      Paragraph(fmt::format("{} The rule analysed {} datapoints and triggered {} times.", text,
                            r.datapoints, r.triggered)));
}

std::string LastWindow(const Json& d) {
  const double ts = Num(d, "last_timestamp");
  if (!std::isfinite(ts)) return "";
  return FormatUtc(ts / 1e6) + " UTC";
}

void AppendCorrelatedActivity(const Json& d, const std::string& id_prefix, const std::string& what,
                              Section* s) {
  std::vector<Chart> row;
  if (HasObject(d, "phase")) {
    Chart phase = TopSharesChart(id_prefix + "-phase", "Training phase (%)", d["phase"]);
    for (PieSlice& sl : phase.slices) {
      if (sl.label == "others") sl.label = kBetweenStepsLabel;
    }
    row.push_back(std::move(phase));
  }
  if (HasObject(d, "ratio")) {
    row.push_back(TopSharesChart(id_prefix + "-ratio", "CPU vs GPU operators (%)", d["ratio"]));
  }
  if (HasObject(d, "general")) {
    row.push_back(TopSharesChart(id_prefix + "-general", "Framework operations (%)", d["general"]));
  }
  if (HasObject(d, "CPU")) {
    row.push_back(TopSharesChart(id_prefix + "-cpu", "Top CPU operators (%)", d["CPU"]));
  }
  if (HasObject(d, "GPU")) {
    row.push_back(TopSharesChart(id_prefix + "-gpu", "Top GPU operators (%)", d["GPU"]));
  }
  if (row.empty()) return;
  s->blocks.push_back(Paragraph(
      fmt::format("Framework activity recorded during {}: which training phases, operators and "
                  "framework operations were running, as a share of their time.",
                  what)));
  s->blocks.push_back(ChartsBlock(std::move(row)));
}

std::string ShortPhase(std::string_view phase) {
  const size_t dot = phase.rfind('.');
  return std::string(dot == std::string_view::npos ? phase : phase.substr(dot + 1));
}

FindingsSpread SpreadOfFindings(const RuleResult& r) {
  std::set<int64_t> windows;
  std::set<std::pair<std::string, std::string>> devices;
  for (const RuleFinding& f : r.findings) {
    windows.insert(f.window_start_us);
    devices.insert({f.node, f.device});
  }
  return {r.findings.size(), windows.size(), devices.size()};
}

std::string WhereFired(const FindingsSpread& f, const char* one_device, const char* devices) {
  return fmt::format("in {} on {}", Plural(static_cast<int64_t>(f.windows), "window", "windows"),
                     Plural(static_cast<int64_t>(f.devices), one_device, devices));
}

// Length: one aggregation, its sort and the rows with their budget.
Table FindingsTable(const RuleResult& r, const std::string& value_label, const char* devices) {
  struct Agg {
    int64_t count = 0;
    int64_t first = 0, last = 0;
    double min_v = 0, max_v = 0;
  };
  std::map<std::pair<std::string, std::string>, Agg> agg;
  std::vector<std::pair<std::string, std::string>> order;
  for (const RuleFinding& f : r.findings) {
    auto key = std::make_pair(f.node, f.device);
    auto it = agg.find(key);
    if (it == agg.end()) {
      order.push_back(key);
      agg[key] = {1, f.window_start_us, f.window_start_us, f.value, f.value};
      continue;
    }
    Agg& a = it->second;
    ++a.count;
    a.first = std::min(a.first, f.window_start_us);
    a.last = std::max(a.last, f.window_start_us);
    a.min_v = std::min(a.min_v, f.value);
    a.max_v = std::max(a.max_v, f.value);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return NaturalLess(a.first, b.first);
    return NaturalLess(a.second, b.second);
  });
  Table t;
  t.caption = fmt::format(
      "When and where the rule fired: one row per node and device, the number of 60-second "
      "windows in which it fired there (UTC){}",
      order.size() > kMaxRankRows
          ? fmt::format(" (first {} of {} rows)", kMaxRankRows, order.size())
          : std::string());
  t.columns = {"Node", "Device", "Windows", "First window", "Last window", value_label};
  t.numeric = {false, false, true, false, false, true};
  int64_t rest = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const Agg& a = agg[order[i]];
    if (i >= kMaxRankRows) {
      rest += a.count;
      continue;
    }
    const auto& key = order[i];
    t.rows.push_back({key.first.empty() ? "-" : key.first, key.second.empty() ? "-" : key.second,
                      fmt::format("{}", a.count), FormatUtc(a.first / 1e6), FormatUtc(a.last / 1e6),
                      a.min_v == a.max_v ? FormatNumber(a.min_v, 1)
                                         : fmt::format("{} – {}", FormatNumber(a.min_v, 1),
                                                       FormatNumber(a.max_v, 1))});
  }
  if (order.size() > kMaxRankRows) {
    // The windows of the rows left out, so the column still adds up.
    t.rows.push_back({fmt::format("… and {} more", order.size() - kMaxRankRows), devices,
                      fmt::format("{}", rest), "", "", ""});
  }
  return t;
}

void AppendFindingsTable(const RuleResult& r, const std::string& value_label, Section* s) {
  if (r.findings.empty()) return;
  Table t = FindingsTable(r, value_label);
  if (t.rows.size() <= kMaxFindingRowsUnfolded) {
    s->blocks.push_back(TableBlock(std::move(t)));
    return;
  }
  const size_t rows = t.rows.size();
  s->blocks.push_back(
      Folded(fmt::format("When and where the rule fired: one row per node and device ({} devices)",
                         SpreadOfFindings(r).devices),
             {TableBlock(std::move(t))}, rows <= 2 * kMaxFindingRowsUnfolded));
}

std::string StateNoteText(const RuleStatus& st) {
  switch (st.state) {
    case RuleState::kNotApplicable:
      return fmt::format("Not applicable: {}.", st.detail);
    case RuleState::kNotEvaluated:
      return fmt::format(
          "Not evaluated: {}. The rule did not fire, but that is no verdict: it never had "
          "enough data to judge.",
          st.detail);
    default:
      return fmt::format("{}: {}.", RuleStateName(st.state), st.detail);
  }
}

bool AppendStatusNote(const RuleResult& r, const std::string& quiet_text, Section* s,
                      const char* failed_text) {
  const RuleStatus st = RuleStatusOf(r);
  switch (st.state) {
    case RuleState::kFailed:
      s->blocks.push_back(Note(Severity::kIssue, failed_text + r.error));
      return true;
    case RuleState::kNotApplicable:
      s->blocks.push_back(Note(Severity::kInfo, StateNoteText(st)));
      return true;
    case RuleState::kNotEvaluated:
      s->blocks.push_back(Note(Severity::kInfo, StateNoteText(st)));
      return false;
    case RuleState::kOk:
      if (!quiet_text.empty()) s->blocks.push_back(Note(Severity::kOk, quiet_text));
      return false;
    default:
      return false;
  }
}

}  // namespace report_internal
}  // namespace smr
