// Findings of the rules on Kineto traces (src/report/kineto_findings.h),
// from rule results of hand-built analyses (tests/rules/kineto_builder.h).
#include "src/report/kineto_findings.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/findings_doc.h"
#include "smr/report_builder.h"
#include "src/report/findings.h"
#include "src/report/report_context.h"
#include "src/rules/builtin_rules.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using report_internal::KinetoRuleFinding;
using report_internal::RankedFindings;
using report_internal::ReportContext;
using report_internal::ShortDuration;
using testing::KinetoFixture;
using testing::kMs;

// DataloaderBound's worked example: rank 0, three 100 ms steps with 5, 20
// and 30 ms of data loading.
RuleResult DataloaderResult() {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  KinetoFixture::Step(&r0, 1, 0, 100 * kMs).cpu.dataloader_ns = 5 * kMs;
  KinetoFixture::Step(&r0, 2, 100 * kMs, 100 * kMs).cpu.dataloader_ns = 20 * kMs;
  KinetoFixture::Step(&r0, 3, 200 * kMs, 100 * kMs).cpu.dataloader_ns = 30 * kMs;
  return DataloaderBoundRule().Evaluate(f.ctx());
}

const char kDataloaderEvidence[] =
    "rank 0: data loading takes 20.0 % of the median step (threshold 10 %): 55.0 ms of 300.0 ms "
    "of step time over 3 steps, 2 steps above the threshold. Worst step: 3 (30.0 %).";

TEST(KinetoFindingsTest, DataloaderBoundFinding) {
  const RuleResult r = DataloaderResult();
  double cost = 0;
  const FindingItem item = KinetoRuleFinding(r, &cost);
  EXPECT_EQ(cost, 0.055);
  EXPECT_EQ(item.rule, "DataloaderBound");
  EXPECT_EQ(item.stage, "training");
  EXPECT_EQ(item.title, "Data loading stalls the training steps");
  EXPECT_EQ(item.where, "rank 0");
  EXPECT_EQ(item.evidence, kDataloaderEvidence);
  EXPECT_EQ(item.impact, "Estimated cost: 55.0 ms over the profiled steps");
  EXPECT_NE(item.action.find("num_workers"), std::string::npos);
  EXPECT_NE(item.action.find("pin_memory"), std::string::npos);
}

TEST(KinetoFindingsTest, FromTheJsonAloneTheFiringRanksComeFromDetails) {
  RuleResult r = DataloaderResult();
  r.findings.clear();  // as `render` reads it
  double cost = 0;
  const FindingItem item = KinetoRuleFinding(r, &cost);
  EXPECT_EQ(item.where, "rank 0");
  EXPECT_EQ(item.evidence, kDataloaderEvidence);
  EXPECT_EQ(cost, 0.055);
}

TEST(KinetoFindingsTest, StragglerEvidenceNamesTheLateRank) {
  KinetoFixture f;
  f.Rank(0);
  f.Rank(1);
  for (int64_t i = 1; i <= 3; ++i) {
    KinetoFixture::Step(&f.k.ranks[0], i, (i - 1) * 100 * kMs, 100 * kMs);
    KinetoFixture::Step(&f.k.ranks[1], i, (i - 1) * 100 * kMs, 100 * kMs);
    StepSkew s;
    s.number = i;
    s.ranks = 2;
    s.median_duration_ns = 100 * kMs;
    s.late_rank = 1;
    s.late_by_ns = 20 * kMs;
    s.slowest_rank = 1;
    f.k.skew.push_back(s);
  }
  const RuleResult r = StragglerRule().Evaluate(f.ctx());
  double cost = 0;
  const FindingItem item = KinetoRuleFinding(r, &cost);
  EXPECT_EQ(item.where, "rank 1");
  EXPECT_EQ(item.evidence,
            "rank 1 finished 3 of 3 common steps (100.0 %) last by more than 10 % of the median "
            "step (ratio 50 %); the other ranks waited 60.0 ms for it in all. Worst step: 1 "
            "(20.0 ms).");
  EXPECT_DOUBLE_EQ(cost, 0.06);
}

