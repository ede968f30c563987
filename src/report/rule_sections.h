// Per-rule report sections ("Analyzing the training loop", docs/rules.md
// §2.5). Each builds from the rule's JSON Details (so render-from-JSON works)
// and adds raw-data views (timelines, outlier step lists) when the store is
// available. Private to src/report.
#ifndef SMR_SRC_REPORT_RULE_SECTIONS_H_
#define SMR_SRC_REPORT_RULE_SECTIONS_H_

#include "smr/report_builder.h"
#include "smr/report_model.h"
#include "smr/rule.h"

namespace smr {
namespace report_internal {

Section StepOutlierSection(const RuleResult& r, const ReportInputs& in);
Section LoadBalancingSection(const RuleResult& r, const ReportInputs& in);
Section DataloaderSection(const RuleResult& r, const ReportInputs& in);
// CPUBottleneck (io = false) or IOBottleneck (io = true).
Section BottleneckSection(const RuleResult& r, const ReportInputs& in, bool io);
Section GpuMemorySection(const RuleResult& r, const ReportInputs& in);

// "When and where": the windows in which the rule fired, per node/device.
// Empty table when the rule has no findings (e.g. rendering from JSON).
Table FindingsTable(const RuleResult& r, const std::string& value_label);

// Notes for a rule that failed / does not apply / did not fire. Returns true
// (and appends the note) when the section should stop there.
bool AppendStatusNote(const RuleResult& r, const std::string& quiet_text, Section* s);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_RULE_SECTIONS_H_
