// Pieces shared by the per-rule sections of "Analyzing the training loop"
// (docs/rules.md §2.5): the opening paragraph with its "analysed N
// datapoints" sentence, the window in which a rule last fired, the "when and
// where" findings table, status notes and the framework activity correlated
// with a rule's findings.
// Private to src/report.
#ifndef SMR_SRC_REPORT_RULE_SECTION_HELPERS_H_
#define SMR_SRC_REPORT_RULE_SECTION_HELPERS_H_

#include <string>
#include <string_view>

#include "smr/report_model.h"
#include "smr/rule.h"
#include "src/report/blocks.h"

namespace smr {
namespace report_internal {

// A rule section's opening paragraph: `text` (what the rule checks, quoting
// its parameters), then "The rule analysed N datapoints and triggered M times."
void AppendRuleIntro(const RuleResult& r, const std::string& text, Section* s);

// "2021-12-15 20:55:06 UTC" from Details' "last_timestamp" (microseconds),
// or "" when absent.
std::string LastWindow(const Json& d);

// "TRAIN" from "ModeKeys.TRAIN".
std::string ShortPhase(std::string_view phase);

// "When and where": per node and device, the number of 60-second windows in
// which the rule fired there (column "Windows"), the first and last window
// and the range of `value_label`. At most kMaxRankRows rows (cross_rank.h)
// then one "… and K more" row of `devices` whose Windows cell holds the
// windows of the rows left out, so the column always adds up to the number
// of findings. Empty table when the rule has no findings (e.g. rendering
// from JSON).
Table FindingsTable(const RuleResult& r, const std::string& value_label,
                    const char* devices = "GPUs");

// The findings table, folded when it has more than
// kMaxFindingRowsUnfolded rows (and out of the PDF beyond twice that);
// nothing without findings.
inline constexpr size_t kMaxFindingRowsUnfolded = 8;
void AppendFindingsTable(const RuleResult& r, const std::string& value_label, Section* s);

// How many findings (window × device), distinct windows and distinct
// devices a rule's findings cover.
struct FindingsSpread {
  size_t findings = 0, windows = 0, devices = 0;
};
FindingsSpread SpreadOfFindings(const RuleResult& r);
// "in 3 windows on 2 GPUs".
std::string WhereFired(const FindingsSpread& f, const char* one_device = "GPU",
                       const char* devices = "GPUs");

// The text of a state note: "Not applicable: <reason>.", "Not evaluated:
// <reason>. The rule did not fire, but that is no verdict: ...".
std::string StateNoteText(const RuleStatus& st);

// The note that gives the rule's state (RuleStatusOf) in its section:
// failed ("<failed_text><error>", an issue), not applicable or not
// evaluated (StateNoteText, info), ok (`quiet_text` as an OK note, none when
// empty); nothing when it fired. Only a rule in state ok ever gets an OK
// note. Returns true when the rule failed or does not apply (the section
// should stop there); a not-evaluated rule's section goes on to show the
// data.
inline constexpr const char* kFailedNoVerdict =
    "The rule failed with an internal error and gave no verdict: ";
bool AppendStatusNote(const RuleResult& r, const std::string& quiet_text, Section* s,
                      const char* failed_text = kFailedNoVerdict);

// The framework activity correlated with a rule's findings (§4.12 keys:
// phase, ratio, general, CPU, GPU) as a row of share charts.
void AppendCorrelatedActivity(const Json& d, const std::string& id_prefix, const std::string& what,
                              Section* s);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_RULE_SECTION_HELPERS_H_
