// smr-sample-gen: writes a synthetic SageMaker Debugger profiler-output
// directory (system metrics JSON lines + pythontimeline Chrome-trace files)
// in the exact on-disk format of docs/formats.md sections 1-3.
//
// Independent of smr_core on purpose: the generator feeds the parser, so it
// must not share code (or bugs) with it.
//
// The pieces: scenarios.cc (the named scenarios), schedule.h/.cc (what the
// training script does when, shared by all nodes) with detailed_ops.cc (the
// per-operator events of detailed-profiled steps), writers.h with
// trace_writer.cc (framework trace files), system_writer.cc and series.h
// (system metrics) and output_files.cc, generator.cc (Generate), main.cc
// (the command line).
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
  int gpus = 4;           // per node; 0 = CPU-only instance
  int cpus = 8;           // vCPUs per node
  int interval_ms = 500;  // system sampling interval
  double minutes = 25.0;  // whole job, first sample to last
  uint64_t seed = 1;
  int64_t job_start_us = 0;  // epoch us of the first system sample

  double init_s = 150.0;         // job start -> first step
  double final_s = 40.0;         // last step -> job end
  double train_epoch_s = 170.0;  // one TRAIN phase
  double eval_s = 20.0;          // one EVAL phase after each TRAIN phase
  double train_step_ms = 160.0;  // mean TRAIN step (forward + backward)
  double eval_step_ms = 60.0;    // mean EVAL step
  double step_jitter = 0.08;     // +- fraction, bounded noise
  double first_step_s = 2.6;     // step 0: cudnn autotuning, lazy init
  int num_workers = 8;           // DataLoader workers per iterator
  int underused_gpus = 1;        // the last N GPUs of each node run at idle_gpu_lo..hi
  double busy_gpu_lo = 70.0, busy_gpu_hi = 98.0;
  double idle_gpu_lo = 5.0, idle_gpu_hi = 25.0;
  // GPU memory plateau after the model is on the device, per GPU kind.
  double busy_mem_lo = 62.0, busy_mem_hi = 76.0;
  double idle_mem_lo = 18.0, idle_mem_hi = 24.0;
  // Input-bound job: every GPU stays in busy_gpu_lo..hi during EVAL and
  // DataLoader start-up too (the GPUs wait for data in every phase).
  bool gpus_starved = false;
  double cpu_lo = 30.0, cpu_hi = 60.0;  // per-core CPUUtilization while training
  // The first hot_cpus cores run at hot_cpu_lo..hi while the loaders work
  // (TRAIN, EVAL, DataLoader start-up): CPU-heavy preprocessing.
  int hot_cpus = 0;
  double hot_cpu_lo = 91.0, hot_cpu_hi = 99.5;
  // The first iowait_cpus cores wait on I/O at iowait_lo..hi % in the same
  // phases: reads from slow storage.
  int iowait_cpus = 0;
  double iowait_lo = 55.0, iowait_hi = 85.0;
  // GPU memory leak: at the start of each EVAL phase that begins at least
  // mem_jump_after_s after the job start (at most mem_jumps times), the
  // memory plateau of every GPU rises by mem_jump_pct over 2 samples.
  int mem_jumps = 0;
  double mem_jump_pct = 0.0;
  double mem_jump_after_s = 0.0;
  // Every outlier_every-th TRAIN step (0 = never) takes outlier_factor_lo..hi
  // times the mean step (a synchronous checkpoint or host sync).
  int outlier_every = 0;
  double outlier_factor_lo = 4.0, outlier_factor_hi = 7.0;
  // Per-GPU load, the same GPU index on every node (--gpu-scale,
  // --gpu-offset): while the loaders run (DataLoader start-up, TRAIN, EVAL)
  // GPU g's utilization target and range x become
  // x * gpu_scale[g] + gpu_offset[g], clamped to 0..100. Scale 0 keeps the
  // GPU at 0 %; an offset alone shifts the GPU's values by exactly that many
  // points (as long as they stay within 0..100). Only GPU g's values change.
  std::map<int, double> gpu_scale;   // absent: 1
  std::map<int, double> gpu_offset;  // absent: 0
  bool final_gpu_idle = true;        // GPUs drop to ~0 during finalization
  int detailed_start_step = 50;      // TRAIN steps with cpu_functions/gpu ops
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
  double first_step_after_s = -1;        // job start -> first step start
  double seconds = 0;                    // job duration
};

// Writes <out_dir>/system/... and <out_dir>/framework/... . Existing
// system/ and framework/ subdirectories of out_dir are replaced.
// Returns false and sets *error on an I/O problem.
bool Generate(const Scenario& scenario, const std::string& out_dir, Summary* summary,
              std::string* error);

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_GENERATOR_H_
