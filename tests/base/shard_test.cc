// Shards of nodes (smr/shard.h): node keys, grouping by bytes, the memory
// estimate and the --max-memory sizes.
#include "smr/shard.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

InputFile File(FileKind kind, std::string node, uint64_t bytes, std::string rel = "") {
  InputFile f;
  f.kind = kind;
  f.node = std::move(node);
  f.size_bytes = bytes;
  f.rel_path = rel.empty() ? f.node : std::move(rel);
  return f;
}

TEST(ShardKeyTest, HostOfEachFormat) {
  EXPECT_EQ(ShardKeyOf(File(FileKind::kSystem, "algo-1", 1)), "algo-1");
  // pevents name their node "<rank>-<host>": the host's files stay together.
  EXPECT_EQ(ShardKeyOf(File(FileKind::kPythonTimeline, "0-algo-1", 1)), "algo-1");
  EXPECT_EQ(ShardKeyOf(File(FileKind::kPythonTimeline, "12-algo-3", 1)), "algo-3");
  // Not a rank prefix: kept as written.
  EXPECT_EQ(ShardKeyOf(File(FileKind::kPythonTimeline, "host-a", 1)), "host-a");
  // Each PyTorch-profiler trace is its own unit.
  EXPECT_EQ(ShardKeyOf(File(FileKind::kKineto, "", 1, "run/rank-0.pt.trace.json")),
            "trace:run/rank-0.pt.trace.json");
}

Discovery Nodes(const std::vector<std::pair<std::string, uint64_t>>& nodes) {
  Discovery d;
  for (const auto& [node, bytes] : nodes) d.files.push_back(File(FileKind::kSystem, node, bytes));
  for (size_t i = 0; i < d.files.size(); ++i) d.files[i].order = static_cast<uint32_t>(i);
  return d;
}

TEST(GroupByNodeTest, LargestNodeFirstToTheLightestGroup) {
  // algo-1 100, algo-2 60, algo-3 50, algo-4 40 (bytes over two files of algo-1).
  Discovery d =
      Nodes({{"algo-1", 70}, {"algo-2", 60}, {"algo-3", 50}, {"algo-4", 40}, {"algo-1", 30}});
  const std::vector<ShardGroup> g = GroupByNode(d, 2);
  ASSERT_EQ(g.size(), 2u);
  // 100 -> A; 60 -> B; 50 -> B (60 < 100); 40 -> A (100 < 110).
  EXPECT_EQ(g[0].keys, (std::vector<std::string>{"algo-1", "algo-4"}));
  EXPECT_EQ(g[0].files, (std::vector<uint32_t>{0, 3, 4}));
  EXPECT_EQ(g[0].bytes, 140u);
  EXPECT_EQ(g[1].keys, (std::vector<std::string>{"algo-2", "algo-3"}));
  EXPECT_EQ(g[1].bytes, 110u);
}

TEST(GroupByNodeTest, NeverMoreGroupsThanNodesAndOneGroupForOne) {
  Discovery d = Nodes({{"algo-1", 10}, {"algo-2", 10}});
  EXPECT_EQ(GroupByNode(d, 5).size(), 2u);
  EXPECT_EQ(GroupByNode(d, 1).size(), 1u);
  EXPECT_EQ(GroupByNode(d, 0).size(), 1u);
  EXPECT_EQ(GroupByNode(d, 1)[0].files, (std::vector<uint32_t>{0, 1}));
}

TEST(GroupByNodeTest, NaturalOrderBreaksTies) {
  Discovery d = Nodes({{"algo-10", 10}, {"algo-2", 10}, {"algo-1", 10}});
  const std::vector<ShardGroup> g = GroupByNode(d, 3);
  ASSERT_EQ(g.size(), 3u);
  // Ties go in natural order: algo-1, algo-2, algo-10 to groups 0, 1, 2;
  // groups are then ordered by their first file.
  EXPECT_EQ(g[0].keys, (std::vector<std::string>{"algo-10"}));
  EXPECT_EQ(g[1].keys, (std::vector<std::string>{"algo-2"}));
  EXPECT_EQ(g[2].keys, (std::vector<std::string>{"algo-1"}));
}

TEST(GroupForMemoryTest, FewestGroupsThatFit) {
  // Four nodes of 1 GB of system metrics: 100 MB + 19 % each.
  Discovery d = Nodes({{"algo-1", 1ull << 30},
                       {"algo-2", 1ull << 30},
                       {"algo-3", 1ull << 30},
                       {"algo-4", 1ull << 30}});
  const uint64_t one = EstimatePeakMemory(d, GroupByNode(d, 4)[0]);
  EXPECT_EQ(one, (100ull << 20) + static_cast<uint64_t>(0.19 * (1ull << 30)));
  EXPECT_EQ(GroupForMemory(d, 100ull << 40).size(), 1u);
  // In groups, 5 % of the input (4 GiB) for the merged states is added.
  const uint64_t states = EstimateMergedStates(d);
  EXPECT_EQ(states, static_cast<uint64_t>(0.05 * (4.0 * (1ull << 30))));
  const uint64_t two_nodes = EstimatePeakMemory(d, GroupByNode(d, 2)[0]) + states;
  EXPECT_EQ(GroupForMemory(d, two_nodes).size(), 2u);
  EXPECT_EQ(GroupForMemory(d, two_nodes - 1).size(), 4u);
  // The whole job fits: one group, no states to add.
  EXPECT_EQ(GroupForMemory(d, EstimatePeakMemory(d, GroupByNode(d, 1)[0])).size(), 1u);
  // Below one node: one node a group, the limit cannot be kept.
  EXPECT_EQ(GroupForMemory(d, 1).size(), 4u);
}

TEST(SubDiscoveryTest, KeepsOrderAndPositions) {
  Discovery d = Nodes({{"algo-1", 1}, {"algo-2", 2}, {"algo-1", 3}});
  d.root = "/data";
  ShardGroup g;
  g.files = {0, 2};
  const Discovery sub = SubDiscovery(d, g);
  EXPECT_EQ(sub.root, "/data");
  ASSERT_EQ(sub.files.size(), 2u);
  EXPECT_EQ(sub.files[0].order, 0u);
  EXPECT_EQ(sub.files[1].order, 2u);
  EXPECT_EQ(sub.files[1].size_bytes, 3u);
}

TEST(ParseMemorySizeTest, UnitsAndShares) {
  uint64_t b = 0;
  std::string err;
  ASSERT_TRUE(ParseMemorySize("4G", &b, &err));
  EXPECT_EQ(b, 4ull << 30);
  ASSERT_TRUE(ParseMemorySize("512M", &b, &err));
  EXPECT_EQ(b, 512ull << 20);
  ASSERT_TRUE(ParseMemorySize("1.5GiB", &b, &err));
  EXPECT_EQ(b, 3ull << 29);
  ASSERT_TRUE(ParseMemorySize("2t", &b, &err));
  EXPECT_EQ(b, 2ull << 40);
  ASSERT_TRUE(ParseMemorySize("1000", &b, &err));
  EXPECT_EQ(b, 1000u);
  if (PhysicalMemoryBytes() > 0) {
    ASSERT_TRUE(ParseMemorySize("50%", &b, &err));
    EXPECT_EQ(b, PhysicalMemoryBytes() / 2);
  }
  for (const char* bad : {"", "G", "-1G", "0", "4X", "101%", "nan", "1e30T"}) {
    EXPECT_FALSE(ParseMemorySize(bad, &b, &err)) << bad;
    EXPECT_NE(err.find("--max-memory"), std::string::npos) << err;
  }
}

}  // namespace
}  // namespace smr
