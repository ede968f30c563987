// IOBottleneck (docs/rules.md §4.4): flags jobs where the GPUs sit
// idle while CPU cores wait for I/O. The algorithm is shared with
// CPUBottleneck and described in system_bottleneck.h: snapshots are groups of
// system rows within 20 ms (reader order); a snapshot is a bottleneck when it
// has a GPU below gpu_threshold and a core whose I/OWaitPercentage is above
// io_threshold (the entries still count those cores under "CPUs"); after each
// window, with more than `patience` snapshots and more than `threshold` % of
// them bottlenecks, RuleTriggered += 1 and the framework events around the
// window's bottlenecks are aggregated into Details (§4.12).
//
// Worked example (patience 2; one window from t0 = 1000 s; one GPU, 1 core):
//   1000.5  gpu0 5, cpu0 iowait 95  -> snapshot 1: bottleneck {GPUs 1, CPUs 1}
//   1001.0  gpu0 5, cpu0 iowait 20  -> snapshot 2: idle GPU only
//   1001.5  gpu0 50, cpu0 iowait 95  -> snapshot 3: busy core only
//   1002.0  gpu0 0, cpu0 iowait 99   -> snapshot 4: bottleneck
//   4 snapshots > 2, 2/4 = 50 % is not > 50 % -> not triggered.
//   {"RuleTriggered": 0, "Violations": 2, "Details": {"low_gpu_utilization": 3,
//    "bottlenecks": {"1000.5": {"GPUs": 1, "CPUs": 1}, "1002.0": {"GPUs": 1, "CPUs": 1}}},
//    "Datapoints": 4, "RuleParameters":
//    "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:2"}
#ifndef SMR_SRC_RULES_IO_BOTTLENECK_H_
#define SMR_SRC_RULES_IO_BOTTLENECK_H_

#include <cstdint>
#include <memory>

#include "smr/rule.h"

namespace smr {

struct IoBottleneckParams {
  // Default 50 (%). The rule triggers when more than this share of all
  // snapshots are bottlenecks.
  double threshold = 50;
  // Default 50 (%). A core above this I/OWaitPercentage is busy.
  double io_threshold = 50;
  // Default 10 (%). A GPU below this GPUUtilization is idle. The AWS guide
  // says 70; ProfilerReport runs 10.
  double gpu_threshold = 10;
  // Default 1000 (snapshots). No check until more snapshots than this were
  // seen (GPUs idle during initialization).
  int64_t patience = 1000;
};

class IoBottleneckRule : public Rule {
 public:
  explicit IoBottleneckRule(IoBottleneckParams params = {}) : p_(params) {}
  std::string_view name() const override { return "IOBottleneck"; }
  std::string_view description() const override;
  std::string_view recommendation() const override;
  const std::vector<ParamSpec>& params() const override;
  Status SetParam(std::string_view param, std::string_view value) override;
  std::string RuleParameters() const override;
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  const IoBottleneckParams& values() const { return p_; }

 private:
  IoBottleneckParams p_;
};

std::unique_ptr<Rule> CreateIoBottleneckRule();

}  // namespace smr

#endif  // SMR_SRC_RULES_IO_BOTTLENECK_H_
