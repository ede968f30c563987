// The findings of the rules on PyTorch-profiler (Kineto) traces
// (src/rules/kineto_rules.h): built from the rule's Details, so they read
// the same from raw data and from rule JSONs. Private to src/report.
#ifndef SMR_SRC_REPORT_KINETO_FINDINGS_H_
#define SMR_SRC_REPORT_KINETO_FINDINGS_H_

#include <string>

#include "smr/report_model.h"
#include "smr/rule.h"

namespace smr {
namespace report_internal {

// Whether `rule` is one of the rules on Kineto traces.
bool IsKinetoRule(const std::string& rule);

// The finding of a triggered rule on Kineto traces: where (the firing
// ranks), evidence (the worst firing rank's numbers against the rule's
// thresholds), the estimated cost (Details.estimated_saving_s, returned in
// `*cost_s` and written in `impact`) and what to do.
FindingItem KinetoRuleFinding(const RuleResult& r, double* cost_s);

// A short duration: "850 µs", "12.5 ms", "3.20 s", "2 min 05 s".
std::string ShortDuration(double seconds);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_KINETO_FINDINGS_H_