TEST(KinetoFindingsTest, RankedWithTheOtherFindings) {
  const std::vector<RuleResult> results = {DataloaderResult()};
  KinetoFixture f;
  ReportInputs in;
  in.results = &results;
  in.store = &f.built->store;
  in.timeline = &f.built->timeline;
  const std::vector<FindingItem> items = RankedFindings(ReportContext(in));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].evidence, kDataloaderEvidence);
  EXPECT_EQ(items[0].impact_seconds, 0.055);
  EXPECT_EQ(items[0].impact, "Estimated cost: 55.0 ms over the profiled steps");
  EXPECT_EQ(items[0].severity, Severity::kWarning);
}

TEST(KinetoFindingsTest, FindingsJsonMeasuresTheWorstRankAgainstTheThreshold) {
  const std::vector<RuleResult> results = {DataloaderResult()};
  KinetoFixture f;
  ReportInputs in;
  in.results = &results;
  in.store = &f.built->store;
  in.timeline = &f.built->timeline;
  const nlohmann::ordered_json doc = BuildFindingsDocument(in, "profiler-output", {});
  ASSERT_EQ(doc["rules"].size(), 1u);
  const auto& e = doc["rules"][0];
  EXPECT_EQ(e["name"], "DataloaderBound");
  EXPECT_EQ(e["state"], "triggered");
  EXPECT_EQ(e["measured"]["value"].get<double>(), 20.0);  // the median share
  EXPECT_EQ(e["measured"]["threshold"].get<double>(), 10.0);
  EXPECT_EQ(e["measured"]["unit"], "%");
  ASSERT_EQ(e["fired"].size(), 1u);
  EXPECT_EQ(e["fired"][0]["node"], "rank 0");
  EXPECT_EQ(e["fired"][0]["window_start_epoch_s"].get<double>(), 1704067200.2);  // step 3
  EXPECT_EQ(e["finding_rank"], 1);
  ASSERT_EQ(doc["findings"].size(), 1u);
  EXPECT_EQ(doc["findings"][0]["rule"], "DataloaderBound");
  EXPECT_EQ(doc["findings"][0]["where"], "rank 0");
}

TEST(KinetoFindingsTest, StepOutlierOnKinetoStepsIsCostedFromThem) {
  // Rank 0: steps 0 and 1 of 2 s, 100 steps of 125 ms: both long steps are
  // outliers, each 2 - 0.125 = 1.875 s beyond the median: 3.75 s.
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  int64_t t = 0;
  for (int64_t i = 0; i < 102; ++i) {
    const int64_t d = i < 2 ? 2000 * kMs : 125 * kMs;
    KinetoFixture::Step(&r0, i, t, d);
    t += d;
  }
  StepOutlierRule rule;
  ASSERT_TRUE(rule.SetParam("n_outliers", "1").ok());
  const std::vector<RuleResult> results = {rule.Evaluate(f.ctx())};
  ASSERT_EQ(results[0].triggered, 1);
  ReportInputs in;
  in.results = &results;
  in.store = &f.built->store;
  in.timeline = &f.built->timeline;
  in.kineto = &f.k;
  const std::vector<FindingItem> items = RankedFindings(ReportContext(in));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].rule, "StepOutlier");
  EXPECT_DOUBLE_EQ(items[0].impact_seconds, 3.75);
  EXPECT_EQ(items[0].where, "2 slow steps on 1 rank: steps 0, 1");
  EXPECT_EQ(items[0].evidence,
            "2 of 102 steps took longer than the mean + 3 standard deviations of their rank and "
            "phase, up to 16.0× the median step.");
}

TEST(KinetoFindingsTest, ShortDurations) {
  EXPECT_EQ(ShortDuration(0.000850), "850 µs");
  EXPECT_EQ(ShortDuration(0.0125), "12.5 ms");
  EXPECT_EQ(ShortDuration(3.2), "3.20 s");
  EXPECT_EQ(ShortDuration(125), "2 min 05 s");
}

}  // namespace
}  // namespace smr
