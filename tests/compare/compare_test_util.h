// Helpers of the compare tests: the hand-written jobs of tests/data/diff.
#ifndef SMR_TESTS_COMPARE_COMPARE_TEST_UTIL_H_
#define SMR_TESTS_COMPARE_COMPARE_TEST_UTIL_H_

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "smr/compare.h"
#include "tests/testing/files.h"

namespace smr::testing {

inline std::filesystem::path DiffData() {
  return std::filesystem::path(SMR_SOURCE_DIR) / "tests" / "data" / "diff";
}

// The facts of tests/data/diff/<name>/findings.json.
inline JobFacts DiffJobFacts(const std::string& name) {
  const std::filesystem::path p = DiffData() / name / "findings.json";
  StatusOr<JobFacts> f = ParseFindingsJson(ReadFile(p), p.string());
  EXPECT_TRUE(f.ok()) << f.status().message();
  return f.ok() ? *f : JobFacts{};
}

// A job column of tests/data/diff/<name> on `count` x `type`, billed for
// the profiled duration at the built-in us-east-1 prices.
inline JobColumn DiffJob(const std::string& name, const std::string& type = "ml.p3.2xlarge",
                         int count = 1) {
  JobColumn j{name, name, DiffJobFacts(name), {}};
  CostInputs in;
  in.instance_type = type;
  in.instance_count = count;
  in.instance_source = "--job";
  j.cost = ComputeJobCost(in, j.facts.duration_s, PriceBook{});
  return j;
}

}  // namespace smr::testing

#endif  // SMR_TESTS_COMPARE_COMPARE_TEST_UTIL_H_
