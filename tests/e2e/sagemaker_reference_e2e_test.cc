// End-to-end: sm-report's rule JSONs equal those SageMaker Debugger's own
// ProfilerReport code wrote for each generated scenario
// (tests/data/sagemaker-reference/), except the documented fixes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <ostream>
#include <regex>
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

using smr::e2e::Designs;
using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::e2e::kAllRules;
using smr::e2e::RuleJson;
using smr::e2e::ScenarioDesign;
using smr::testing::ReadFile;
using smr::testing::RunCommand;

// Same numbers as SageMaker: tests/data/sagemaker-reference/<scenario>/ holds
// the rule JSONs that SageMaker Debugger's own ProfilerReport code wrote for
// each scenario (scripts/sagemaker-reference.sh). sm-report's JSONs must equal
// them value for value (and key order), except the fields that
// docs/compatibility.md lists as deliberate fixes.

bool MatchesAny(const std::string& path, std::initializer_list<const char*> patterns) {
  for (const char* p : patterns) {
    if (std::regex_search(path, std::regex(p))) return true;
  }
  return false;
}

// The fields each documented fix changes (docs/compatibility.md); `path` is
// a JSON path such as "/Details/algo-1/gpu3_memory/upper".
bool DocumentedFix(const std::string& rule, const std::string& path) {
  if (rule == "LoadBalancing") {
    // Fires (pairs within a node), 50 bins over 0-100 %, `distances` added,
    // min_difference shown in RuleParameters.
    return MatchesAny(path, {"^/RuleTriggered$", "^/Violations$", "^/RuleParameters$",
                             "^/Details/[^/]+/workloads/", "^/Details/[^/]+/distances"});
  }
  if (rule == "MaxInitializationTime") {
    return MatchesAny(path, {"^/RuleTriggered$", "^/Violations$"});  // fires
  }
  if (rule == "BatchSize") {  // memory whiskers from the memory quartiles
    return MatchesAny(path, {"^/Details/[^/]+/gpu[0-9]+_memory/(upper|lower)$"});
  }
  if (rule == "OverallFrameworkMetrics") {  // `others` is the time outside steps
    return MatchesAny(path, {"^/Details/phase/"});
  }
  if (rule == "CPUBottleneck" || rule == "IOBottleneck") {  // ratio pairs fixed
    return MatchesAny(path, {"^/Details/ratio/"});
  }
  if (rule == "StepOutlier") {
    // A step crossing a window boundary counts once (checked with bounds
    // below; it also changes which outlier steps the framework correlation
    // sees), every phase kept in step_details_by_phase, ratio pairs fixed.
    return MatchesAny(path, {"^/Datapoints$", "^/Violations$", "^/Details/ratio/",
                             "^/Details/(phase|general|horovod)/",
                             "^/Details/step_details/[^/]+/(step_stats|probs|binedges|stddev|"
                             "number_of_outliers|step_numbers)",
                             "^/Details/step_details_by_phase"});
  }
  return false;
}

void CompareJson(const std::string& rule, const nlohmann::ordered_json& ours,
                 const nlohmann::ordered_json& ref, const std::string& path,
                 std::vector<std::string>* diffs) {
  if (DocumentedFix(rule, path)) return;
  auto differ = [&](const std::string& what) {
    diffs->push_back(fmt::format("{}: {} (sm-report {} vs SageMaker {})", path, what,
                                 ours.dump().substr(0, 120), ref.dump().substr(0, 120)));
  };
  if (ours.is_object() && ref.is_object()) {
    std::vector<std::string> ours_keys, ref_keys;
    for (const auto& [k, v] : ours.items()) {
      if (!DocumentedFix(rule, path + "/" + k)) ours_keys.push_back(k);
    }
    for (const auto& [k, v] : ref.items()) {
      if (!DocumentedFix(rule, path + "/" + k)) ref_keys.push_back(k);
    }
    if (ours_keys != ref_keys) differ("keys or key order");
    for (const std::string& k : ref_keys) {
      if (ours.contains(k)) CompareJson(rule, ours[k], ref[k], path + "/" + k, diffs);
    }
  } else if (ours.is_array() && ref.is_array()) {
    if (ours.size() != ref.size()) return differ("array length");
    for (size_t i = 0; i < ref.size(); ++i) {
      CompareJson(rule, ours[i], ref[i], fmt::format("{}[{}]", path, i), diffs);
    }
  } else if (ours.is_number() && ref.is_number()) {
    // Exact, and an int stays an int ("0" vs "0.0" is a different dump).
    if (ours.is_number_float() != ref.is_number_float() ||
        ours.get<double>() != ref.get<double>()) {
      differ("value");
    }
  } else if (ours != ref) {
    differ("value");
  }
}

