// Sharded evaluation of the rules (smr/rule.h, RulePartial; docs/scaling.md):
// on generated multi-node jobs, every rule's partials over shards of nodes,
// merged in any order and through their byte form, finish into exactly the
// JSON the rule writes for the whole job.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "testing/shards.h"

namespace smr {
namespace {

// The rules with a sharded evaluation: every one of SageMaker's rules (the
// Kineto-only rules run once on the merged Kineto analysis instead).
const std::vector<std::string>& ShardedRules() {
  static const std::vector<std::string> names = {
      "CPUBottleneck",      "IOBottleneck", "LowGPUUtilization",      "StepOutlier",
      "GPUMemoryIncrease",  "BatchSize",    "MaxInitializationTime",  "LoadBalancing",
      "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics"};
  return names;
}

struct Case {
  std::string scenario;
  int nodes;
  bool trailing;
};

class ShardedRulesTest : public ::testing::TestWithParam<Case> {};

TEST_P(ShardedRulesTest, MergedPartialsEqualTheWholeJob) {
  const Case& c = GetParam();
  const std::string dir = testing::GeneratedJob(c.scenario, c.nodes);
  WindowPlanOptions options;
  options.analyze_trailing_data = c.trailing;
  for (int groups = 1; groups <= c.nodes; ++groups) {
    const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, groups, options);
    ASSERT_EQ(job->shards.size(), static_cast<size_t>(groups));
    for (const std::unique_ptr<Rule>& rule : CreateBuiltinRules()) {
      bool sharded = false;
      for (const std::string& n : ShardedRules()) sharded = sharded || n == rule->name();
      if (!sharded) continue;
      SCOPED_TRACE(std::string(rule->name()) + ", " + std::to_string(groups) + " groups");
      testing::ExpectShardedEqualsWhole(*rule, *job);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Jobs, ShardedRulesTest,
    ::testing::Values(Case{"multi-node", 4, false}, Case{"multi-node", 4, true},
                      Case{"cpu-bottleneck", 3, false}, Case{"io-bottleneck", 3, false},
                      Case{"imbalance", 3, false}, Case{"step-outliers", 3, false},
                      Case{"few-loaders", 3, false}, Case{"memory-growth", 3, true},
                      Case{"long-init", 2, false}, Case{"cpu-only", 3, false}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.scenario + "_" + std::to_string(info.param.nodes) + "n" +
                         (info.param.trailing ? "_trailing" : "");
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace smr
