// Dataloader (docs/rules.md §4.8): compares the number of data-loading
// processes running in parallel with the number of CPU cores.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan; framework
// events overlapping two windows are seen in both, as in SageMaker):
//   cores = number of distinct CPUUtilization names (cpu0, cpu1, … over all
//   nodes) in the first window that has CPU samples.
//   Per window, events in store order:
//     - phase "DataLoaderIterInitialize": its args pin_memory / num_workers
//       (when present) are remembered;
//     - phase "DataLoaderWorker" or "DataLoaderIter" (PyTorch loaders; TF
//       events are ignored): Datapoints += 1, its duration (s) is appended to
//       dataloading_time, and its args.pid is added to the set of its start
//       second (int(start_us / 1e6)); an event without args.pid still opens
//       its second (then counted with 0 pids);
//     - a name containing "Prefetch" sets prefetch = true, a loader event
//       clears it again (SageMaker's TF flag: written only while set).
//   If the window had loader events: the distinct-pid count of each of its
//   seconds is appended to a list (cleared when it held > 1000 entries at
//   the start of a window with events), median = int(numpy median of the
//   list); if the list has more than `patience` (hidden, 10) entries, median
//   < cores·min_threshold/100 adds 1 to Violations and median >
//   cores·max_threshold/100 adds 1. Details are (re)written: {pin_memory,
//   num_workers, [prefetch], cores, dataloaders: median, dataloading_time:
//   {p25, p50, p95, probs (100-bin numpy histogram counts), binedges (101)}}.
//   RuleTriggered = 1 once Violations > 0. Without loader events Details is {}.
//   Without any CPUUtilization sample cores stays 0, so any median > 0 counts
//   as "too many loaders" — SageMaker's behaviour, kept for identical
//   verdicts (the report can say that the core count is unknown).
//
// Worked example (defaults, 4 cores; t0 = 1000 s): one
// DataLoaderIterInitialize (pin_memory false, num_workers 0) and, in each of
// 11 seconds 1001 … 1011, one DataLoaderIter event of 0.5 s by pid 7
//   -> list = [1 ×11] (11 > 10), median 1 < 4·0.7 = 2.8 -> 1 violation.
//   durations all 0.5 -> histogram range [0.0, 1.0] (numpy widens an empty
//   range by ±0.5), all 11 in bin 50 ([0.5, 0.51)).
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"pin_memory": false,
//    "num_workers": 0, "cores": 4, "dataloaders": 1, "dataloading_time":
//    {"p25": 0.5, "p50": 0.5, "p95": 0.5, "probs": [0 ×50, 11, 0 ×49],
//     "binedges": [0.0, 0.01, 0.02, …, 1.0]}}, "Datapoints": 11,
//    "RuleParameters": "min_threshold:70\nmax_threshold:200"}
#ifndef SMR_SRC_RULES_DATALOADER_H_
#define SMR_SRC_RULES_DATALOADER_H_

#include <cstdint>
#include <string_view>

#include "src/rules/numpy_stats.h"
#include "src/rules/param_rule.h"

namespace smr {

struct DataloaderParams {
  // % of the cores. Fewer parallel loader processes than this share of the
  // cores (median over seconds) is a violation.
  double min_threshold = 70;
  // % of the cores. More parallel loader processes than this share of the
  // cores is a violation.
  double max_threshold = 200;
  // Seconds with loader activity. Hidden in SageMaker's RuleParameters;
  // settable here as an sm-report extension. No check until the per-second
  // list has more entries than this.
  int64_t patience = 10;
};

class DataloaderRule : public ParamRule<DataloaderParams> {
 public:
  explicit DataloaderRule(DataloaderParams params = {});
  // min_threshold must be below max_threshold (else every median would be
  // a violation).
  Status ValidateParams() const override;
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_DATALOADER_H_
