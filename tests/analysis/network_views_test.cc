// Network bytes in a time span (smr/analysis.h NetworkBytesBetween).
#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

TEST(NetworkViewsTest, EachRateCountsUntilTheNextSampleWithinTheSpan) {
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  // Platform receive 100, 200, 300, 400 B/s at 1000..1003 s; Algorithm
  // transmit 1000 B/s at 1000 s and 1002 s (2 s apart).
  for (int i = 0; i < 4; ++i) {
    d.Sample("algo-1", "network", "ReceiveBytesPerSecond", "Platform", 1000 + i, 100.0 * (i + 1));
  }
  d.NetTx("algo-1", 1000, 1000).NetTx("algo-1", 1002, 1000);
  d.Cpu("algo-1", "cpu0", 1001, 99);  // not network
  const auto data = d.Build();
  // [1001, 1003): 200 B/s for 1 s + 300 B/s for 1 s; Algorithm: the sample
  // at 1002 s has no successor, so nothing.
  NetworkBytes nb = NetworkBytesBetween(data->store, 1001, 1003);
  EXPECT_DOUBLE_EQ(nb.platform, 500);
  EXPECT_DOUBLE_EQ(nb.algorithm, 0);
  // [1000, 1004): 100 + 200 + 300 (the last sample has no successor);
  // Algorithm 1000 B/s for 2 s.
  nb = NetworkBytesBetween(data->store, 1000, 1004);
  EXPECT_DOUBLE_EQ(nb.platform, 600);
  EXPECT_DOUBLE_EQ(nb.algorithm, 2000);
  // A gap longer than max_gap_s counts max_gap_s: 1000 B/s for 1 s.
  nb = NetworkBytesBetween(data->store, 1000, 1001.5, /*max_gap_s=*/1);
  EXPECT_DOUBLE_EQ(nb.algorithm, 1000);
  // The span ends the last interval: 100 B/s for 0.5 s.
  nb = NetworkBytesBetween(data->store, 1000, 1000.5);
  EXPECT_DOUBLE_EQ(nb.platform, 50);
}

}  // namespace
}  // namespace smr
