// smr-sample-gen: command-line front end of the sample-data generator.
//   smr-sample-gen --out DIR [--scenario NAME] [--nodes N] [--gpus G]
//                  [--cpus C] [--interval-ms MS] [--minutes M] [--seed S]
//                  [--detailed-steps N] [--gpu-scale G:F ...] [--gpu-offset G:P ...]
//   smr-sample-gen --out DIR --scenario kineto|kineto-legacy [--ranks N]
//                  [--steps N] [--straggler R] [--dataloader-stall-ms MS]
//                  [--small-kernels 0|1] [--exposed-nccl 0|1] [--seed S]
// Exit codes: 0 written, 1 I/O error, 2 usage error.
#include <charconv>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "samples/generator/generator.h"
#include "samples/generator/kineto_gen.h"

namespace {

constexpr int kExitIo = 1;
constexpr int kExitUsage = 2;

void PrintUsage(std::FILE* to) {
  std::string names;
  for (const std::string& n : smr::samplegen::ScenarioNames()) {
    names += names.empty() ? n : "|" + n;
  }
  fmt::print(to,
             "usage: smr-sample-gen --out DIR [--scenario {}] [--nodes N] [--gpus G]\n"
             "                      [--cpus C] [--interval-ms MS] [--minutes M] [--seed S]\n"
             "                      [--detailed-steps N] [--gpu-scale G:F ...]\n"
             "                      [--gpu-offset G:P ...]\n"
             "Writes a synthetic SageMaker Debugger profiler-output directory\n"
             "(system/incremental/..., framework/pevents/...) into DIR.\n"
             "Flags override the scenario's values; see samples/README.md.\n"
             "--detailed-steps N: TRAIN steps with per-op cpu_functions/gpu_functions\n"
             "events (about 200 per step; large N makes trace-heavy benchmark data).\n"
             "--gpu-scale G:F, --gpu-offset G:P: GPU G of every node runs at F times its\n"
             "level plus P points (P may be negative) while the job trains; F 0 keeps it\n"
             "at 0 %. Repeat for more GPUs.\n"
             "--scenario kineto|kineto-legacy: PyTorch-profiler traces instead, one\n"
             "rank-N.pt.trace.json.gz per rank (current or 2021 format), with\n"
             "[--ranks N] [--steps N] [--straggler R] [--dataloader-stall-ms MS]\n"
             "[--small-kernels 0|1] [--exposed-nccl 0|1] [--seed S].\n",
             names);
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// "G:V" (GPU index, number) into (*gpus)[G] = V, with lo <= V <= hi.
bool ParseGpuValue(std::string_view text, double lo, double hi, std::map<int, double>* gpus) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  int gpu = -1;
  double v = 0;
  if (!ParseNumber(text.substr(0, colon), &gpu) || gpu < 0 || gpu > 15) return false;
  if (!ParseNumber(text.substr(colon + 1), &v) || !(v >= lo && v <= hi)) return false;
  (*gpus)[gpu] = v;
  return true;
}

// The command line, before the scenario is known (-1: flag not given).
struct Options {
  std::string out_dir;
  std::string scenario_name = "default";
  long long nodes = -1, gpus = -1, cpus = -1, interval_ms = -1, detailed_steps = -1;
  unsigned long long seed = 0;
  bool have_seed = false;
  double minutes = -1;
  std::map<int, double> gpu_scale, gpu_offset;
  // --scenario kineto / kineto-legacy
  long long ranks = -1, steps = -1, straggler = -1, stall_ms = -1, small_kernels = -1,
            exposed_nccl = -1;
};

enum class FlagResult { kOk, kBadValue, kUnknown };

FlagResult ParseFlag(std::string_view flag, std::string_view value, Options* o) {
  bool ok = true;
  if (flag == "--out" || flag == "-o") {
    o->out_dir = std::string(value);
    ok = !o->out_dir.empty();
  } else if (flag == "--scenario") {
    o->scenario_name = std::string(value);
  } else if (flag == "--nodes") {
    ok = ParseNumber(value, &o->nodes) && o->nodes >= 1 && o->nodes <= 64;
  } else if (flag == "--gpus") {
    ok = ParseNumber(value, &o->gpus) && o->gpus >= 0 && o->gpus <= 16;
  } else if (flag == "--cpus") {
    ok = ParseNumber(value, &o->cpus) && o->cpus >= 1 && o->cpus <= 256;
  } else if (flag == "--interval-ms") {
    ok = ParseNumber(value, &o->interval_ms) && o->interval_ms >= 100 && o->interval_ms <= 60000;
  } else if (flag == "--minutes") {
    ok = ParseNumber(value, &o->minutes) && o->minutes >= 1 && o->minutes <= 24 * 60;
  } else if (flag == "--detailed-steps") {
    ok = ParseNumber(value, &o->detailed_steps) && o->detailed_steps >= 0 &&
         o->detailed_steps <= 100'000'000;
  } else if (flag == "--gpu-scale") {
    ok = ParseGpuValue(value, 0, 10, &o->gpu_scale);
  } else if (flag == "--gpu-offset") {
    ok = ParseGpuValue(value, -100, 100, &o->gpu_offset);
  } else if (flag == "--ranks") {
    ok = ParseNumber(value, &o->ranks) && o->ranks >= 1 && o->ranks <= 64;
  } else if (flag == "--steps") {
    ok = ParseNumber(value, &o->steps) && o->steps >= 1 && o->steps <= 10000;
  } else if (flag == "--straggler") {
    ok = ParseNumber(value, &o->straggler) && o->straggler >= 0 && o->straggler < 64;
  } else if (flag == "--dataloader-stall-ms") {
    ok = ParseNumber(value, &o->stall_ms) && o->stall_ms >= 0 && o->stall_ms <= 60000;
  } else if (flag == "--small-kernels") {
    ok = ParseNumber(value, &o->small_kernels) && o->small_kernels >= 0 && o->small_kernels <= 1;
  } else if (flag == "--exposed-nccl") {
    ok = ParseNumber(value, &o->exposed_nccl) && o->exposed_nccl >= 0 && o->exposed_nccl <= 1;
  } else if (flag == "--seed") {
    ok = ParseNumber(value, &o->seed);
    o->have_seed = true;
  } else {
    return FlagResult::kUnknown;
  }
  return ok ? FlagResult::kOk : FlagResult::kBadValue;
}

// Fills *o from the arguments; returns the exit code if the program is done
// (--help, usage error), -1 to go on.
int ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      PrintUsage(stdout);
      return 0;
    }
    std::string_view value;
    std::string_view flag = arg;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      fmt::print(stderr, "smr-sample-gen: {} needs a value\n", arg);
      return kExitUsage;
    }
    const FlagResult result = ParseFlag(flag, value, o);
    if (result == FlagResult::kUnknown) {
      fmt::print(stderr, "smr-sample-gen: unknown option '{}'\n", flag);
      PrintUsage(stderr);
      return kExitUsage;
    }
    if (result == FlagResult::kBadValue) {
      fmt::print(stderr, "smr-sample-gen: bad value '{}' for {}\n", value, flag);
      return kExitUsage;
    }
  }
  if (o->out_dir.empty()) {
    fmt::print(stderr, "smr-sample-gen: --out DIR is required\n");
    PrintUsage(stderr);
    return kExitUsage;
  }
  return -1;
}

