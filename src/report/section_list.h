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

// Fills `s`, whose id, title and level are already set from the row. `rule`
// is the presented rule's result (never null for a rule section, null for
// the others). A section left without blocks and subsections is not shown.
using SectionBuilder = void (*)(const ReportContext& ctx, const RuleResult* rule, Section* s);

struct SectionSpec {
  const char* id;     // anchor, e.g. "training-job-summary"
  const char* title;  // heading
  // 2: a section of the report; 3: a subsection of the level-2 row above.
  int level;
  // The rule a per-rule section presents, or null. Without a result the
  // section says why (unreadable or missing JSON, disabled) or is left out.
  const char* rule;
  SectionBuilder build;
};

// Every section, in display order.
const std::vector<SectionSpec>& ReportSections();

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_SECTION_LIST_H_
