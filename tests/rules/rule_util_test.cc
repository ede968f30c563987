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

}  // namespace
}  // namespace smr
