// Replays every saved fuzzer input (regressions/<target>/<file>) through the
// same code as the libFuzzer target of that name (fuzz/fuzz_common.h). A
// crash, sanitizer report or failed rule here is a regression.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/fuzz_common.h"
#include "tests/testing/files.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

using testing::ReadFile;

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
      EXPECT_TRUE(run(ReadFile(e.path()))) << "a rule failed with an internal error";
      ++replayed;
    }
  }
  RecordProperty("replayed", replayed);
}

// The seeds scripts/fuzz.sh takes from this repository must run cleanly
// too: fuzz/corpus/<target>/ and the project's own input files of each
// target's format (tests/data/formats and tests/data/broken by file name, the
// rule-JSON sets of tests/data/rule_sets with their rule as first byte).
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(FuzzRegressionTest, SeedCorporaRunCleanly) {
  std::map<std::string, int> replayed;
  auto replay = [&](const std::string& target, const std::string& bytes, const fs::path& from) {
    SCOPED_TRACE(target + " " + from.string());
    EXPECT_TRUE(Targets().at(target)(bytes));
    ++replayed[target];
  };
  for (const auto& [target, run] : Targets()) {
    const fs::path dir = fs::path(SMR_SOURCE_DIR) / "fuzz" / "corpus" / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
      replay(target, ReadFile(e.path()), e.path());
    }
  }
  const fs::path data = fs::path(SMR_SOURCE_DIR) / "tests" / "data";
  for (const char* root : {"formats", "broken"}) {
    for (const auto& e : fs::recursive_directory_iterator(data / root)) {
      if (!e.is_regular_file()) continue;
      const std::string name = e.path().filename().string();
      if (name.find(".algo-") != std::string::npos && name.find(".json") != std::string::npos) {
        replay("fuzz_system_metrics", ReadFile(e.path()), e.path());
      } else if (name.find("timeline") != std::string::npos && EndsWith(name, ".json")) {
        replay("fuzz_chrome_trace", ReadFile(e.path()), e.path());
      } else if (EndsWith(name, ".json.gz")) {
        replay("fuzz_tf_trace", ReadFile(e.path()), e.path());
        replay("fuzz_gunzip", ReadFile(e.path()), e.path());
      }
    }
  }
  const std::vector<std::string>& rules = ProfilerReportRuleNames();
  for (auto it = fs::recursive_directory_iterator(data / "rule_sets");
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->path().parent_path().filename() != "profiler-reports") {
      continue;
    }
    const auto rule = std::find(rules.begin(), rules.end(), it->path().stem().string());
    if (rule == rules.end()) continue;
    replay("fuzz_rule_json",
           std::string(1, static_cast<char>(rule - rules.begin())) + ReadFile(it->path()),
           it->path());
  }
  // Every target has seeds of its own format.
  for (const auto& [target, run] : Targets()) EXPECT_GE(replayed[target], 4) << target;
}

}  // namespace
}  // namespace smr
