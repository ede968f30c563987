// smr-sample-gen: writes a synthetic SageMaker Debugger profiler-output
// directory (system metrics JSON lines + pythontimeline Chrome-trace files)
// in the exact on-disk format of /work/shared/spec/formats.md sections 1-3.
//
// Independent of smr_core on purpose: the generator feeds the parser, so it
// must not share code (or bugs) with it.
#ifndef SMR_SAMPLES_GENERATOR_GENERATOR_H_
#define SMR_SAMPLES_GENERATOR_GENERATOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace smr::samplegen {

// What the simulated training job looks like. MakeScenario() fills it from a
// scenario name; command-line flags then override single fields.
struct Scenario {
  std::string name = "default";
  int nodes = 1;
  int gpus = 4;              // per node; 0 = CPU-only instance
  int cpus = 8;              // vCPUs per node
  int interval_ms = 500;     // system sampling interval
  double minutes = 25.0;     // whole job, first sample to last
  uint64_t seed = 1;
  int64_t job_start_us = 0;  // epoch us of the first system sample

  double init_s = 150.0;          // job start -> first step
  double final_s = 40.0;          // last step -> job end
  double train_epoch_s = 170.0;   // one TRAIN phase
  double eval_s = 20.0;           // one EVAL phase after each TRAIN phase
  double train_step_ms = 160.0;   // mean TRAIN step (forward + backward)
  double eval_step_ms = 60.0;     // mean EVAL step
  double step_jitter = 0.08;      // +- fraction, bounded noise
  double first_step_s = 2.6;      // step 0: cudnn autotuning, lazy init
  int num_workers = 8;            // DataLoader workers per iterator
  bool underused_last_gpu = true; // last GPU of each node at 5-25 %
  double busy_gpu_lo = 70.0, busy_gpu_hi = 98.0;
  double idle_gpu_lo = 5.0, idle_gpu_hi = 25.0;
  double cpu_lo = 30.0, cpu_hi = 60.0;  // per-core CPUUtilization while training
  bool final_gpu_idle = true;     // GPUs drop to ~0 during finalization
  int detailed_start_step = 50;   // TRAIN steps with cpu_functions/gpu ops
  int detailed_num_steps = 100;
};

// Returns false (and leaves *out untouched) for an unknown scenario name.
bool MakeScenario(const std::string& name, Scenario* out);
std::vector<std::string> ScenarioNames();

// What was written, for the summary line and for checks.
struct Summary {
  int system_files = 0;
  int64_t system_lines = 0;
  int trace_files = 0;
  int64_t trace_events = 0;  // X events (metadata lines not counted)
  int64_t bytes = 0;
  std::map<std::string, int64_t> steps;  // "Step:ModeKeys.TRAIN" -> count per node
  double first_step_after_s = -1;         // job start -> first step start
  double seconds = 0;                     // job duration
};

// Writes <out_dir>/system/... and <out_dir>/framework/... . Existing
// system/ and framework/ subdirectories of out_dir are replaced.
// Returns false and sets *error on an I/O problem.
bool Generate(const Scenario& scenario, const std::string& out_dir, Summary* summary,
              std::string* error);

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_GENERATOR_H_