// GPU indexes exist only once the scenario's GPU count is known.
bool CheckGpus(const char* flag, const std::map<int, double>& gpus,
               const smr::samplegen::Scenario& sc) {
  for (const auto& [gpu, v] : gpus) {
    if (gpu >= sc.gpus) {
      fmt::print(stderr, "smr-sample-gen: {} {}:{}: scenario '{}' has {} GPU(s) per node\n", flag,
                 gpu, v, sc.name, sc.gpus);
      return false;
    }
  }
  return true;
}

// The named scenario with the flags' overrides; false (message printed) on
// a usage error.
bool ScenarioFromOptions(const Options& o, smr::samplegen::Scenario* sc) {
  if (!smr::samplegen::MakeScenario(o.scenario_name, sc)) {
    fmt::print(stderr, "smr-sample-gen: unknown scenario '{}'\n", o.scenario_name);
    PrintUsage(stderr);
    return false;
  }
  if (o.nodes > 0) sc->nodes = static_cast<int>(o.nodes);
  if (o.gpus >= 0) sc->gpus = static_cast<int>(o.gpus);
  if (o.cpus > 0) sc->cpus = static_cast<int>(o.cpus);
  if (o.interval_ms > 0) sc->interval_ms = static_cast<int>(o.interval_ms);
  if (o.minutes > 0) sc->minutes = o.minutes;
  if (o.have_seed) sc->seed = o.seed;
  if (o.detailed_steps >= 0) sc->detailed_num_steps = static_cast<int>(o.detailed_steps);
  if (!CheckGpus("--gpu-scale", o.gpu_scale, *sc) ||
      !CheckGpus("--gpu-offset", o.gpu_offset, *sc)) {
    return false;
  }
  for (const auto& [gpu, v] : o.gpu_scale) sc->gpu_scale[gpu] = v;
  for (const auto& [gpu, v] : o.gpu_offset) sc->gpu_offset[gpu] = v;
  if (sc->init_s + sc->final_s + 10 > sc->minutes * 60) {
    fmt::print(stderr,
               "smr-sample-gen: --minutes {} is too short for scenario '{}' (initialization "
               "{:.0f} s + finalization {:.0f} s)\n",
               sc->minutes, sc->name, sc->init_s, sc->final_s);
    return false;
  }
  return true;
}

