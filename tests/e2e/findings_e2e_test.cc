// End-to-end findings: the first entry of each generated scenario's
// findings box names the problem the scenario plants (samples/README.md),
// and a healthy job gets a single OK line. Read from the HTML as a user
// sees it (the browser test checks the same in Chromium where it exists).
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/e2e_jobs.h"
#include "tests/testing/files.h"

namespace {

using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::testing::ReadFile;

struct Finding {
  std::string severity, rule, stage;
};

// The findings box's items in page order.
std::vector<Finding> FindingsOf(const std::string& html) {
  static const std::regex kItem(
      R"re(<li class="finding finding-([a-z]+)" data-rule="([^"]*)" data-stage="([^"]*)")re");
  std::vector<Finding> out;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kItem);
       it != std::sregex_iterator(); ++it) {
    out.push_back({(*it)[1], (*it)[2], (*it)[3]});
  }
  return out;
}

struct Planted {
  const char* scenario;
  std::vector<std::string> top;  // rules accepted as the first finding
  const char* stage;
};

class TopFindingTest : public ::testing::TestWithParam<Planted> {};

TEST_P(TopFindingTest, FirstFindingIsThePlantedProblem) {
  const Planted& p = GetParam();
  const Job& job = GetJob(p.scenario);
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::vector<Finding> f = FindingsOf(ReadFile(job.out / "profiler-report.html"));
  ASSERT_FALSE(f.empty()) << p.scenario << ": no findings box";
  EXPECT_NE(std::find(p.top.begin(), p.top.end(), f[0].rule), p.top.end())
      << p.scenario << ": first finding names '" << f[0].rule << "'";
  EXPECT_EQ(f[0].stage, p.stage) << p.scenario;
  EXPECT_NE(f[0].severity, "ok") << p.scenario;
}

// samples/README.md: what each scenario plants. The default job's idle
// gpu3 is both an unbalanced and an under-used GPU; the multi-node job's
// GPUs idle during its 40 s model upload after the last step.
const Planted kPlanted[] = {
    {"default", {"LoadBalancing", "LowGPUUtilization"}, "training"},
    {"long-init", {"MaxInitializationTime"}, "initialization"},
    {"cpu-only", {"Dataloader"}, "training"},
    {"cpu-bottleneck", {"CPUBottleneck"}, "training"},
    {"io-bottleneck", {"IOBottleneck"}, "training"},
    {"memory-growth", {"GPUMemoryIncrease"}, "training"},
    {"imbalance", {"LoadBalancing"}, "training"},
    {"step-outliers", {"StepOutlier"}, "training"},
    {"few-loaders", {"Dataloader"}, "training"},
    {"multi-node", {"LowGPUUtilization"}, "finalization"},
};

INSTANTIATE_TEST_SUITE_P(Scenarios, TopFindingTest, ::testing::ValuesIn(kPlanted),
                         [](const ::testing::TestParamInfo<Planted>& info) {
                           std::string name = info.param.scenario;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(FindingsEndToEndTest, HealthyJobGetsOneOkLine) {
  const Job& job = GetJob("healthy");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::vector<Finding> f = FindingsOf(ReadFile(job.out / "profiler-report.html"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, "ok");
  EXPECT_EQ(f[0].rule, "");
}

}  // namespace
