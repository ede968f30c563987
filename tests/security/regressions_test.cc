// Replays every saved fuzzer input (regressions/<target>/<file>) through the
// same code as the libFuzzer target of that name (fuzz/fuzz_common.h). A
// crash, sanitizer report or failed rule here is a regression.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fuzz/fuzz_common.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::function<bool(std::string_view)>>& Targets() {
  static const auto* kTargets = new std::map<std::string, std::function<bool(std::string_view)>>{
      {"fuzz_system_metrics", fuzz::FuzzSystemMetrics},
      {"fuzz_chrome_trace", fuzz::FuzzChromeTrace},
      {"fuzz_tf_trace", fuzz::FuzzTfTrace},
      {"fuzz_gunzip", fuzz::FuzzGunzip},
      {"fuzz_rule_json", fuzz::FuzzRuleJson},
  };
  return *kTargets;
}

TEST(FuzzRegressionTest, EveryFolderNamesATarget) {
  for (const auto& e : fs::directory_iterator(SMR_REGRESSIONS_DIR)) {
    if (!e.is_directory()) continue;
    EXPECT_TRUE(Targets().count(e.path().filename().string())) << e.path();
  }
}

TEST(FuzzRegressionTest, SavedInputsRunCleanly) {
  int replayed = 0;
  for (const auto& [target, run] : Targets()) {
    const fs::path dir = fs::path(SMR_REGRESSIONS_DIR) / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
      SCOPED_TRACE(e.path().string());
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      EXPECT_TRUE(run(ss.str())) << "a rule failed with an internal error";
      ++replayed;
    }
  }
  RecordProperty("replayed", replayed);
}

// The seed corpora must run cleanly too (they are real smdebug files).
TEST(FuzzRegressionTest, SeedCorporaRunCleanly) {
  int replayed = 0;
  for (const auto& [target, run] : Targets()) {
    const fs::path dir = fs::path(SMR_SOURCE_DIR) / "fuzz" / "corpus" / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      SCOPED_TRACE(e.path().string());
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      EXPECT_TRUE(run(ss.str()));
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 10);
}

}  // namespace
}  // namespace smr
