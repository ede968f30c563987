// The training schedule of the sample generator: what the simulated training
// script does and when (phases, DataLoader iterators, steps, detailed-profiled
// operators), shared by all nodes. Data-parallel nodes step in lock-step;
// each node's writers add a small offset. Internal to smr-sample-gen.
#ifndef SMR_SAMPLES_GENERATOR_SCHEDULE_H_
#define SMR_SAMPLES_GENERATOR_SCHEDULE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "samples/generator/generator.h"
#include "samples/generator/prng.h"

namespace smr::samplegen {

constexpr int64_t kUsPerS = 1'000'000;

// A stretch of the job in one state; the spans cover the job without gaps.
enum class SpanKind { kInit, kIterInit, kTrain, kEval, kFinal };

struct Span {
  SpanKind kind;
  int64_t start_us;
  int64_t end_us;
};

// The trace phases (one pid each in a trace file), in kPhaseNames order.
enum Phase : uint8_t {
  kPhaseStepTrain,
  kPhaseStepEval,
  kPhaseForward,
  kPhaseIterInit,
  kPhaseIter,
  kPhaseWorker,
  kPhaseCpuFunctions,
  kPhaseGpuFunctions,
  kPhaseCount,
};

inline constexpr std::string_view kPhaseNames[kPhaseCount] = {
    "Step:ModeKeys.TRAIN", "Step:ModeKeys.EVAL", "Forward",       "DataLoaderIterInitialize",
    "DataLoaderIter",      "DataLoaderWorker",   "cpu_functions", "gpu_functions-dev:0",
};

// One trace event, node-independent; the trace writer adds the node's pids
// and time offset.
struct Event {
  int64_t start_us = 0;
  int64_t dur_us = 0;
  int64_t write_us = 0;  // when the writer thread gets it (decides file + order)
  Phase phase = kPhaseCount;
  std::string_view name;
  int64_t a = 0;       // step_num / worker_id / num_workers / tid
  int64_t b = 0;       // worker pid offset / global step / device
  std::string_view s;  // gpu: originating cpu op name
  int64_t c = 0;       // gpu: cpu op start us
};

inline Event Ev(int64_t start_us, int64_t dur_us, int64_t write_us, Phase phase,
                std::string_view name, int64_t a = 0, int64_t b = 0, std::string_view s = {},
                int64_t c = 0) {
  Event e;
  e.start_us = start_us;
  e.dur_us = dur_us;
  e.write_us = write_us;
  e.phase = phase;
  e.name = name;
  e.a = a;
  e.b = b;
  e.s = s;
  e.c = c;
  return e;
}

struct Schedule {
  std::vector<Span> spans;
  std::vector<Event> events;             // in write_us order
  std::map<std::string, int64_t> steps;  // steps per mode, as in Summary::steps
  int64_t first_step_us = -1;
  int64_t job_end_us = 0;
  int64_t writer_base_us = 0;  // start_time_since_epoch_in_micros
};

// The schedule of a scenario (random numbers from its seed's "schedule"
// stream).
Schedule BuildSchedule(const Scenario& sc);

// Appends the cpu_functions / gpu_functions-dev:0 events of one detailed-
// profiled TRAIN step [start, start+dur) (detailed_ops.cc).
void AddDetailedOps(int64_t start_us, int64_t dur_us, int64_t global_step, SplitMix64* rng,
                    std::vector<Event>* events);

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_SCHEDULE_H_
