// `sm-report build --max-memory`: a job read a group of nodes at a time
// writes byte for byte the rule JSONs, findings.json and data-quality.json
// of the run that reads it whole (docs/scaling.md).
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/shard.h"
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace fs = std::filesystem;

namespace {

#if defined(SMR_CLI) && defined(SMR_SAMPLE_GEN)
using smr::testing::ReadFile;
using smr::testing::RunCommandCapture;

void Gen(const std::string& args) {
  const auto r = RunCommandCapture(fmt::format("'{}' {}", SMR_SAMPLE_GEN, args));
  ASSERT_EQ(r.code, 0) << r.err;
}

// Every file under `dir` (relative path -> bytes).
std::map<std::string, std::string> Outputs(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadFile(e.path());
  }
  return out;
}

// The --max-memory that makes the build read `job` in `groups` groups: the
// estimated peak of the largest of GroupByNode's groups plus the merged
// states.
uint64_t MemoryForGroups(const fs::path& job, int groups) {
  const smr::StatusOr<smr::Discovery> d = smr::DiscoverInputs(job.string());
  EXPECT_TRUE(d.ok());
  uint64_t most = 0;
  for (const smr::ShardGroup& g : smr::GroupByNode(*d, groups)) {
    most = std::max(most, smr::EstimatePeakMemory(*d, g));
  }
  return most + smr::EstimateMergedStates(*d);
}

struct Run {
  std::string log;
  std::map<std::string, std::string> files;
};

Run Build(const fs::path& job, const fs::path& out, const std::string& extra) {
  const auto r = RunCommandCapture(fmt::format("'{}' build '{}' -o '{}' --format json {}", SMR_CLI,
                                               job.string(), out.string(), extra));
  EXPECT_EQ(r.code, 0) << r.err;
  Run run;
  run.log = r.out + r.err;
  run.files = Outputs(out);
  return run;
}

void ExpectSameOutputs(const fs::path& job, const fs::path& dir) {
  const Run whole = Build(job, dir / "whole", "");
  EXPECT_EQ(whole.log.find("groups of nodes"), std::string::npos) << whole.log;
  ASSERT_TRUE(whole.files.count("findings.json"));
  ASSERT_TRUE(whole.files.count("data-quality.json"));
  for (int groups : {2, 4}) {
    SCOPED_TRACE(fmt::format("{} groups", groups));
    const Run sharded = Build(job, dir / fmt::format("groups-{}", groups),
                              fmt::format("--max-memory {}", MemoryForGroups(job, groups)));
    EXPECT_NE(sharded.log.find(fmt::format("in {} groups of nodes", groups)), std::string::npos)
        << sharded.log;
    ASSERT_EQ(sharded.files.size(), whole.files.size());
    for (const auto& [name, bytes] : whole.files) {
      auto it = sharded.files.find(name);
      ASSERT_NE(it, sharded.files.end()) << name;
      EXPECT_EQ(it->second, bytes) << name << " differs";
    }
  }
}

TEST(ShardedCliTest, GroupsOfNodesWriteTheSameFiles) {
  const fs::path dir = smr::testing::ScratchDir("sharded-cli");
  Gen(fmt::format("--out '{}' --scenario multi-node --nodes 4 --minutes 6",
                  (dir / "job").string()));
  ExpectSameOutputs(dir / "job", dir);
}

TEST(ShardedCliTest, WithPyTorchProfilerTracesBeside) {
  const fs::path dir = smr::testing::ScratchDir("sharded-cli-kineto");
  const fs::path job = dir / "job";
  Gen(fmt::format("--out '{}' --scenario cpu-bottleneck --nodes 3 --minutes 5",
                  (job / "profiler-output").string()));
  Gen(fmt::format("--out '{}' --scenario kineto --ranks 3 --steps 3 --straggler 2",
                  (job / "torch").string()));
  ExpectSameOutputs(job, dir);
}

// A byte-identical copy of a node's file under another node's name: one
// process reads it once and counts the copy; so must groups, although the
// copy and its original are read by different groups.
TEST(ShardedCliTest, ACopyInAnotherGroupIsDroppedOnce) {
  const fs::path dir = smr::testing::ScratchDir("sharded-cli-copy");
  const fs::path job = dir / "job";
  Gen(fmt::format("--out '{}' --scenario multi-node --nodes 4 --minutes 4", job.string()));
  fs::path original;
  for (const auto& e : fs::recursive_directory_iterator(job / "system")) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.find(".algo-1.json") != std::string::npos) {
      if (original.empty() || e.path() < original) original = e.path();
    }
  }
  ASSERT_FALSE(original.empty());
  // "<ts>.algo-1.json" -> "<ts + 1>.algo-4.json": algo-4's group, after the
  // original in reader order.
  const std::string name = original.filename().string();
  const std::string copy = std::to_string(std::stoll(name.substr(0, 10)) + 1) + ".algo-4.json";
  fs::copy_file(original, original.parent_path() / copy);
  ExpectSameOutputs(job, dir);
  const std::string dq = ReadFile(dir / "groups-4" / "data-quality.json");
  EXPECT_NE(dq.find("same bytes as"), std::string::npos);
}

TEST(ShardedCliTest, TheReportIsRenderedFromTheMergedStates) {
  const fs::path dir = smr::testing::ScratchDir("sharded-cli-report");
  Gen(fmt::format("--out '{}' --scenario multi-node --nodes 2 --minutes 4",
                  (dir / "job").string()));
  const auto r = RunCommandCapture(fmt::format("'{}' build '{}' -o '{}' --max-memory 1", SMR_CLI,
                                               (dir / "job").string(), (dir / "out").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = ReadFile(dir / "out" / "profiler-report.html");
  EXPECT_NE(html.find("LowGPUUtilization"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out" / "profiler-report.pdf"));
}

TEST(ShardedCliTest, BadMaxMemoryIsAUsageError) {
  const fs::path dir = smr::testing::ScratchDir("sharded-cli-bad");
  const auto r =
      RunCommandCapture(fmt::format("'{}' build '{}' --max-memory 12X", SMR_CLI, dir.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--max-memory 12X: expected a size"), std::string::npos) << r.err;
}

#endif  // SMR_CLI && SMR_SAMPLE_GEN

}  // namespace
