// End-to-end: what the rule windows see. SageMaker's window walk by default
// and all data with --analyze-trailing-data; files without records never
// move the job or the windows.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_jobs.h"
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace {

namespace fs = std::filesystem;

using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::e2e::kAllRules;
using smr::e2e::RuleJson;
using smr::testing::ReadFile;
using smr::testing::RunCommand;

// SageMaker's window walk by default, all data with --analyze-trailing-data.

// A healthy job of 8 minutes (t0 on a whole minute, one system file a
// minute, 100 ms sampling): 7 minutes of training with the GPU at 85-94 %,
// steps until t0 + 420 s, then a last file with a minute of idle GPU, idle
// CPU and low GPU memory (the model upload). SageMaker's walk stops at the
// latest file timestamp, t0 + 420 s, so the idle minute is never evaluated.
fs::path WriteIdleTailJob(const fs::path& dir) {
  const fs::path root = dir / "profiler-output";
  const fs::path sys_dir = root / "system" / "incremental" / "2023111422";
  const fs::path fw_dir = root / "framework" / "pevents" / "2023111422";
  fs::create_directories(sys_dir);
  fs::create_directories(fw_dir);
  const int64_t t0 = 1'700'000'000 - 1'700'000'000 % 60;  // 1699999980
  for (int minute = 0; minute < 8; ++minute) {
    std::ofstream out(sys_dir / fmt::format("{}.algo-1.json", t0 + 60 * minute), std::ios::binary);
    const bool idle = minute == 7;
    for (int i = 0; i < 600; ++i) {
      const double ts = static_cast<double>(t0 + 60 * minute) + i / 10.0;
      auto line = [&](const char* type, const char* name, const char* dim, double value) {
        out << fmt::format(R"({{"Type":"{}","Name":"{}","Dimension":"{}","Value":{},)"
                           R"("NodeId":"algo-1","Timestamp":{}}})"
                           "\n",
                           type, name, dim, value, ts);
      };
      line("cpu", "cpu0", "CPUUtilization", idle ? 3.0 : 50.0);
      line("gpu", "gpu0", "GPUUtilization", idle ? 0.0 : 85.0 + i % 10);
      line("gpu", "gpu0", "GPUMemoryUtilization", idle ? 2.0 : 40.0);
    }
  }
  // One trace file with 2 s TRAIN steps from t0 + 20 s to t0 + 420 s,
  // named by its end time.
  const int64_t base_us = t0 * 1'000'000;
  std::ofstream out(fw_dir / fmt::format("{}_0-algo-1_pythontimeline.json", base_us + 420'000'000),
                    std::ios::binary);
  out << "[\n"
      << R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": )"
      << base_us << "}},\n"
      << R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"name": "Step:ModeKeys.TRAIN"}})";
  for (int step = 0; step < 200; ++step) {
    out << fmt::format(
        ",\n{{\"name\": \"Step:ModeKeys.TRAIN\", \"pid\": 0, \"ph\": \"X\", \"ts\": {}, "
        "\"dur\": 2000000, \"args\": {{\"step_num\": \"{}\"}}}}",
        20'000'000 + step * 2'000'000, step);
  }
  out << "\n]";
  return root;
}

int64_t Triggered(const fs::path& out, const std::string& rule) {
  return RuleJson(out, rule)["RuleTriggered"].get<int64_t>();
}

TEST(EndToEndTest, IdleLastMinuteIsEvaluatedOnlyWithAnalyzeTrailingData) {
  const fs::path root = smr::testing::ScratchDir("idle-tail");
  const fs::path job = WriteIdleTailJob(root / "job");
  const fs::path sagemaker = root / "default", trailing = root / "trailing";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format html,json", SMR_CLI,
                                   job.string(), sagemaker.string()),
                       &log),
            0)
      << log;
  // Windows [t0, t0 + 60 s] ... [t0 + 360 s, t0 + 420 s]: 7 windows of
  // training only. The rules stay quiet, as SageMaker's would.
  EXPECT_NE(log.find("over 7 windows"), std::string::npos) << log;
  EXPECT_EQ(Triggered(sagemaker, "LowGPUUtilization"), 0);
  EXPECT_EQ(Triggered(sagemaker, "BatchSize"), 0);
  // The report says what was left out: samples t0 + 420.1 ... 479.9 s.
  const std::string html = ReadFile(sagemaker / "profiler-report.html");
  EXPECT_NE(html.find("As in SageMaker, the last 60 s of system data (1797 samples) are not "
                      "evaluated by the rules"),
            std::string::npos);

  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json --analyze-trailing-data",
                                   SMR_CLI, job.string(), trailing.string()),
                       &log),
            0)
      << log;
  EXPECT_NE(log.find("over 8 windows"), std::string::npos) << log;
  // The eighth window holds the idle minute: the last 500 GPU samples are
  // all 0 %, so the GPU is underused (p95 < 70) and, with CPU and GPU memory
  // idle too, BatchSize fires.
  EXPECT_GT(Triggered(trailing, "LowGPUUtilization"), 0);
  EXPECT_GT(Triggered(trailing, "BatchSize"), 0);
  fs::remove_all(root);
}

// Files that yield no record (empty, every line bad, a folder named like a
// data file) never move the job or the rule windows: beside them the rule
// JSONs are byte-identical to the clean job's, and data quality counts them.
TEST(EndToEndTest, StrayFilesWithoutRecordsChangeNoRuleResult) {
  const Job& clean = GetJob("healthy");
  ASSERT_EQ(clean.exit_code, 0) << clean.log;
  const fs::path root = smr::testing::ScratchDir("stray-files");
  fs::copy(clean.data, root / "job", fs::copy_options::recursive);
  const fs::path sys = root / "job" / "system" / "incremental";
  const fs::path fw = root / "job" / "framework" / "pevents";
  // Two years before the job, empty (the case that made
  // MaxInitializationTime fire 367 times).
  fs::create_directories(sys / "2020091312");
  std::ofstream(sys / "2020091312" / "1600000000.algo-1.json").close();
  // A day after the job, every line bad.
  fs::create_directories(sys / "2024061508");
  std::ofstream(sys / "2024061508" / "1718438400.algo-1.json") << "not json\n{\"Type\": \n";
  // A folder named like a system file, and a corrupt trace file named 2052.
  fs::create_directories(sys / "2020091312" / "1600000060.algo-1.json");
  fs::create_directories(fw / "2052010100");
  std::ofstream(fw / "2052010100" / "2587000000000000_0-algo-1_pythontimeline.json")
      << "[{\"name\": ";
  const fs::path out = root / "report";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json", SMR_CLI,
                                   (root / "job").string(), out.string()),
                       &log),
            0)
      << log;
  for (const char* rule : kAllRules) {
    const fs::path rel = fs::path("profiler-reports") / (std::string(rule) + ".json");
    EXPECT_EQ(ReadFile(out / rel), ReadFile(clean.out / rel)) << rule;
  }
  const auto dq = nlohmann::json::parse(ReadFile(out / "data-quality.json"));
  EXPECT_FALSE(dq["clean"].get<bool>());
  const std::string dump = dq.dump();
  for (const char* name : {"1600000000.algo-1.json", "1718438400.algo-1.json",
                           "2587000000000000_0-algo-1_pythontimeline.json"}) {
    EXPECT_NE(dump.find(name), std::string::npos) << name;
  }
  fs::remove_all(root);
}

}  // namespace
