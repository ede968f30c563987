// LoadBalancing on generated jobs: the healthy scenario with the load of
// single GPUs changed by smr-sample-gen --gpu-scale / --gpu-offset. GPUs
// that run a few points apart must stay quiet; a GPU at half the others'
// utilization, an idle GPU and a GPU doing extra work must fire.
//
// The verdicts come from the cumulative histograms, so they do not depend
// on whether the job's last minute is evaluated.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace {

namespace fs = std::filesystem;

using smr::testing::ReadFile;
using smr::testing::RunCommand;

// This test's folder in the binary's scratch folder (tests/testing/scratch.h),
// removed as soon as the test is done (the jobs are ~20 MB each).
using ScratchDir = smr::testing::ScopedScratchDir;

// Flags that make GPU g run at lo..hi % while the healthy job trains: the
// healthy busy range 75-96 % maps linearly onto lo..hi (EVAL and DataLoader
// start-up levels move with it).
std::string Band(int gpu, double lo, double hi) {
  const double scale = (hi - lo) / 21.0;
  return fmt::format("--gpu-scale {0}:{1} --gpu-offset {0}:{2}", gpu, scale, lo - 75.0 * scale);
}

// gpu0-2 at 85-95 %, as in the reported job.
std::string BusyBase() { return Band(0, 85, 95) + " " + Band(1, 85, 95) + " " + Band(2, 85, 95); }

// Generates the healthy job with `flags`, runs `sm-report build` (JSON
// only) and returns the LoadBalancing rule JSON.
nlohmann::json LoadBalancingOf(const ScratchDir& dir, const std::string& flags) {
  const fs::path data = dir.path() / "job";
  const fs::path out = dir.path() / "report";
  std::string log;
  EXPECT_EQ(RunCommand(fmt::format("'{}' --out '{}' --scenario healthy {}", SMR_SAMPLE_GEN,
                                   data.string(), flags),
                       &log),
            0)
      << log;
  EXPECT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json -q", SMR_CLI,
                                   data.string(), out.string()),
                       &log),
            0)
      << log;
  const fs::path json = out / "profiler-reports" / "LoadBalancing.json";
  if (!fs::exists(json)) {
    ADD_FAILURE() << json << " missing";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(ReadFile(json));
}

// Jensen–Shannon distance (natural log) of two workload histograms,
// written independently of the rule.
double JensenShannon(const nlohmann::json& a, const nlohmann::json& b) {
  double sa = 0, sb = 0;
  for (const auto& v : a) sa += v.get<double>();
  for (const auto& v : b) sb += v.get<double>();
  double div = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double p = a[i].get<double>() / sa, q = b[i].get<double>() / sb, m = (p + q) / 2;
    if (p > 0) div += 0.5 * p * std::log(p / m);
    if (q > 0) div += 0.5 * q * std::log(q / m);
  }
  return std::sqrt(div);
}

// The flagged pairs, "gpuI/gpuJ", of node algo-1.
std::set<std::string> FlaggedPairs(const nlohmann::json& lb) {
  std::set<std::string> pairs;
  const auto& node = lb["Details"]["algo-1"];
  if (!node.contains("distances")) return pairs;
  for (const auto& [gi, row] : node["distances"].items()) {
    for (const auto& [gj, d] : row.items()) pairs.insert(gi + "/" + gj);
  }
  return pairs;
}

// --- Small offsets stay quiet --------------------------------------------

class LoadBalancingOffsetTest : public ::testing::TestWithParam<int> {};

TEST_P(LoadBalancingOffsetTest, GpuAFewPointsApartStaysQuiet) {
  // gpu0-2 at 85-95 %, gpu3 shifted by k points (negative: lower).
  const int k = GetParam();
  const ScratchDir dir(fmt::format("offset{:+d}", k));
  const nlohmann::json lb = LoadBalancingOf(dir, BusyBase() + " " + Band(3, 85 + k, 95 + k));
  ASSERT_TRUE(lb.contains("Details")) << lb.dump();
  EXPECT_EQ(lb["RuleTriggered"].get<int64_t>(), 0) << lb.dump().substr(0, 2000);
  EXPECT_EQ(lb["Violations"].get<int64_t>(), 0);
  EXPECT_EQ(lb["RuleParameters"], "threshold:0.2\npatience:1000\nmin_difference:10");
  const auto& w = lb["Details"]["algo-1"]["workloads"];
  ASSERT_EQ(w.size(), 4u) << lb.dump().substr(0, 2000);
  EXPECT_FALSE(lb["Details"]["algo-1"].contains("distances"));
  if (std::abs(k) >= 2) {
    // The reported false positive: on narrow histograms the distance alone
    // is far above 0.2 although gpu3 runs only k points apart.
    EXPECT_GT(JensenShannon(w["gpu0"], w["gpu3"]), 0.2) << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Offsets, LoadBalancingOffsetTest,
                         ::testing::Values(0, -1, -2, -3, -4, -5, 5),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return fmt::format("{}{}", info.param < 0 ? "minus" : "plus",
                                              std::abs(info.param));
                         });

// --- Real imbalance fires -------------------------------------------------

