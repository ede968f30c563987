// `sm-report diff` on generated jobs: the raw profiler output of two
// scenarios is analysed in memory, and every number the diff shows equals
// what each job's own findings.json (written by `sm-report build`) says;
// the rules newly triggered are the ones the worse scenario is designed to
// fire; and two runs of the same scenario that differ only in --minutes
// differ in duration by the minutes given.
#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_jobs.h"
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json ReadJson(const fs::path& p) { return json::parse(testing::ReadFile(p)); }

// Runs `sm-report diff A B --format json,md` and returns diff-report.json.
json Diff(const fs::path& a, const fs::path& b, const std::string& name, int* code = nullptr) {
  const fs::path out = testing::ScratchDir(name);
  std::string log;
  const int rc = testing::RunCommand(
      fmt::format("'{}' diff '{}' '{}' --job 1=ml.p3.2xlarge --job 2=ml.p3.2xlarge "
                  "--format json,md -o '{}'",
                  SMR_CLI, a.string(), b.string(), out.string()),
      &log);
  if (code != nullptr) *code = rc;
  EXPECT_EQ(rc, 0) << log;
  return ReadJson(out / "diff-report.json");
}

const json& Change(const json& diff, const std::string& key) {
  for (const json& c : diff["changes"]) {
    if (c["key"] == key) return c;
  }
  ADD_FAILURE() << "no change " << key;
  static const json kNull;
  return kNull;
}

TEST(DiffE2eTest, ProfilerOutputsCompareAsTheirOwnFindingsSay) {
  const Job& healthy = GetJob("healthy");
  const Job& cpu = GetJob("cpu-bottleneck");
  ASSERT_EQ(healthy.exit_code, 0) << healthy.log;
  ASSERT_EQ(cpu.exit_code, 0) << cpu.log;
  const json fa = ReadJson(healthy.out / "findings.json");
  const json fb = ReadJson(cpu.out / "findings.json");
  const json d = Diff(healthy.data, cpu.data, "diff-healthy-cpu");
  ASSERT_EQ(d["jobs"].size(), 2u);
  for (const char* key : {"duration_s", "initialization_s", "training_loop_s", "finalization_s"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(d["jobs"][0]["facts"][key], fa["job"][key]);
    EXPECT_EQ(d["jobs"][1]["facts"][key], fb["job"][key]);
    EXPECT_EQ(Change(d, key)["values"], json({fa["job"][key], fb["job"][key]}));
  }
  EXPECT_EQ(Change(d, "utilization_pct.gpu.p50")["values"],
            json({fa["metrics"]["utilization_pct"]["gpu"]["p50"],
                  fb["metrics"]["utilization_pct"]["gpu"]["p50"]}));
  EXPECT_EQ(Change(d, "step_time_s.TRAIN.p50")["values"],
            json({fa["metrics"]["step_time_s"]["TRAIN"]["p50"],
                  fb["metrics"]["step_time_s"]["TRAIN"]["p50"]}));
  // The cost of each job: its own duration x $3.825/h.
  EXPECT_NEAR(d["jobs"][1]["cost"]["cost_usd"].get<double>(),
              fb["job"]["duration_s"].get<double>() * 3.825 / 3600, 1e-9);
  // Newly triggered: the cpu-bottleneck design's rules (healthy fires none).
  std::set<std::string> newly, resolved;
  for (const json& r : d["rules"]) {
    for (const json& c : r["changes"]) {
      (c["change"] == "newly_triggered" ? newly : resolved).insert(r["name"].get<std::string>());
    }
  }
  EXPECT_EQ(newly, (std::set<std::string>{"CPUBottleneck", "LowGPUUtilization"}));
  EXPECT_TRUE(resolved.empty());
  EXPECT_EQ(Change(d, "utilization_pct.gpu.p50")["vs_baseline"][0]["flag"], "regression");
  EXPECT_TRUE(d["regression"].get<bool>());
  // Reversed, the same rules are no longer triggered and nothing regresses
  // in the rules.
  const json back = Diff(cpu.data, healthy.data, "diff-cpu-healthy");
  for (const json& r : back["rules"]) {
    for (const json& c : r["changes"]) {
      EXPECT_EQ(c["change"], "no_longer_triggered") << r["name"];
    }
  }
}

TEST(DiffE2eTest, OutputFolderAndProfilerOutputGiveTheSameComparison) {
  const Job& healthy = GetJob("healthy");
  const Job& cpu = GetJob("cpu-bottleneck");
  json raw = Diff(healthy.data, cpu.data, "diff-raw");
  json read = Diff(healthy.out, cpu.out, "diff-read");
  // The labels differ (the folders are job/ and report/); nothing else.
  EXPECT_EQ(raw["jobs"][0]["label"], "job");
  EXPECT_EQ(read["jobs"][0]["label"], "report");
  for (json* d : {&raw, &read}) {
    for (json& c : (*d)["changes"]) {
      for (json& v : c["vs_baseline"]) v.erase("job"), v.erase("against");
    }
    for (json& r : (*d)["rules"]) {
      for (json& v : r["changes"]) v.erase("job"), v.erase("against");
    }
  }
  EXPECT_EQ(raw["changes"], read["changes"]);
  EXPECT_EQ(raw["rules"], read["rules"]);
}

TEST(DiffE2eTest, MinutesMakeTheKnownDurationDifference) {
  const Job& five = GetJob("healthy-5min", "healthy", "--minutes 5");
  const Job& eight = GetJob("healthy-8min", "healthy", "--minutes 8");
  ASSERT_EQ(five.exit_code, 0) << five.log;
  ASSERT_EQ(eight.exit_code, 0) << eight.log;
  const json d = Diff(five.data, eight.data, "diff-minutes");
  const json& dur = Change(d, "duration_s");
  // 3 more minutes of samples: 180 s longer, within one sample interval.
  EXPECT_NEAR(dur["vs_baseline"][0]["delta"].get<double>(), 180.0, 1.0);
  EXPECT_EQ(dur["vs_baseline"][0]["flag"], "regression");
  EXPECT_EQ(dur["values"][0], ReadJson(five.out / "findings.json")["job"]["duration_s"]);
  for (const json& r : d["rules"]) EXPECT_TRUE(r["changes"].empty()) << r["name"];
}

}  // namespace
}  // namespace smr::e2e
