// Hand-built jobs on disk for the sharded-evaluation tests
// (tests/testing/shards.h): system files of SageMaker's format
// (system/incremental/<YYYYMMDDHH>/<ts>.<node>.json, one JSON sample a line)
// written below a scratch folder, so that a job's nodes can be read whole
// and as shards.
//
//   SystemJob job("LowGpuSharded");
//   job.File("algo-2", 1600000000).Gpu("gpu0", 1600000000.5, 0.0);
//   const std::string dir = job.Write();
#ifndef SMR_TESTS_TESTING_SYSTEM_JOB_H_
#define SMR_TESTS_TESTING_SYSTEM_JOB_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/rule.h"
#include "testing/scratch.h"
#include "testing/shards.h"

namespace smr {
namespace testing {

class SystemJob {
 public:
  explicit SystemJob(std::string name) : name_(std::move(name)) {}

  // Starts the file <ts_s>.<node>.json; the samples below go into it.
  SystemJob& File(const std::string& node, int64_t ts_s) {
    files_.push_back({node, ts_s, ""});
    return *this;
  }
  SystemJob& Sample(const std::string& type, const std::string& name, const std::string& dim,
                    double ts_s, double value) {
    files_.back().lines += fmt::format(
        "{{\"Type\":\"{}\",\"Name\":\"{}\",\"Dimension\":\"{}\",\"Value\":{},\"NodeId\":\"{}\","
        "\"Timestamp\":{:.3f}}}\n",
        type, name, dim, value, files_.back().node, ts_s);
    return *this;
  }
  SystemJob& Gpu(const std::string& gpu, double ts_s, double util) {
    return Sample("gpu", gpu, "GPUUtilization", ts_s, util);
  }
  SystemJob& GpuMem(const std::string& gpu, double ts_s, double mem) {
    return Sample("gpu", gpu, "GPUMemoryUtilization", ts_s, mem);
  }
  // Pads the current file (a node with more bytes goes into an earlier
  // shard, smr/shard.h GroupByNode).
  SystemJob& Cpu(double ts_s, double util) {
    return Sample("cpu", "cpu0", "CPUUtilization", ts_s, util);
  }

  // Writes the files into a fresh scratch folder; returns its path.
  std::string Write() const {
    const std::filesystem::path dir = ScratchDir("system-jobs/" + name_);
    const std::filesystem::path folder = dir / "system" / "incremental" / "2020091312";
    std::filesystem::create_directories(folder);
    for (const FileText& f : files_) {
      std::ofstream(folder / fmt::format("{}.{}.json", f.ts_s, f.node)) << f.lines;
    }
    return dir.string();
  }

 private:
  struct FileText {
    std::string node;
    int64_t ts_s;
    std::string lines;
  };
  std::string name_;
  std::vector<FileText> files_;
};

// The rule's result finished from the partials of the shards of `job`,
// merged left to right (findings included, which the JSON leaves out).
inline RuleResult FinishShards(const Rule& rule, const ShardedJob& job) {
  std::unique_ptr<RulePartial> merged = rule.Partial(job.ShardContext(0));
  for (size_t i = 1; i < job.shards.size(); ++i) {
    const Status st = merged->Merge(std::move(*rule.Partial(job.ShardContext(i))));
    EXPECT_TRUE(st.ok()) << st.message();
  }
  return rule.Finish(std::move(*merged), job.FinishContext());
}

// The report's findings as one line each: "<start µs> <node> <device> <value>".
inline std::vector<std::string> FindingLines(const RuleResult& r) {
  std::vector<std::string> lines;
  for (const RuleFinding& f : r.findings) {
    lines.push_back(fmt::format("{} {} {} {}", f.window_start_us, f.node, f.device, f.value));
  }
  return lines;
}

// The keys of an object, in order.
inline std::vector<std::string> KeysOf(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  return keys;
}

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_SYSTEM_JOB_H_
