#include "src/rules/rule_util.h"

#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

// Feeds `ts` and returns the slot numbers (first-seen order).
std::vector<size_t> SlotsOf(const std::vector<double>& ts, std::vector<bool>* fresh) {
  TimestampSlots slots;
  std::vector<size_t> out;
  for (double t : ts) {
    bool is_new = false;
    out.push_back(slots.Slot(t, &is_new));
    fresh->push_back(is_new);
  }
  return out;
}

TEST(TimestampSlotsTest, NumbersTimestampsInFirstSeenOrderInTimeOrder) {
  std::vector<bool> fresh;
  EXPECT_EQ(SlotsOf({5, 5, 5, 6, 6, 7}, &fresh), (std::vector<size_t>{0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(fresh, (std::vector<bool>{true, false, false, true, false, true}));
}

TEST(TimestampSlotsTest, FindsEarlierTimestampsAndHandlesNewOldOnes) {
  std::vector<bool> fresh;
  // 6 comes back (found by search), then 4 is new but older than the latest
  // (the switch to a hash map), then 5 and 4 again.
  EXPECT_EQ(SlotsOf({5, 6, 7, 6, 4, 5, 4, 8}, &fresh),
            (std::vector<size_t>{0, 1, 2, 1, 3, 0, 3, 4}));
  EXPECT_EQ(fresh, (std::vector<bool>{true, true, true, false, true, false, false, true}));
}

TEST(TimestampSlotsTest, ZeroAndNegativeZeroAreOneKeyLikePythonFloats) {
  std::vector<bool> fresh;
  EXPECT_EQ(SlotsOf({0.0, 1.0, -0.0}, &fresh), (std::vector<size_t>{0, 1, 0}));
}

TEST(BoxQuartilesTest, AppendsTheSixKeysInSageMakersOrder) {
  BoxStats b;
  b.p25 = 1;
  b.p50 = 2;
  b.p75 = 3;
  b.p95 = 4;
  b.upper = 5;
  b.lower = 0.5;
  b.max = 9;
  nlohmann::ordered_json entry = {{"gpu_max", 9.0}};
  AddBoxQuartiles(b, &entry);
  EXPECT_EQ(entry.dump(),
            R"({"gpu_max":9.0,"p25":1.0,"p50":2.0,"p75":3.0,"p95":4.0,"upper":5.0,"lower":0.5})");
}

TEST(NodeTimestampSumsTest, SumsPerNodeAndTimestampInFirstSeenOrder) {
  NodeTimestampSums sums;
  sums.Add(7, 1.0, 10);
  sums.Add(7, 1.0, 20);
  sums.Add(3, 1.0, 5);
  sums.Add(7, 2.0, 1);
  sums.Add(3, 0.5, 2);  // older timestamp: a new slot after 1.0
  ASSERT_EQ(sums.nodes().size(), 2u);
  EXPECT_EQ(sums.nodes()[0].node, 7u);
  EXPECT_EQ(sums.nodes()[0].sums, (std::vector<double>{30, 1}));
  EXPECT_EQ(sums.nodes()[1].node, 3u);
  EXPECT_EQ(sums.nodes()[1].sums, (std::vector<double>{5, 2}));
  sums.clear();
  EXPECT_TRUE(sums.nodes().empty());
}

}  // namespace
}  // namespace smr
