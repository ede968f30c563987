// Summaries across ranks (src/report/cross_rank.h): the spread of one value
// per rank, which ranks stand out, and the row budget of per-rank tables.
#include "src/report/cross_rank.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace smr::report_internal {
namespace {

std::string OneDecimal(double v) { return fmt::format("{:.1f}", v); }

TEST(CrossRankTest, OneRankFarFromTheOthersStandsOut) {
  // Median of 10, 11, 12, 50 = 11.5; absolute deviations 1.5, 0.5, 0.5,
  // 38.5 -> MAD = median(0.5, 0.5, 1.5, 38.5) = 1.0; the gap is
  // max(3 × 1.4826 × 1.0, 1) = 4.4478: only d (38.5 above) is outside.
  const std::vector<RankValue> v = {{"a", 10}, {"b", 11}, {"c", 12}, {"d", 50}};
  const RankSpread s = SpreadOf(v, 1);
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.median, 11.5);
  EXPECT_DOUBLE_EQ(s.min, 10);
  EXPECT_EQ(s.min_rank, "a");
  EXPECT_DOUBLE_EQ(s.max, 50);
  EXPECT_EQ(s.max_rank, "d");
  EXPECT_TRUE(s.low.empty());
  EXPECT_EQ(s.high, std::vector<size_t>{3});
  EXPECT_EQ(SpreadText(s, OneDecimal), "min 10.0 (a), median 11.5, max 50.0 (d)");
  EXPECT_EQ(OutlierText(s, v, OneDecimal), "d (50.0) is above the others");
}

TEST(CrossRankTest, NearlyEqualRanksNeverStandOut) {
  // 1.00, 1.01, 1.02, 1.50: MAD 0.01 would make 1.50 an outlier, but the
  // minimum gap 0.6 keeps ranks within 0.6 of the median (1.015) together.
  const std::vector<RankValue> v = {{"a", 1.00}, {"b", 1.01}, {"c", 1.02}, {"d", 1.50}};
  const RankSpread s = SpreadOf(v, 0.6);
  EXPECT_TRUE(s.low.empty());
  EXPECT_TRUE(s.high.empty());
  EXPECT_EQ(OutlierText(s, v, OneDecimal, "node"), "no node stands out");
}

TEST(CrossRankTest, RanksBelowAndAboveAreNamedSeparately) {
  // 0, 50 ×5, 100: median 50, MAD 0, gap = min_gap 10.
  std::vector<RankValue> v = {{"low", 0}};
  for (int i = 0; i < 5; ++i) v.push_back({fmt::format("r{}", i), 50});
  v.push_back({"high", 100});
  const RankSpread s = SpreadOf(v, 10);
  EXPECT_EQ(s.low, std::vector<size_t>{0});
  EXPECT_EQ(s.high, std::vector<size_t>{6});
  EXPECT_EQ(OutlierText(s, v, OneDecimal),
            "high (100.0) is above the others; low (0.0) is below the others");
}

TEST(CrossRankTest, SameValueEverywhereIsOneValue) {
  const RankSpread s = SpreadOf({{"a", 3}, {"b", 3.01}, {"c", 2.99}}, 0);
  EXPECT_EQ(SpreadText(s, OneDecimal), "3.0");  // all three show as 3.0
}

TEST(CrossRankTest, TwoRanksAreARange) {
  const RankSpread s = SpreadOf({{"a", 4}, {"b", 3}}, 0);
  EXPECT_EQ(SpreadText(s, OneDecimal), "3.0 (b) to 4.0 (a)");
}

TEST(CrossRankTest, MoreThanFiveOutliersAreCounted) {
  // Seven ranks at 100 and nine at 0: median 0, MAD 0, gap 1 -> 7 high.
  std::vector<RankValue> v;
  for (int i = 0; i < 7; ++i) v.push_back({fmt::format("h{}", i), 100});
  for (int i = 0; i < 9; ++i) v.push_back({fmt::format("z{}", i), 0});
  const RankSpread s = SpreadOf(v, 1);
  EXPECT_EQ(s.high.size(), 7u);
  EXPECT_EQ(OutlierText(s, v, OneDecimal),
            "h0 (100.0), h1 (100.0), h2 (100.0), h3 (100.0), h4 (100.0) and 2 more are above the "
            "others");
}

TEST(CrossRankTest, TruncatedTableSaysHowManyRowsWereLeftOut) {
  Table t;
  t.columns = {"Rank", "Value"};
  for (int i = 0; i < 5; ++i) t.rows.push_back({fmt::format("r{}", i), "1"});
  t.highlight_rows = {1, 4};
  EXPECT_EQ(TruncateRows(&t, 3, "ranks"), 2u);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[3], (std::vector<std::string>{"… and 2 more ranks", ""}));
  EXPECT_EQ(t.highlight_rows, std::vector<int>{1});
  EXPECT_EQ(TruncateRows(&t, 10, "ranks"), 0u);  // within the budget: unchanged
  EXPECT_EQ(t.rows.size(), 4u);
}

TEST(CrossRankTest, FoldedBlockKeepsItsChildrenAndPdfChoice) {
  const Block b = Folded("Per-rank detail", {Block{}, Block{}}, false);
  EXPECT_EQ(b.kind, BlockKind::kDetails);
  EXPECT_EQ(b.text, "Per-rank detail");
  EXPECT_EQ(b.children.size(), 2u);
  EXPECT_FALSE(b.children_in_pdf);
}

}  // namespace
}  // namespace smr::report_internal
