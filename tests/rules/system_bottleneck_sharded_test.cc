// CPUBottleneck / IOBottleneck over shards of nodes: the snapshot that
// carries from one node's file into the next, snapshot keys shared by two
// nodes, and framework events whose first-seen order is not the shards'.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "src/rules/builtin_rules.h"
#include "testing/scratch.h"
#include "testing/shards.h"
#include "tests/rules/bottleneck_random_job.h"

namespace smr {
namespace {

void WriteLines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  for (const std::string& l : lines) out << l << "\n";
}

// One snapshot row of `node` for gpu0 / cpu0 (and more cores).
void Row(std::vector<std::string>* lines, const std::string& node, const std::string& ts,
         double gpu, std::vector<double> cpus) {
  lines->push_back(R"({"Type":"gpu","Name":"gpu0","Dimension":"GPUUtilization","Value":)" +
                   std::to_string(gpu) + R"(,"NodeId":")" + node + R"(","Timestamp":)" + ts + "}");
  for (size_t i = 0; i < cpus.size(); ++i) {
    lines->push_back(R"({"Type":"cpu","Name":"cpu)" + std::to_string(i) +
                     R"(","Dimension":"CPUUtilization","Value":)" + std::to_string(cpus[i]) +
                     R"(,"NodeId":")" + node + R"(","Timestamp":)" + ts + "}");
  }
}

// A Python-timeline trace: (process name, op name, start s, end s) events.
struct Ev {
  std::string phase, name;
  double start_s, end_s;
};
void WriteTrace(const std::filesystem::path& path, const std::vector<Ev>& events) {
  nlohmann::json j = nlohmann::json::array();
  j.push_back({{"name", "process_name"},
               {"ph", "M"},
               {"pid", 0},
               {"args", {{"start_time_since_epoch_in_micros", 1600000000000000}}}});
  for (size_t i = 0; i < events.size(); ++i) {
    const int pid = static_cast<int>(i) + 1;
    j.push_back({{"name", "process_name"},
                 {"ph", "M"},
                 {"pid", pid},
                 {"args", {{"name", events[i].phase}}}});
    const auto ts = static_cast<int64_t>((events[i].start_s - 1600000000.0) * 1e6 + 0.5);
    const auto end = static_cast<int64_t>((events[i].end_s - 1600000000.0) * 1e6 + 0.5);
    j.push_back(
        {{"name", events[i].name}, {"pid", pid}, {"ph", "X"}, {"ts", ts}, {"dur", end - ts}});
  }
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << j.dump();
}

// algo-1 ends window 0 in the snapshot of 2.0 s; algo-2's first row (2.01 s)
// joins it, its next (2.025 s) starts one of its own (which algo-2 alone
// would not), and its later row at 1.0 s adds to algo-1's key 1.0. algo-2's
// file is the larger one, so it is shard 0 of two.
std::string CarryJob() {
  const std::filesystem::path dir = testing::ScratchDir("bottleneck-carry-job");
  const std::filesystem::path sys = dir / "system/incremental/2020091312";
  std::vector<std::string> a, b;
  Row(&a, "algo-1", "1600000001.0", 5, {95, 95});
  Row(&a, "algo-1", "1600000002.0", 5, {95, 20});
  Row(&b, "algo-2", "1600000002.01", 5, {95});
  Row(&b, "algo-2", "1600000002.025", 5, {95});
  Row(&b, "algo-2", "1600000001.0", 5, {95});
  Row(&b, "algo-2", "1600000003.0", 50, {95});
  Row(&b, "algo-2", "1600000005.0", 5, {10});
  Row(&b, "algo-2", "1600000060.0", 5, {95});
  Row(&b, "algo-2", "1600000061.0", 5, {95});
  for (int s = 70; s < 110; ++s) Row(&b, "algo-2", std::to_string(1600000000 + s) + ".0", 50, {10});
  WriteLines(sys / "1600000000.algo-1.json", a);
  WriteLines(sys / "1600000000.algo-2.json", b);
  const std::filesystem::path fw = dir / "framework/pevents/2020091312";
  WriteTrace(fw / "1600000000000000_1-algo-1_pythontimeline.json",
             {{"forward:CPU", "opA", 1600000001.9, 1600000002.1},
              {"DataLoader", "load", 1600000000.5, 1600000001.5}});
  WriteTrace(fw / "1600000000000000_2-algo-2_pythontimeline.json",
             {{"forward:CPU", "opB", 1600000000.9, 1600000001.1},
              {"kernels:GPU", "gemm", 1600000001.95, 1600000002.05}});
  return dir.string();
}

// Every file is named at t0: only windows to the end of the data see them.
WindowPlanOptions Trailing() {
  WindowPlanOptions o;
  o.analyze_trailing_data = true;
  return o;
}

std::unique_ptr<Rule> CpuRule() {
  CpuBottleneckParams p;
  p.patience = 1;
  return std::make_unique<CpuBottleneckRule>(p);
}

