// "Rules summary" (§2.4): every rule with what it checks, how often it
// fired, its datapoints and parameters; which stretch of the job the rule
// windows covered; rules that could not be read or were disabled.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

// The rules table's "What it checks, and what to do" cell.
std::string RuleText(const Rule* rule) {
  std::string text = rule ? std::string(rule->description()) : "";
  if (rule && !rule->recommendation().empty()) {
    text += (text.empty() ? "" : "\n") + std::string("What to do: ") +
            std::string(rule->recommendation());
  }
  return text;
}

// Which stretch of the job the rules evaluated, and what they left out
// (the descriptive sections always cover all data).
Block WindowCoverageNote(const WindowPlan& w) {
  const WindowCoverage& c = w.coverage();
  const auto utc = [](int64_t us) { return FormatUtc(static_cast<double>(us) / 1e6); };
  std::string text =
      w.size() == 0
          ? std::string("The rules evaluated no window of 60 seconds: ")
          : fmt::format("The rules evaluated {} window{} of 60 seconds, from {} to {} UTC. ",
                        w.size(), w.size() == 1 ? "" : "s", utc(w.first_timestamp_us()),
                        utc(w.evaluated_end_us()));
  if (w.size() == 0) {
    text += c.stops_like_sagemaker
                ? "as in SageMaker, the walk stops before the window that starts at the latest "
                  "file timestamp, and this job's data ends within the first minute. "
                : "there is no data. ";
  }
  std::vector<std::string> out;
  if (c.system_rows_after > 0) {
    const double s = c.system_seconds_after;
    out.push_back(fmt::format("the last {} of system data ({} sample{})",
                              s < 60 ? fmt::format("{:.0f} s", s) : FormatDuration(s),
                              c.system_rows_after, c.system_rows_after == 1 ? "" : "s"));
  }
  if (c.events_after > 0) {
    out.push_back(fmt::format("{} framework event{} after the last window", c.events_after,
                              c.events_after == 1 ? "" : "s"));
  }
  if (c.system_rows_before > 0 || c.events_before > 0) {
    out.push_back(
        fmt::format("{} system sample{} and {} framework event{} before the first "
                    "window",
                    c.system_rows_before, c.system_rows_before == 1 ? "" : "s", c.events_before,
                    c.events_before == 1 ? "" : "s"));
  }
  if (out.empty()) {
    text += c.stops_like_sagemaker
                ? "Every sample and event lies within these windows."
                : "Every sample and event was evaluated (--analyze-trailing-data); SageMaker "
                  "stops at the latest file timestamp and may evaluate less.";
    return Note(Severity::kInfo, text);
  }
  std::string list;
  for (size_t i = 0; i < out.size(); ++i) {
    list += (i == 0 ? "" : (i + 1 == out.size() ? " and " : ", ")) + out[i];
  }
  text += fmt::format(
      "As in SageMaker, {} are not evaluated by the rules; the other sections of this report "
      "cover all data. Run sm-report build with --analyze-trailing-data to evaluate them too.",
      list);
  return Note(Severity::kInfo, text);
}

// "3 rules were not evaluated ... and 2 do not apply ...": what "not
// triggered" does not cover; nullopt when every rule was judged.
std::optional<Block> UnjudgedNote(const std::vector<const RuleResult*>& rows) {
  std::string not_evaluated, not_applicable;
  for (const RuleResult* r : rows) {
    const RuleState state = RuleStatusOf(*r).state;
    std::string& list = state == RuleState::kNotEvaluated ? not_evaluated : not_applicable;
    if (state == RuleState::kNotEvaluated || state == RuleState::kNotApplicable) {
      list += (list.empty() ? "" : ", ") + r->name;
    }
  }
  if (not_evaluated.empty() && not_applicable.empty()) return std::nullopt;
  std::string text;
  if (!not_evaluated.empty()) {
    text +=
        fmt::format("Not evaluated (too little data to judge, so no verdict): {}. ", not_evaluated);
  }
  if (!not_applicable.empty()) {
    text += fmt::format("Not applicable to this job (the data they need is absent): {}. ",
                        not_applicable);
  }
  text += "The State column gives the reason for each.";
  return Note(Severity::kInfo, text);
}

