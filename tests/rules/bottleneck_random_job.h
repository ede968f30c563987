// Random jobs for the sharded CPUBottleneck / IOBottleneck tests: several
// nodes with three system files each (the files of the nodes interleave in
// reader order), snapshot timestamps jittered around the 20 ms that joins
// rows into one snapshot (also within a snapshot and out of order), so the
// snapshot carried from one file into the next matters, and framework
// events around them.
#ifndef SMR_TESTS_RULES_BOTTLENECK_RANDOM_JOB_H_
#define SMR_TESTS_RULES_BOTTLENECK_RANDOM_JOB_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "testing/scratch.h"

namespace smr::testing {

inline std::string RandomBottleneckJob(uint32_t seed, int nodes) {
  std::mt19937 rng(seed);
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const std::filesystem::path dir = ScratchDir(fmt::format("bottleneck-random-{}-{}", seed, nodes));
  const double offsets[] = {0, 0.005, -0.005, 0.015, -0.015, 0.019, 0.021, -0.025, 0.03, 0.045};
  const double t0 = 1600000000.0;
  for (int n = 1; n <= nodes; ++n) {
    const std::string node = fmt::format("algo-{}", n);
    for (int f = 0; f < 3; ++f) {
      std::vector<std::string> lines;
      auto row = [&](const char* type, const std::string& name, const char* dim, double ts,
                     double v) {
        lines.push_back(fmt::format(
            R"({{"Type":"{}","Name":"{}","Dimension":"{}","Value":{},"NodeId":"{}","Timestamp":{:.6f}}})",
            type, name, dim, v, node, ts));
      };
      // 65 s per file, from t0 + 65 f; 2 samples a second. The third file
      // has one or two snapshots around t0 + 180 s, on a window boundary.
      for (int k = 0; k < (f < 2 ? 130 : 1 + pick(2)); ++k) {
        double ts = f < 2 ? t0 + 65.0 * f + 0.5 * k + offsets[pick(10)]
                          : t0 + 180.0 + (k == 0 ? 0.0 : offsets[pick(10)]);
        if (pick(8) == 0) ts -= 0.5;  // out of order
        for (int g = 0; g < 2; ++g) {
          row("gpu", fmt::format("gpu{}", g), "GPUUtilization", ts, pick(3) == 0 ? 50 : 5);
          if (pick(6) == 0) ts += offsets[pick(10)] / 2;  // jitter inside the snapshot
        }
        for (int c = 0; c < 3; ++c) {
          row("cpu", fmt::format("cpu{}", c), "CPUUtilization", ts, pick(3) == 0 ? 20 : 95);
          row("cpu", fmt::format("cpu{}", c), "I/OWaitPercentage", ts, pick(2) == 0 ? 10 : 60);
        }
      }
      std::filesystem::create_directories(dir / "system/incremental/2020091312");
      std::ofstream(dir / "system/incremental/2020091312" /
                    fmt::format("{}.{}.json", static_cast<int64_t>(t0) + 65 * f, node))
          << fmt::format("{}\n", fmt::join(lines, "\n"));
    }
    // Framework events of the node: operators, passes, steps, loaders.
    const char* phases[] = {"forward:CPU",
                            "backward:CPU",
                            "kernels:GPU",
                            "DataLoader",
                            "Step:ModeKeys.TRAIN",
                            "Forward-SubModuleInternal",
                            "Backward-SubModuleInternal",
                            "other:GPU"};
    nlohmann::json j = nlohmann::json::array();
    j.push_back({{"name", "process_name"},
                 {"ph", "M"},
                 {"pid", 0},
                 {"args", {{"start_time_since_epoch_in_micros", 1600000000000000}}}});
    for (int p = 0; p < 8; ++p) {
      j.push_back(
          {{"name", "process_name"}, {"ph", "M"}, {"pid", p + 1}, {"args", {{"name", phases[p]}}}});
    }
    for (int e = 0; e < 400; ++e) {
      const auto start = static_cast<int64_t>(uniform(0, 130e6));
      const auto dur = static_cast<int64_t>(uniform(1e3, 2e6));
      j.push_back({{"name", fmt::format("op{}", pick(6))},
                   {"pid", pick(8) + 1},
                   {"ph", "X"},
                   {"ts", start},
                   {"dur", dur}});
    }
    const std::filesystem::path fw = dir / "framework/pevents/2020091312";
    std::filesystem::create_directories(fw);
    std::ofstream(fw / fmt::format("1600000000000000_{}-{}_pythontimeline.json", n, node))
        << j.dump();
  }
  return dir.string();
}

}  // namespace smr::testing

#endif  // SMR_TESTS_RULES_BOTTLENECK_RANDOM_JOB_H_
