// StageTimer: per-stage wall time, CPU time and memory (stage_timer.h).
#include "src/pipeline/stage_timer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "src/pipeline/process_metrics.h"

namespace smr {
namespace {

StageTimer::Reading ReadProcess() {
  static const auto origin = std::chrono::steady_clock::now();
  StageTimer::Reading r;
  r.wall_s = Seconds(origin, std::chrono::steady_clock::now());
  r.cpu_s = CpuSeconds();
  r.peak_rss_kb = PeakRssKb();
  r.rss_kb = RssKb();
  return r;
}

}  // namespace

StageTimer::StageTimer() : StageTimer(ReadProcess) {}

StageTimer::StageTimer(Probe probe) : probe_(std::move(probe)), last_(probe_()) {}

void StageTimer::Lap(const std::string& name) {
  const Reading now = probe_();
  stages_.push_back(
      {name, now.wall_s - last_.wall_s, now.cpu_s - last_.cpu_s, now.peak_rss_kb, now.rss_kb});
  // Read again so that the cost of this reading is not booked to the next stage.
  last_ = probe_();
}

void StageTimer::SplitLast(const std::string& name, double seconds) {
  if (stages_.empty()) return;
  Stage& last = stages_.back();
  seconds = std::min(seconds, last.wall_s);
  last.wall_s -= seconds;
  last.cpu_s = std::max(0.0, last.cpu_s - seconds);
  Stage split = last;
  split.name = name;
  split.wall_s = seconds;
  split.cpu_s = seconds;
  stages_.push_back(split);
}

void StageTimer::Print(std::ostream* log) const {
  *log << fmt::format("{:<13} {:>9} {:>9} {:>13} {:>13}\n", "stage", "wall s", "cpu s",
                      "peak RSS MB", "RSS now MB");
  double wall = 0, cpu = 0;
  for (const Stage& s : stages_) {
    *log << fmt::format("{:<13} {:>9.3f} {:>9.3f} {:>13.1f} {:>13.1f}\n", s.name, s.wall_s, s.cpu_s,
                        static_cast<double>(s.peak_rss_kb) / 1024.0,
                        static_cast<double>(s.rss_kb) / 1024.0);
    wall += s.wall_s;
    cpu += s.cpu_s;
  }
  *log << fmt::format("{:<13} {:>9.3f} {:>9.3f} {:>13.1f}\n", "total", wall, cpu,
                      static_cast<double>(probe_().peak_rss_kb) / 1024.0);
}

}  // namespace smr
