// "Analyzing the training loop" (§2.5): the introduction. The per-rule
// subsections are the level-3 rows that follow it in section_list.cc.
#include "src/report/blocks.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

void BuildTrainingLoopSection(const ReportContext& /*ctx*/, Section* s) {
  s->blocks.push_back(
      Paragraph("The following sections analyse the training loop rule by rule: what each rule "
                "checks, what it found, when and where, and what to do about it."));
}

}  // namespace report_internal
}  // namespace smr
