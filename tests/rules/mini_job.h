// A small job written by hand as SageMaker Debugger files (system metrics
// lines and pythontimeline traces), for the rules' sharded-evaluation tests
// that need a particular layout of nodes: which node is read first, which
// one is larger (GroupByNode puts the largest node in the first shard).
//
//   MiniJob job("two-nodes");
//   job.System("algo-1", 1600000000, {Cpu("algo-1", "cpu0", 1600000000.5, 10)});
//   job.Trace(1, 1600000000, {LoaderIter(...)});
//   auto sharded = testing::LoadShardedJob(job.dir(), 2);
#ifndef SMR_TESTS_RULES_MINI_JOB_H_
#define SMR_TESTS_RULES_MINI_JOB_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "testing/files.h"
#include "testing/scratch.h"

namespace smr {
namespace testing {

// One system-metrics line.
inline std::string SysLine(std::string_view node, std::string_view type, std::string_view name,
                           std::string_view dimension, double ts_s, double value) {
  return fmt::format(
      R"({{"Type":"{}","Name":"{}","Dimension":"{}","Value":{},"NodeId":"{}","Timestamp":{}}})",
      type, name, dimension, value, node, ts_s);
}
inline std::string CpuLine(std::string_view node, std::string_view core, double ts_s, double v) {
  return SysLine(node, "cpu", core, "CPUUtilization", ts_s, v);
}
inline std::string GpuLine(std::string_view node, std::string_view gpu, double ts_s, double v) {
  return SysLine(node, "gpu", gpu, "GPUUtilization", ts_s, v);
}
inline std::string GpuMemLine(std::string_view node, std::string_view gpu, double ts_s, double v) {
  return SysLine(node, "gpu", gpu, "GPUMemoryUtilization", ts_s, v);
}

// One framework event of a trace: its phase (process name), name, start
// and duration (µs since the file's base time) and its args ("" or
// `"pid": 7, ...`).
struct TraceEvent {
  std::string phase;
  std::string name;
  int64_t ts_us = 0;
  int64_t dur_us = 0;
  std::string args;
};

class MiniJob {
 public:
  explicit MiniJob(const std::string& name) : dir_(ScratchRoot() / "mini-jobs" / name) {}
  std::string dir() const { return dir_.string(); }

  // system/incremental/<hour>/<name_ts_s>.<node>.json with `lines`.
  void System(std::string_view node, int64_t name_ts_s, const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    WriteFile(dir_ / fmt::format("system/incremental/2020091312/{}.{}.json", name_ts_s, node),
              text);
  }
  // framework/pevents/<hour>/<base_us>_<n-1>-algo-<n>_pythontimeline.json
  // (node algo-<n>) with `events`, times relative to `base_us`.
  void Trace(int n, int64_t base_us, const std::vector<TraceEvent>& events) {
    std::string text = fmt::format(
        "[\n{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": "
        "{{\"start_time_since_epoch_in_micros\": {}}}}}",
        base_us);
    std::vector<std::string> phases;
    for (const TraceEvent& e : events) {
      size_t pid = 0;
      while (pid < phases.size() && phases[pid] != e.phase) ++pid;
      if (pid == phases.size()) {
        phases.push_back(e.phase);
        text += fmt::format(
            ",\n{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {}, \"args\": "
            "{{\"name\": \"{}\"}}}}",
            pid + 1, e.phase);
      }
      text += fmt::format(
          ",\n{{\"name\": \"{}\", \"pid\": {}, \"ph\": \"X\", \"ts\": {}, \"dur\": {}, "
          "\"args\": {{{}}}}}",
          e.name, pid + 1, e.ts_us, e.dur_us, e.args);
    }
    text += "\n]\n";
    WriteFile(dir_ / fmt::format("framework/pevents/2020091312/{}_{}-algo-{}_pythontimeline.json",
                                 base_us, n - 1, n),
              text);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_RULES_MINI_JOB_H_