void PrintSummary(const smr::samplegen::Scenario& sc, const std::string& out_dir,
                  const smr::samplegen::Summary& summary) {
  fmt::print(
      "smr-sample-gen: scenario '{}' (seed {}): {} node(s), {} GPU(s), {} vCPU(s), "
      "{} ms sampling, {:.1f} min\n",
      sc.name, sc.seed, sc.nodes, sc.gpus, sc.cpus, sc.interval_ms, summary.seconds / 60.0);
  fmt::print("  {}/system/incremental: {} files, {} lines\n", out_dir, summary.system_files,
             summary.system_lines);
  fmt::print("  {}/framework/pevents: {} files, {} events\n", out_dir, summary.trace_files,
             summary.trace_events);
  std::string steps;
  for (const auto& [phase, n] : summary.steps) {
    steps += fmt::format("{}{} {}", steps.empty() ? "" : ", ", phase, n);
  }
  fmt::print("  steps per node: {}; first step {:.1f} s after the job start\n", steps,
             summary.first_step_after_s);
  fmt::print("  total {:.1f} MB\n", static_cast<double>(summary.bytes) / 1e6);
}

// --scenario kineto / kineto-legacy.
int GenerateKinetoJob(const Options& o) {
  smr::samplegen::KinetoScenario sc;
  sc.legacy = o.scenario_name == "kineto-legacy";
  if (o.ranks > 0) sc.ranks = static_cast<int>(o.ranks);
  if (o.steps > 0) sc.steps = static_cast<int>(o.steps);
  if (o.have_seed) sc.seed = o.seed;
  if (o.straggler >= 0) {
    if (o.straggler >= sc.ranks) {
      fmt::print(stderr, "smr-sample-gen: --straggler {}: the job has {} rank(s)\n", o.straggler,
                 sc.ranks);
      return kExitUsage;
    }
    sc.straggler_rank = static_cast<int>(o.straggler);
  }
  if (o.stall_ms >= 0) sc.dataloader_stall_ns = o.stall_ms * 1'000'000;
  sc.small_kernels = o.small_kernels == 1;
  sc.exposed_nccl = o.exposed_nccl == 1;
  smr::samplegen::KinetoSummary summary;
  std::string error;
  if (!smr::samplegen::GenerateKineto(sc, o.out_dir, &summary, &error)) {
    fmt::print(stderr, "smr-sample-gen: {}\n", error);
    return kExitIo;
  }
  fmt::print("smr-sample-gen: scenario '{}' (seed {}): {} rank(s), {} steps\n", o.scenario_name,
             sc.seed, sc.ranks, sc.steps);
  fmt::print("  {}: {} files, {} complete events, {:.1f} MB compressed\n", o.out_dir, summary.files,
             summary.events, static_cast<double>(summary.bytes) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int done = ParseArgs(argc, argv, &options); done >= 0) return done;
  if (options.scenario_name == "kineto" || options.scenario_name == "kineto-legacy") {
    return GenerateKinetoJob(options);
  }
  smr::samplegen::Scenario sc;
  if (!ScenarioFromOptions(options, &sc)) return kExitUsage;
  smr::samplegen::Summary summary;
  std::string error;
  if (!smr::samplegen::Generate(sc, options.out_dir, &summary, &error)) {
    fmt::print(stderr, "smr-sample-gen: {}\n", error);
    return kExitIo;
  }
  PrintSummary(sc, options.out_dir, summary);
  return 0;
}
