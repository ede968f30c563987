// Pieces shared by the per-rule report sections
// (src/report/rule_section_helpers.h): the opening paragraph and the state
// note.
#include "src/report/rule_section_helpers.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
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

// AppendStatusNote: one note per state, the OK note only for a rule that
// was judged and did not fire.
TEST(RuleSectionHelpersTest, StatusNoteGivesTheStateAndOnlyOkGetsTheQuietText) {
  const auto note = [](const RuleResult& r, bool* stop) {
    Section s;
    *stop = report_internal::AppendStatusNote(r, "All quiet.", &s);
    return s.blocks;
  };
  bool stop = false;
  RuleResult ok;
  std::vector<Block> b = note(ok, &stop);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::kOk);
  EXPECT_EQ(b[0].text, "All quiet.");
  EXPECT_FALSE(stop);

  RuleResult fired;
  fired.triggered = 2;
  EXPECT_TRUE(note(fired, &stop).empty());
  EXPECT_FALSE(stop);

  RuleResult waiting;
  waiting.not_evaluated_reason = "8 seconds with data-loader events; needs more than 10 (patience)";
  b = note(waiting, &stop);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::kInfo);
  EXPECT_EQ(b[0].text,
            "Not evaluated: 8 seconds with data-loader events; needs more than 10 (patience). The "
            "rule did not fire, but that is no verdict: it never "
            "had enough data to judge.");
  EXPECT_FALSE(stop);  // the section goes on with the data

  RuleResult single;
  single.applicable = false;
  single.not_applicable_reason = "a single GPU (gpu0): nothing to balance";
  b = note(single, &stop);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::kInfo);
  EXPECT_EQ(b[0].text, "Not applicable: a single GPU (gpu0): nothing to balance.");
  EXPECT_TRUE(stop);

  RuleResult failed;
  failed.failed = true;
  failed.error = "boom";
  b = note(failed, &stop);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].severity, Severity::kIssue);
  EXPECT_EQ(b[0].text, std::string(report_internal::kFailedNoVerdict) + "boom");
  EXPECT_TRUE(stop);
}

// RuleStatusOf: failed before not applicable before triggered before not
// evaluated.
TEST(RuleSectionHelpersTest, RuleStatusOfOrder) {
  RuleResult r;
  r.name = "X";
  r.triggered = 1;
  r.not_evaluated_reason = "few";
  EXPECT_EQ(RuleStatusOf(r).state, RuleState::kTriggered);
  r.triggered = 0;
  EXPECT_EQ(RuleStatusOf(r).state, RuleState::kNotEvaluated);
  EXPECT_EQ(RuleStatusOf(r).detail, "few");
  r.applicable = false;
  r.not_applicable_reason = "none";
  EXPECT_EQ(RuleStatusOf(r).state, RuleState::kNotApplicable);
  r.failed = true;
  r.error = "boom";
  EXPECT_EQ(RuleStatusOf(r).state, RuleState::kFailed);
  EXPECT_EQ(RuleStatusOf(r).detail, "boom");
}

}  // namespace
}  // namespace smr
