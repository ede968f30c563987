// BuildDiffReportModel: title, overview, verdict notes, the tables' columns,
// cells and highlighted regressions, the cost table and the bar charts.
#include <algorithm>

#include <gtest/gtest.h>

#include "smr/compare.h"
#include "tests/compare/compare_test_util.h"

namespace smr {
namespace {

const Section& FindSection(const ReportModel& m, const std::string& id) {
  for (const Section& s : m.sections) {
    if (s.id == id) return s;
  }
  ADD_FAILURE() << "no section " << id;
  static const Section kNone;
  return kNone;
}

const Table& FirstTable(const Section& s) {
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kTable) return b.table;
  }
  ADD_FAILURE() << "no table in " << s.id;
  static const Table kNone;
  return kNone;
}

Comparison ThreeJobs() {
  return CompareJobs({testing::DiffJob("bs64"), testing::DiffJob("bs1024"),
                      testing::DiffJob("bs1024-2x", "ml.p3.2xlarge", 2)},
                     DiffThresholds{}, kDefaultRegion);
}

TEST(DiffModelTest, TitleOverviewAndVerdicts) {
  const ReportModel m = BuildDiffReportModel(ThreeJobs(), "sm-report test");
  EXPECT_EQ(m.kind, "Job comparison");
  EXPECT_EQ(m.title, "sm-report diff: bs64 vs bs1024 vs bs1024-2x");
  EXPECT_EQ(m.generated_by, "sm-report test");
  ASSERT_GE(m.overview.size(), 2u);
  EXPECT_EQ(m.overview[1].key, "Baseline");
  EXPECT_EQ(m.overview[1].value, "bs64");
  ASSERT_GE(m.overview.size(), 3u);
  EXPECT_EQ(m.overview[2].key, "Regressions");
  EXPECT_EQ(m.overview[2].value, "1 of 2 jobs");  // bs1024-2x
  const Section& v = FindSection(m, "verdict");
  ASSERT_GE(v.blocks.size(), 2u);
  EXPECT_EQ(v.blocks[0].kind, BlockKind::kNote);
  EXPECT_EQ(v.blocks[0].severity, Severity::kOk);
  EXPECT_EQ(v.blocks[0].text.rfind("bs1024 vs bs64: training 95.1 % faster", 0), 0u);
  EXPECT_EQ(v.blocks[1].severity, Severity::kIssue);  // bs1024-2x regresses
}

TEST(DiffModelTest, MetricTablesCompareWithBaselineAndPrevious) {
  const ReportModel m = BuildDiffReportModel(ThreeJobs(), "t");
  const Table& t = FirstTable(FindSection(m, "utilization"));
  EXPECT_EQ(t.columns,
            (std::vector<std::string>{"Metric", "bs64", "bs1024", "bs1024 vs bs64", "bs1024-2x",
                                      "bs1024-2x vs bs64", "bs1024-2x vs bs1024"}));
  ASSERT_FALSE(t.rows.empty());
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{
                           "GPU utilization p50", "22.0 %", "91.0 %", "+69.0 points improvement",
                           "75.0 %", "+53.0 points improvement", "-16.0 points regression"}));
  // Against the baseline GPU utilization improved: no highlight.
  EXPECT_TRUE(t.highlight_rows.empty());
  const Table& dq = FirstTable(FindSection(m, "data-quality"));
  ASSERT_EQ(dq.rows[0][0], "Records skipped");
  EXPECT_EQ(dq.rows[0][5], "+12 regression");
  EXPECT_EQ(dq.highlight_rows, std::vector<int>{0});
}

TEST(DiffModelTest, RulesTableMarksNewAndResolvedRules) {
  const ReportModel m = BuildDiffReportModel(ThreeJobs(), "t");
  const Table& t = FirstTable(FindSection(m, "rules"));
  const auto row = [&](const std::string& name) -> std::pair<std::vector<std::string>, int> {
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (t.rows[i][0] == name) return {t.rows[i], static_cast<int>(i)};
    }
    return {{}, -1};
  };
  const auto [step, step_i] = row("StepOutlier");
  ASSERT_EQ(step.size(), 7u);
  EXPECT_EQ(step[1], "not triggered");
  EXPECT_EQ(step[4], "triggered");
  EXPECT_EQ(step[5], "newly triggered");
  EXPECT_EQ(step[6], "newly triggered");
  EXPECT_NE(std::find(t.highlight_rows.begin(), t.highlight_rows.end(), step_i),
            t.highlight_rows.end());
  const auto [batch, batch_i] = row("BatchSize");
  EXPECT_EQ(batch[3], "no longer triggered");
  EXPECT_EQ(batch[6], "");
}

TEST(DiffModelTest, CostTableAndCharts) {
  const ReportModel m = BuildDiffReportModel(ThreeJobs(), "t");
  const Section& s = FindSection(m, "cost");
  const Table& t = FirstTable(s);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"Instance", "1 x ml.p3.2xlarge",
                                                 "1 x ml.p3.2xlarge", "2 x ml.p3.2xlarge"}));
  EXPECT_EQ(t.rows[4][1], "18,262 s (profiled job duration)");
  EXPECT_EQ(t.rows[5][1], "$19.40");
  EXPECT_EQ(t.rows[5][2], "$0.95");
  // One note names every job billed for its profiled duration.
  const auto note = std::find_if(s.blocks.begin(), s.blocks.end(),
                                 [](const Block& b) { return b.kind == BlockKind::kNote; });
  ASSERT_NE(note, s.blocks.end());
  EXPECT_EQ(note->text.rfind("bs64, bs1024, bs1024-2x: billed time approximated by the profiled "
                             "job duration (no describe-training-job JSON",
                             0),
            0u)
      << note->text;
  const auto charts = std::find_if(s.blocks.begin(), s.blocks.end(),
                                   [](const Block& b) { return b.kind == BlockKind::kCharts; });
  ASSERT_NE(charts, s.blocks.end());
  ASSERT_EQ(charts->charts.size(), 2u);
  EXPECT_EQ(charts->charts[0].kind, ChartKind::kBar);
  ASSERT_EQ(charts->charts[1].slices.size(), 3u);
  EXPECT_EQ(charts->charts[1].slices[0].label, "bs64");
  EXPECT_EQ(charts->charts[1].slices[0].value, 18262.0);
}

TEST(DiffModelTest, UnknownCostIsANoteNotANumber) {
  const Comparison c =
      CompareJobs({testing::DiffJob("bs64", "ml.x9.huge"), testing::DiffJob("bs1024")},
                  DiffThresholds{}, kDefaultRegion);
  const ReportModel m = BuildDiffReportModel(c, "t");
  EXPECT_EQ(m.overview[2].value, "none");
  const Section& s = FindSection(m, "cost");
  EXPECT_EQ(FirstTable(s).rows[5][1],
            "unknown (no price for ml.x9.huge in us-east-1; set it in the config's prices)");
  bool warned = false;
  for (const Block& b : s.blocks) {
    warned = warned || (b.kind == BlockKind::kNote && b.severity == Severity::kWarning &&
                        b.text.rfind("bs64: cost unknown (no price for ml.x9.huge", 0) == 0);
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace smr