// The notes above the table: which rules fired, which could not be
// read, which were disabled, which were not evaluated or do not apply.
void AppendSummaryNotes(const ReportContext& ctx, const std::vector<const RuleResult*>& rows,
                        Section* s) {
  const ReportInputs& in = ctx.in();
  s->blocks.push_back(Paragraph(
      "The table lists every rule with its state, description, recommendation, how many times it "
      "was triggered, how many datapoints it analysed and its parameters. The state says whether "
      "the rule judged the job at all: \"not evaluated\" means too little data to judge, \"not "
      "applicable\" that the data it needs is absent. Rules are "
      "evaluated over the job in 60-second windows, so the trigger count is the number of "
      "evaluations (windows, GPUs or samples, depending on the rule) that met the "
      "condition."));
  if (in.windows) s->blocks.push_back(WindowCoverageNote(*in.windows));
  if (!rows.empty() && rows[0]->triggered > 0) {
    // Trigger counts have different units (windows, GPU windows, samples),
    // so the most-triggered rule is not the most important: the findings
    // rank the problems by their estimated cost instead.
    std::string fired;
    int n = 0;
    for (const RuleResult* r : rows) {
      if (r->triggered == 0 || RuleStatusOf(*r).state != RuleState::kTriggered) continue;
      fired += (fired.empty() ? "" : ", ") + r->name;
      ++n;
    }
    s->blocks.push_back(
        Note(Severity::kWarning,
             fmt::format("{} {} fired: {}. Their counts are in different units, so compare them "
                         "with care; the Findings at the top of the report rank what they mean by "
                         "the training time it probably costs.",
                         n, n == 1 ? "rule" : "rules", fired)));
  }
  std::optional<Block> unjudged = rows.empty() ? std::nullopt : UnjudgedNote(rows);
  if (!rows.empty() && rows[0]->triggered == 0) {
    // "No rule was triggered" is good news only when every rule judged.
    const char* text = in.unavailable_rules.empty() ? "No rule was triggered."
                                                    : "No rule that could be read was triggered.";
    if (unjudged) {
      unjudged->text = std::string(text) + " " + unjudged->text;
    } else {
      s->blocks.push_back(Note(Severity::kOk, text));
    }
  }
  if (unjudged) s->blocks.push_back(std::move(*unjudged));
  if (!in.unavailable_rules.empty()) {
    s->blocks.push_back(
        Note(Severity::kWarning,
             fmt::format("{} of the rule results could not be read, so the report cannot say "
                         "whether those rules found issues: {}. The table gives the reason for "
                         "each.",
                         in.unavailable_rules.size(), ctx.UnavailableList())));
  }
  if (!in.disabled_rules.empty()) {
    std::string names;
    for (const std::string& n : in.disabled_rules) names += (names.empty() ? "" : ", ") + n;
    s->blocks.push_back(
        Note(Severity::kInfo, fmt::format("Disabled by configuration, so not evaluated and "
                                          "without a rule JSON: {}.",
                                          names)));
  }
}

// The State cell: "triggered", "ok", "not evaluated: <reason>", ...
std::string StateCell(const RuleStatus& st) {
  if (st.detail.empty()) return RuleStateName(st.state);
  return fmt::format("{}: {}", RuleStateName(st.state), st.detail);
}

// The rules table: evaluated rules (most triggered first), then the rules
// without a result.
Table RulesTable(const ReportContext& ctx, const std::vector<const RuleResult*>& rows) {
  Table t;
  t.caption = "Rules";
  // SageMaker shows description and recommendation in two columns; one
  // column reads better and leaves room for the numbers.
  t.columns = {"Rule",
               "State",
               "What it checks, and what to do",
               "Number of times rule triggered",
               "Number of datapoints",
               "Rule parameters"};
  t.numeric = {false, false, false, true, true, false};
  for (size_t i = 0; i < rows.size(); ++i) {
    const RuleResult& r = *rows[i];
    const Rule* rule = ctx.RuleByName(r.name);
    const RuleStatus st = RuleStatusOf(r);
    t.rows.push_back({r.name, StateCell(st), RuleText(rule),
                      r.failed ? std::string("-") : fmt::format("{}", r.triggered),
                      fmt::format("{}", r.datapoints), r.rule_parameters});
    if (st.state == RuleState::kTriggered || st.state == RuleState::kFailed) {
      t.highlight_rows.push_back(static_cast<int>(i));
    }
  }
  // Rules without a result, last: "unreadable: <file>: <error>" as the
  // state (all of them, the two summary rules included).
  for (const RuleStatus& u : ctx.in().unavailable_rules) {
    t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back({u.name, StateCell(u), RuleText(ctx.RuleByName(u.name)), "-", "-", "-"});
  }
  return t;
}

}  // namespace

void BuildRulesSummarySection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  std::vector<const RuleResult*> rows;
  if (in.results) {
    for (const RuleResult& r : *in.results) {
      if (r.name == "OverallSystemUsage" || r.name == "OverallFrameworkMetrics") continue;
      rows.push_back(&r);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const RuleResult* a, const RuleResult* b) {
    return a->triggered > b->triggered;
  });
  AppendSummaryNotes(ctx, rows, s);
  s->blocks.push_back(TableBlock(RulesTable(ctx, rows)));
}

}  // namespace report_internal
}  // namespace smr
