// ComputeJobCost and the built-in prices: every number computed by hand.
#include <gtest/gtest.h>

#include "smr/compare.h"

namespace smr {
namespace {

CostInputs OnDemand(const std::string& type, int count = 1) {
  CostInputs in;
  in.instance_type = type;
  in.instance_count = count;
  in.instance_source = "--job";
  return in;
}

TEST(InstancePricesTest, TheAnchorPriceAndTheDefaultRegion) {
  EXPECT_EQ(BuiltinHourlyPrice("us-east-1", "ml.p3.2xlarge"), 3.825);
  EXPECT_FALSE(BuiltinHourlyPrice("us-east-1", "ml.x9.huge"));
  EXPECT_FALSE(BuiltinHourlyPrice("mars-north-1", "ml.p3.2xlarge"));
  EXPECT_EQ(std::string(kDefaultRegion), "us-east-1");
  EXPECT_EQ(BuiltinPriceRegions().front(), "us-east-1");
}

// The classic example: batch 64 -> 1024 on one ml.p3.2xlarge at $3.825/h.
// 18,262 s x 3.825 / 3600 = $19.403; 895 s x 3.825 / 3600 = $0.951.
TEST(JobCostTest, OnDemandCostFromTheProfiledDuration) {
  const JobCost a = ComputeJobCost(OnDemand("ml.p3.2xlarge"), 18262.0, PriceBook{});
  const JobCost b = ComputeJobCost(OnDemand("ml.p3.2xlarge"), 895.0, PriceBook{});
  ASSERT_TRUE(a.cost_usd && b.cost_usd);
  EXPECT_NEAR(*a.cost_usd, 19.4033, 1e-4);
  EXPECT_NEAR(*b.cost_usd, 0.95094, 1e-5);
  EXPECT_EQ(FormatUsd(*a.cost_usd), "$19.40");
  EXPECT_EQ(FormatUsd(*b.cost_usd), "$0.95");
  EXPECT_EQ(FormatUsd(*a.cost_usd - *b.cost_usd), "$18.45");
  EXPECT_FALSE(a.billed_from_describe);
  EXPECT_EQ(a.note, "billed time approximated by the profiled job duration");
  EXPECT_EQ(a.price_source, "built-in us-east-1 prices of 2026-12-05");
}

// 895 s x 2 instances x 3.825 / 3600 = $1.9019.
TEST(JobCostTest, TwoInstancesCostTwice) {
  const JobCost c = ComputeJobCost(OnDemand("ml.p3.2xlarge", 2), 895.0, PriceBook{});
  ASSERT_TRUE(c.cost_usd);
  EXPECT_NEAR(*c.cost_usd, 1.90188, 1e-5);
  EXPECT_EQ(FormatUsd(*c.cost_usd), "$1.90");
}

// Managed spot: billable 400 s of 1000 s training, 2 instances:
// 400 x 2 x 3.825 / 3600 = $0.85; saving 1 - 400/1000 = 60 %.
TEST(JobCostTest, SpotJobIsBilledForBillableTime) {
  CostInputs in = OnDemand("ml.p3.2xlarge", 2);
  TrainingJobDescription d;
  d.instance_type = "ml.p3.2xlarge";
  d.instance_count = 2;
  d.training_time_s = 1000;
  d.billable_time_s = 400;
  d.managed_spot = true;
  in.describe = d;
  const JobCost c = ComputeJobCost(in, /*profiled=*/1050.0, PriceBook{});
  ASSERT_TRUE(c.cost_usd && c.spot_saving_pct && c.billed_seconds);
  EXPECT_NEAR(*c.cost_usd, 0.85, 1e-12);
  EXPECT_NEAR(*c.spot_saving_pct, 60.0, 1e-12);
  EXPECT_EQ(*c.billed_seconds, 400.0);
  EXPECT_TRUE(c.billed_from_describe);
  EXPECT_EQ(c.note, "");
}

TEST(JobCostTest, UnknownInstanceTypeIsUnknownCostNotAnError) {
  const JobCost c = ComputeJobCost(OnDemand("ml.x9.huge"), 895.0, PriceBook{});
  EXPECT_FALSE(c.cost_usd);
  EXPECT_EQ(c.note,
            "unknown (no price for ml.x9.huge in us-east-1; set it in the config's prices)");
  const JobCost none = ComputeJobCost(CostInputs{}, 895.0, PriceBook{});
  EXPECT_FALSE(none.cost_usd);
  EXPECT_EQ(none.note.rfind("unknown (no instance type", 0), 0u) << none.note;
}

// Config prices override (ml.p3.2xlarge at $3/h: 895 x 3 / 3600 = $0.7458)
// and extend (ml.trn1.2xlarge at $1.5/h: 1200 x 1.5 / 3600 = $0.50) the table.
TEST(JobCostTest, ConfigPricesOverrideAndExtendTheTable) {
  PriceBook book;
  book.overrides = {{"ml.p3.2xlarge", 3.0}, {"ml.trn1.2xlarge", 1.5}};
  book.overrides_source = "config c.json";
  const JobCost a = ComputeJobCost(OnDemand("ml.p3.2xlarge"), 895.0, book);
  ASSERT_TRUE(a.cost_usd);
  EXPECT_NEAR(*a.cost_usd, 0.745833, 1e-6);
  EXPECT_EQ(a.price_source, "config c.json");
  const JobCost b = ComputeJobCost(OnDemand("ml.trn1.2xlarge"), 1200.0, book);
  ASSERT_TRUE(b.cost_usd);
  EXPECT_NEAR(*b.cost_usd, 0.5, 1e-12);
  book.region = "eu-west-1";  // no built-in prices there: only the config's
  EXPECT_FALSE(ComputeJobCost(OnDemand("ml.m5.xlarge"), 100.0, book).cost_usd);
  EXPECT_TRUE(ComputeJobCost(OnDemand("ml.p3.2xlarge"), 100.0, book).cost_usd);
}

TEST(FormatTest, UsdHasTwoDecimalsAndThousands) {
  EXPECT_EQ(FormatUsd(1234.5), "$1,234.50");
  EXPECT_EQ(FormatUsd(0.004), "$0.00");
  EXPECT_EQ(FormatUsd(-18.4527), "-$18.45");
}

}  // namespace
}  // namespace smr
