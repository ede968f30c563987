// Pieces shared by the per-rule report sections
// (src/report/rule_section_helpers.h): the opening paragraph.
#include "src/report/rule_section_helpers.h"

#include <gtest/gtest.h>

#include "smr/report_model.h"
#include "smr/rule.h"

namespace smr {
namespace {

TEST(RuleSectionHelpersTest, TheIntroEndsWithWhatTheRuleAnalysed) {
  RuleResult r;
  r.datapoints = 120;
  r.triggered = 3;
  Section s;
  report_internal::AppendRuleIntro(r, "The X rule checks things.", &s);
  ASSERT_EQ(s.blocks.size(), 1u);
  EXPECT_EQ(s.blocks[0].kind, BlockKind::kParagraph);
  EXPECT_EQ(s.blocks[0].text,
            "The X rule checks things. The rule analysed 120 datapoints and triggered 3 times.");
}

}  // namespace
}  // namespace smr
