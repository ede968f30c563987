// The report's outline: every section in display order, with the function
// that builds it and, for the per-rule sections, the rule it presents.
// BuildReportModel walks this list; adding a section is one row in
// section_list.cc plus the builder's own file (src/report/sections/).
// Private to src/report.
#ifndef SMR_SRC_REPORT_SECTION_LIST_H_
#define SMR_SRC_REPORT_SECTION_LIST_H_

#include <vector>

#include "smr/report_model.h"
#include "smr/rule.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

// Fills `s`, whose id and title are already set from the row. A
// section left without blocks and subsections is not shown.
using SectionBuilder = void (*)(const ReportContext& ctx, Section* s);
// Fills the section of a rule that has a result.
using RuleSectionBuilder = void (*)(const RuleResult& r, const ReportInputs& in, Section* s);

struct SectionSpec {
  const char* id;     // anchor, e.g. "training-job-summary"
  const char* title;  // heading
  // Null for a section of the report. Otherwise the rule the section
  // presents: a subsection of the section above it in the list. Without a
  // result it says why (unreadable or missing JSON, disabled) or is left out.
  const char* rule;
  SectionBuilder build;           // when rule is null
  RuleSectionBuilder build_rule;  // when rule is set
};

// A section of the report (level 2).
constexpr SectionSpec ReportSection(const char* id, const char* title, SectionBuilder build) {
  return {id, title, nullptr, build, nullptr};
}
// The subsection (level 3) that presents `rule`.
constexpr SectionSpec RuleSection(const char* id, const char* title, const char* rule,
                                  RuleSectionBuilder build) {
  return {id, title, rule, nullptr, build};
}

// Every section, in display order.
const std::vector<SectionSpec>& ReportSections();

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_SECTION_LIST_H_
