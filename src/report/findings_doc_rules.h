// The "rules" array of findings.json (findings_doc.h): every rule with its
// state, counts, parameters, firings, measured value vs threshold and
// recommendation. Private to src/report.
#ifndef SMR_SRC_REPORT_FINDINGS_DOC_RULES_H_
#define SMR_SRC_REPORT_FINDINGS_DOC_RULES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "src/report/blocks.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

// At most this many firings per rule are listed ("fired"); "fired_total"
// counts them all.
inline constexpr size_t kMaxFiredListed = 200;

// A number, or null when unknown (NaN): findings.json's numbers.
Json NumOrNull(double v);
// "2021-12-15T20:55:00Z" (whole seconds, UTC): findings.json's times.
std::string IsoUtc(double epoch_s);

// "triggered", "not_triggered", "not_evaluated", "not_applicable",
// "failed", "disabled", "missing", "unreadable".
std::string RuleStateKey(RuleState s);

// One entry per rule, in the report's rule order (RuleStates). `ranked`:
// the report's findings, most costly first; "finding_rank" names the one
// that covers the rule (its own, else the cause it was counted under, such
// as the CPU bottleneck that left the GPUs idle), 1-based.
Json RuleEntries(const ReportContext& ctx, const std::vector<FindingItem>& ranked);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_FINDINGS_DOC_RULES_H_