TEST(SystemBottleneckShardedTest, SnapshotCarriesAcrossNodesAndShards) {
  const std::string dir = CarryJob();
  const std::unique_ptr<Rule> rule = CpuRule();
  for (int groups = 1; groups <= 2; ++groups) {
    const std::unique_ptr<testing::ShardedJob> job =
        testing::LoadShardedJob(dir, groups, Trailing());
    ASSERT_EQ(job->groups.size(), static_cast<size_t>(groups));
    testing::ExpectShardedEqualsWhole(*rule, *job);
  }
  const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, 1, Trailing());
  const RuleResult r = EvaluateRule(*rule, job->WholeContext());
  ASSERT_FALSE(r.failed) << r.error;
  const std::string json = RuleResultToJson(r);
  // Window 0: algo-1's 1.0 and 2.0; algo-2's 2.01 joins 2.0, 2.025 starts
  // a snapshot, its 1.0 adds to algo-1's key, then 3.0, 5.0, 60.0 (7
  // snapshots, 4 bottlenecks: fires). Window 1: 60.0 joins the snapshot
  // carried over, 61.0 and 70..109 s (48 in all). The correlation's
  // intervals are 1.0, 2.0, 2.025, 60.0: opB (algo-2) is around the first,
  // opA (algo-1) around the second and third, so opB comes first; the GPU
  // keys, first hit at the second interval, come last.
  EXPECT_EQ(json,
            R"({"RuleTriggered": 1, "Violations": 5, "Details": {"bottlenecks": )"
            R"({"1600000001.0": {"GPUs": 2, "CPUs": 3}, "1600000002.0": {"GPUs": 2, "CPUs": 2}, )"
            R"("1600000002.025": {"GPUs": 1, "CPUs": 1}, "1600000060.0": {"GPUs": 1, "CPUs": 1}, )"
            R"("1600000061.0": {"GPUs": 1, "CPUs": 1}}, "low_gpu_utilization": 7, )"
            R"("ratio": {"forward:CPU": 75.0, "kernels:GPU": 25.0}, )"
            R"("CPU": {"opB": 33.33333333333333, "opA": 66.66666666666666}, )"
            R"("CPU_total": {"opB": 200000, "opA": 400000}, "phase": {}, "phase_time": {}, )"
            R"("general": {"DataLoader": 100.0}, "GPU": {"gemm": 100.0}, )"
            R"("GPU_total": {"gemm": 200000}}, "Datapoints": 48, "RuleParameters": )"
            R"("threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:1"})");
}

// Generated jobs with a low patience, so that windows fire and the
// correlation runs over every grouping of the nodes.
TEST(SystemBottleneckShardedTest, GeneratedJobsThatFire) {
  CpuBottleneckParams cpu;
  cpu.patience = 10;
  IoBottleneckParams io;
  io.patience = 10;
  const CpuBottleneckRule cpu_rule(cpu);
  const IoBottleneckRule io_rule(io);
  const std::pair<std::string, const Rule*> cases[] = {{"cpu-bottleneck", &cpu_rule},
                                                       {"io-bottleneck", &io_rule}};
  for (const auto& [scenario, rule] : cases) {
    const std::string dir = testing::GeneratedJob(scenario, 3);
    for (int groups = 1; groups <= 3; ++groups) {
      SCOPED_TRACE(scenario + ", " + std::to_string(groups) + " groups");
      const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, groups);
      testing::ExpectShardedEqualsWhole(*rule, *job);
    }
    const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, 1);
    const RuleResult r = EvaluateRule(*rule, job->WholeContext());
    EXPECT_GT(r.triggered, 0) << scenario;
    EXPECT_TRUE(r.details.contains("ratio")) << RuleResultToJson(r);
  }
}

// Random jobs whose snapshots straddle the 20 ms and carry from one node's
// file into another's (bottleneck_random_job.h), both window plans.
TEST(SystemBottleneckShardedTest, RandomJobs) {
  CpuBottleneckParams cpu;
  cpu.patience = 50;
  cpu.threshold = 20;
  IoBottleneckParams io;
  io.patience = 50;
  io.threshold = 20;
  const CpuBottleneckRule cpu_rule(cpu);
  const IoBottleneckRule io_rule(io);
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    const int nodes = 2 + static_cast<int>(seed % 3);
    const std::string dir = testing::RandomBottleneckJob(seed, nodes);
    for (bool trailing : {false, true}) {
      WindowPlanOptions o;
      o.analyze_trailing_data = trailing;
      for (int groups = 2; groups <= nodes; ++groups) {
        SCOPED_TRACE(fmt::format("seed {}, {} groups, trailing {}", seed, groups, trailing));
        const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, groups, o);
        testing::ExpectShardedEqualsWhole(cpu_rule, *job);
        testing::ExpectShardedEqualsWhole(io_rule, *job);
      }
    }
  }
}

TEST(SystemBottleneckShardedTest, SplitNodeIsAnError) {
  const std::string dir = CarryJob();
  const std::unique_ptr<Rule> rule = CpuRule();
  const std::unique_ptr<testing::ShardedJob> job = testing::LoadShardedJob(dir, 2, Trailing());
  std::unique_ptr<RulePartial> a = rule->Partial(job->ShardContext(0));
  std::unique_ptr<RulePartial> b = rule->Partial(job->ShardContext(0));
  EXPECT_FALSE(a->Merge(std::move(*b)).ok());
}

}  // namespace
}  // namespace smr
