// `sm-report build` on PyTorch-profiler (Kineto) traces from the sample
// generator: alone, and beside a SageMaker job, whose rule JSONs must not
// change because of them.
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

#if defined(SMR_CLI) && defined(SMR_SAMPLE_GEN)

namespace {

namespace fs = std::filesystem;
using smr::testing::ReadFile;
using smr::testing::RunCommandCapture;

void Gen(const std::string& args) {
  const auto r = RunCommandCapture(fmt::format("'{}' {}", SMR_SAMPLE_GEN, args));
  ASSERT_EQ(r.code, 0) << r.err;
}

// The generated kineto job has 390 complete events per rank and step
// (samples/README.md, tests/ingest/kineto_generated_test.cc).
TEST(KinetoCliTest, KinetoTracesAloneBuildAReport) {
  const fs::path dir = smr::testing::ScratchDir("kineto-cli-alone");
  Gen(fmt::format("--out '{}' --scenario kineto --ranks 2 --steps 2", (dir / "job").string()));
  const auto r = RunCommandCapture(fmt::format("'{}' build '{}' -o '{}' --format json", SMR_CLI,
                                               (dir / "job").string(), (dir / "out").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  // The progress lines (stdout or stderr, whichever the log goes to).
  EXPECT_NE((r.out + r.err).find("1560 PyTorch-profiler events (2 traces)"), std::string::npos)
      << r.out << r.err;
  const auto dq = nlohmann::json::parse(ReadFile(dir / "out" / "data-quality.json"));
  ASSERT_EQ(dq["kineto_traces"].size(), 2u);
  EXPECT_EQ(dq["kineto_traces"][0]["path"], "rank-0.pt.trace.json.gz");
  EXPECT_EQ(dq["kineto_traces"][1]["rank"], 1);
  EXPECT_EQ(dq["kineto_traces"][1]["complete_events"], 780);
  EXPECT_EQ(dq["kineto_traces"][1]["skipped"], 0);
  EXPECT_EQ(dq["totals"]["files_found"], 2);
  EXPECT_TRUE(dq["clean"].get<bool>());
}

TEST(KinetoCliTest, SageMakerRuleJsonsDoNotChangeWithKinetoTracesBeside) {
  const fs::path dir = smr::testing::ScratchDir("kineto-cli-beside");
  const fs::path job = dir / "job";
  Gen(fmt::format("--out '{}' --scenario healthy --minutes 3", (job / "profiler-output").string()));
  auto build = [&](const char* out) {
    const auto r = RunCommandCapture(fmt::format("'{}' build '{}' -o '{}' --format json", SMR_CLI,
                                                 job.string(), (dir / out).string()));
    EXPECT_EQ(r.code, 0) << r.err;
  };
  build("without");
  Gen(fmt::format("--out '{}' --scenario kineto --ranks 2 --steps 2", (job / "torch").string()));
  build("with");
  int compared = 0;
  for (const auto& e : fs::directory_iterator(dir / "without" / "profiler-reports")) {
    const fs::path other = dir / "with" / "profiler-reports" / e.path().filename();
    EXPECT_EQ(ReadFile(e.path()), ReadFile(other)) << e.path().filename();
    ++compared;
  }
  EXPECT_EQ(compared, 11);
  const auto dq = nlohmann::json::parse(ReadFile(dir / "with" / "data-quality.json"));
  ASSERT_EQ(dq["kineto_traces"].size(), 2u);
  EXPECT_EQ(dq["kineto_traces"][0]["path"], "torch/rank-0.pt.trace.json.gz");
}

}  // namespace

#endif  // SMR_CLI && SMR_SAMPLE_GEN