struct ReferenceCase {
  std::string scenario;
  std::string rule;
};

void PrintTo(const ReferenceCase& c, std::ostream* os) { *os << c.scenario << "/" << c.rule; }

std::vector<ReferenceCase> AllReferenceCases() {
  std::vector<ReferenceCase> cases;
  for (const ScenarioDesign& d : Designs()) {
    for (const char* rule : kAllRules) cases.push_back({d.scenario, rule});
  }
  return cases;
}

nlohmann::ordered_json ReadOrderedJson(const fs::path& p) {
  return nlohmann::ordered_json::parse(ReadFile(p));
}

class SageMakerReferenceTest : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(SageMakerReferenceTest, RuleJsonEqualsSageMakersExceptDocumentedFixes) {
  const ReferenceCase& c = GetParam();
  const fs::path ref_path = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "sagemaker-reference" /
                            c.scenario / (c.rule + ".json");
  ASSERT_TRUE(fs::exists(ref_path)) << ref_path << " (run scripts/sagemaker-reference.sh)";
  const Job& job = GetJob(c.scenario);
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const nlohmann::ordered_json ref = ReadOrderedJson(ref_path);
  const nlohmann::ordered_json ours =
      ReadOrderedJson(job.out / "profiler-reports" / (c.rule + ".json"));
  std::vector<std::string> diffs;
  CompareJson(c.rule, ours, ref, "", &diffs);
  EXPECT_TRUE(diffs.empty()) << diffs.size()
                             << " difference(s), first: " << (diffs.empty() ? "" : diffs.front());

  if (c.rule == "LoadBalancing") {
    // Bins [0, 2) ... [94, 96) are SageMaker's; its last bin [96, 98] is
    // split into [96, 98) and [98, 100] (values above 98 % are kept).
    for (const auto& [node, d] : ref["Details"].items()) {
      for (const auto& [gpu, bins] : d["workloads"].items()) {
        const auto& mine = ours["Details"][node]["workloads"][gpu];
        ASSERT_EQ(bins.size(), 49u);
        ASSERT_EQ(mine.size(), 50u) << node << " " << gpu;
        for (size_t b = 0; b < 48; ++b)
          EXPECT_EQ(mine[b], bins[b]) << node << " " << gpu << " " << b;
        EXPECT_GE(mine[48].get<int64_t>() + mine[49].get<int64_t>(), bins[48].get<int64_t>());
      }
    }
  }
  if (c.rule == "StepOutlier") {
    // Each step process crosses a window boundary with at most one step,
    // and SageMaker counts such a step once more: 0 <= SageMaker's
    // Datapoints - ours <= windows x step processes.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(job.log, m, std::regex("over ([0-9]+) windows"))) << job.log;
    const int64_t windows = std::stoll(m[1]);
    const int64_t processes = static_cast<int64_t>(ref["Details"]["step_details"].size());
    for (const char* count : {"Datapoints", "Violations"}) {
      const int64_t extra = ref[count].get<int64_t>() - ours[count].get<int64_t>();
      EXPECT_GE(extra, 0) << count;
      EXPECT_LE(extra, windows * std::max<int64_t>(processes, 1)) << count;
    }
    // The statistics see thousands of steps, a few counted twice: within 1 %.
    for (const auto& [node, d] : ref["Details"]["step_details"].items()) {
      const auto& mine = ours["Details"]["step_details"][node];
      for (const char* stat : {"mean", "p50", "p95", "p99", "max"}) {
        if (!d["step_stats"].contains(stat)) continue;
        const double want = d["step_stats"][stat].get<double>();
        EXPECT_NEAR(mine["step_stats"][stat].get<double>(), want, 0.01 * std::abs(want))
            << node << " " << stat;
      }
    }
    EXPECT_EQ(ours["RuleTriggered"].get<int64_t>() > 0, ref["RuleTriggered"].get<int64_t>() > 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SageMakerReferenceTest,
                         ::testing::ValuesIn(AllReferenceCases()),
                         [](const ::testing::TestParamInfo<ReferenceCase>& info) {
                           std::string name = info.param.scenario + "_" + info.param.rule;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
