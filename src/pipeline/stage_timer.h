// StageTimer: wall time, CPU time and memory of each stage of a build, for
// `sm-report build --timings` (docs/performance.md). The measurements come
// from a probe (by default the steady clock and process_metrics.h), so that
// tests can drive the timer with made-up numbers.
#ifndef SMR_SRC_PIPELINE_STAGE_TIMER_H_
#define SMR_SRC_PIPELINE_STAGE_TIMER_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace smr {

class StageTimer {
 public:
  // One reading of the process: a point in time (seconds from any fixed
  // origin), CPU seconds so far, peak and current resident set.
  struct Reading {
    double wall_s = 0;
    double cpu_s = 0;
    int64_t peak_rss_kb = 0;
    int64_t rss_kb = 0;
  };
  using Probe = std::function<Reading()>;

  // A stage as booked: its durations and the memory when it ended.
  struct Stage {
    std::string name;
    double wall_s = 0;
    double cpu_s = 0;
    int64_t peak_rss_kb = 0;
    int64_t rss_kb = 0;
  };

  StageTimer();  // reads the process (steady clock, getrusage, /proc)
  explicit StageTimer(Probe probe);

  // Closes the stage that ran since the previous Lap (or construction).
  void Lap(const std::string& name);

  // Subtracts `seconds` measured inside the previous stage and books them
  // as their own stage right after it (e.g. the store freeze inside ingest);
  // at most the previous stage's wall time is moved.
  void SplitLast(const std::string& name, double seconds);

  const std::vector<Stage>& stages() const { return stages_; }

  // The table: one line per stage and a total line (peak RSS at print time).
  void Print(std::ostream* log) const;

 private:
  Probe probe_;
  std::vector<Stage> stages_;
  Reading last_;
};

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_STAGE_TIMER_H_