TEST(LoadBalancingImbalanceTest, GpuAtHalfTheOthersUtilizationFires) {
  const ScratchDir dir("half");
  const nlohmann::json lb = LoadBalancingOf(dir, BusyBase() + " " + Band(3, 42.5, 47.5));
  ASSERT_TRUE(lb.contains("Details")) << lb.dump();
  EXPECT_GT(lb["RuleTriggered"].get<int64_t>(), 0);
  EXPECT_EQ(FlaggedPairs(lb), (std::set<std::string>{"gpu0/gpu3", "gpu1/gpu3", "gpu2/gpu3"}));
}

TEST(LoadBalancingImbalanceTest, IdleGpuFires) {
  const ScratchDir dir("idle");
  const nlohmann::json lb = LoadBalancingOf(dir, BusyBase() + " --gpu-scale 3:0");
  ASSERT_TRUE(lb.contains("Details")) << lb.dump();
  EXPECT_GT(lb["RuleTriggered"].get<int64_t>(), 0);
  EXPECT_EQ(FlaggedPairs(lb), (std::set<std::string>{"gpu0/gpu3", "gpu1/gpu3", "gpu2/gpu3"}));
}

TEST(LoadBalancingImbalanceTest, GpuDoingExtraWorkFires) {
  // gpu0 at 85-95 %, gpu1-3 at 65-75 %: gpu0 does extra work (for example
  // the loss and the gathered outputs of PyTorch DataParallel).
  const ScratchDir dir("extra-work");
  const nlohmann::json lb = LoadBalancingOf(
      dir, Band(0, 85, 95) + " " + Band(1, 65, 75) + " " + Band(2, 65, 75) + " " + Band(3, 65, 75));
  ASSERT_TRUE(lb.contains("Details")) << lb.dump();
  EXPECT_GT(lb["RuleTriggered"].get<int64_t>(), 0);
  EXPECT_EQ(FlaggedPairs(lb), (std::set<std::string>{"gpu0/gpu1", "gpu0/gpu2", "gpu0/gpu3"}));
}

// --- The generator flags the tests rely on ----------------------------------

// The system-metric files of a generated job: relative path -> lines.
std::map<std::string, std::vector<std::string>> SystemLines(const fs::path& job) {
  std::map<std::string, std::vector<std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(job / "system")) {
    if (!e.is_regular_file()) continue;
    std::vector<std::string>& lines = files[fs::relative(e.path(), job).string()];
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return files;
}

TEST(LoadBalancingGeneratorTest, GpuOffsetShiftsOnlyThatGpuAndIsDeterministic) {
  const ScratchDir dir("generator");
  const fs::path plain = dir.path() / "plain", shifted = dir.path() / "shifted",
                 again = dir.path() / "again";
  std::string log;
  ASSERT_EQ(
      RunCommand(fmt::format("'{}' --out '{}' --scenario healthy", SMR_SAMPLE_GEN, plain.string()),
                 &log),
      0)
      << log;
  for (const fs::path& p : {shifted, again}) {
    ASSERT_EQ(RunCommand(fmt::format("'{}' --out '{}' --scenario healthy --gpu-offset 3:-2",
                                     SMR_SAMPLE_GEN, p.string()),
                         &log),
              0)
        << log;
  }
  const auto a = SystemLines(plain), b = SystemLines(shifted), c = SystemLines(again);
  EXPECT_TRUE(b == c);  // same flags, same files
  ASSERT_EQ(a.size(), b.size());
  size_t moved = 0;
  for (const auto& [file, lines] : a) {
    ASSERT_TRUE(b.count(file)) << file;
    const std::vector<std::string>& other = b.at(file);
    ASSERT_EQ(lines.size(), other.size()) << file;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i] == other[i]) continue;
      // Only gpu3's utilization changes, by exactly 2 points (values have
      // two decimals, hence the tolerance).
      const auto x = nlohmann::json::parse(lines[i]), y = nlohmann::json::parse(other[i]);
      EXPECT_EQ(x["Name"], "gpu3") << file << ":" << i + 1;
      EXPECT_EQ(x["Dimension"], "GPUUtilization") << file << ":" << i + 1;
      EXPECT_EQ(x["Timestamp"], y["Timestamp"]) << file << ":" << i + 1;
      EXPECT_NEAR(x["Value"].get<double>() - y["Value"].get<double>(), 2.0, 0.011)
          << file << ":" << i + 1;
      ++moved;
    }
  }
  EXPECT_GT(moved, 1000u);  // the training samples of gpu3
}

TEST(LoadBalancingGeneratorTest, GpuFlagsAreValidated) {
  std::string out;
  const ScratchDir dir("flags");
  const std::string job = (dir.path() / "job").string();
  EXPECT_EQ(RunCommand(fmt::format("'{}' --out '{}' --scenario healthy --gpu-scale 4:0.5",
                                   SMR_SAMPLE_GEN, job),
                       &out),
            2);
  EXPECT_NE(out.find("--gpu-scale 4:0.5"), std::string::npos) << out;
  EXPECT_EQ(
      RunCommand(fmt::format("'{}' --out '{}' --gpu-offset 1:-101", SMR_SAMPLE_GEN, job), &out), 2);
  EXPECT_EQ(RunCommand(fmt::format("'{}' --out '{}' --gpu-scale 1", SMR_SAMPLE_GEN, job), &out), 2);
  EXPECT_FALSE(fs::exists(dir.path() / "job" / "system"));
}

}  // namespace
