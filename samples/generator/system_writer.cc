// System metrics (docs/formats.md 1.1, 2): one node's JSON-lines files, one
// file per minute, each sample a group of cpu, gpu, memory, i/o and network
// lines. Every metric is a Series (series.h) whose target and range follow
// the job's phase.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "samples/generator/series.h"
#include "samples/generator/writers.h"

namespace smr::samplegen {
namespace {

namespace fs = std::filesystem;

// Python's json.dumps writes floats as their shortest round-trip repr, and
// integral floats with ".0"; fmt's "{}" is the same shortest form.
void AppendFloat(double v, std::string* out) {
  const size_t at = out->size();
  fmt::format_to(std::back_inserter(*out), "{}", v);
  if (out->find_first_of(".en", at) == std::string::npos) out->append(".0");
}

// Shifts a timestamp (100 ns ticks) by a few ticks until its shortest
// decimal form has 6-7 decimals like real samples (docs/formats.md 2.1), and is
// never on a whole second.
int64_t RealisticTicks(int64_t ticks) {
  std::string s;
  for (;; ticks += 3) {
    s.clear();
    fmt::format_to(std::back_inserter(s), "{}", static_cast<double>(ticks) / 1e7);
    const size_t dot = s.find('.');
    if (dot != std::string::npos && s.size() - dot - 1 >= 6) return ticks;
  }
}

double Round2(double v) { return std::round(v * 100.0) / 100.0; }

// The series of one node and the per-device levels they vary around.
struct NodeSeries {
  std::vector<Series> cpu, iowait, gpu, gpu_mem;
  std::vector<double> cpu_target, gpu_target, mem_plateau;
  Series memory, iops, read, write, rx_alg, tx_alg, rx_plat, tx_plat, jitter;
};

// GPUs first_underused.. of the node are the underused ones.
NodeSeries MakeNodeSeries(const Scenario& sc, uint64_t seed, int first_underused) {
  auto series = [&](const std::string& name, double sigma) { return Series(seed, name, sigma); };
  NodeSeries ns{{},
                {},
                {},
                {},
                {},
                {},
                {},
                series("memory", 0.4),
                series("iops", 25),
                series("read", 5e6),
                series("write", 3e4),
                series("rx_alg", 1e4),
                series("tx_alg", 1e4),
                series("rx_plat", 6e3),
                series("tx_plat", 2e3),
                series("jitter", 1)};
  SplitMix64 levels = SplitMix64::ForStream(seed, "levels");
  for (int c = 0; c < sc.cpus; ++c) {
    ns.cpu.push_back(series(fmt::format("cpu{}", c), 4.0));
    ns.iowait.push_back(series(fmt::format("iowait{}", c), c < sc.iowait_cpus ? 5.0 : 0.6));
    ns.cpu_target.push_back(levels.Uniform(sc.cpu_lo + 5, sc.cpu_hi - 5));
  }
  for (int g = 0; g < sc.gpus; ++g) {
    const bool idle_gpu = g >= first_underused;
    ns.gpu.push_back(series(fmt::format("gpu{}", g), idle_gpu ? 3.0 : 4.5));
    ns.gpu_mem.push_back(series(fmt::format("gpu_mem{}", g), 0.15));
    // A narrow busy range (a starved GPU) gets one common target, so all
    // GPUs of the node show the same histogram.
    const bool wide = sc.busy_gpu_hi - sc.busy_gpu_lo >= 20;
    ns.gpu_target.push_back(idle_gpu ? (sc.idle_gpu_lo + sc.idle_gpu_hi) / 2
                            : wide   ? levels.Uniform(sc.busy_gpu_lo + 12, sc.busy_gpu_hi - 8)
                                     : (sc.busy_gpu_lo + sc.busy_gpu_hi) / 2);
    ns.mem_plateau.push_back(idle_gpu ? levels.Uniform(sc.idle_mem_lo, sc.idle_mem_hi)
                                      : levels.Uniform(sc.busy_mem_lo, sc.busy_mem_hi));
  }
  return ns;
}

// The node's job times (epoch us, shifted by the node's offset).
struct NodeTimes {
  int64_t job_start = 0;
  int64_t job_end = 0;
  int64_t init_end = 0;
  int64_t final_start = 0;
  // GPU memory fills while the model is moved to the device, ramping over
  // tens of seconds (a jump would look like GPUMemoryIncrease).
  int64_t ramp_start = 0;
  int64_t ramp_end = 0;
  // Memory-leak steps (GPUMemoryIncrease): the start times of the EVAL
  // phases at which the plateau rises.
  std::vector<int64_t> mem_jump_us;
};

NodeTimes MakeNodeTimes(const Scenario& sc, const Schedule& sched, int64_t offset_us) {
  NodeTimes nt;
  nt.job_start = sc.job_start_us + offset_us;
  nt.job_end = sched.job_end_us + offset_us;
  nt.init_end = sched.spans.front().end_us + offset_us;
  nt.final_start = sched.spans.back().start_us + offset_us;
  nt.ramp_start = nt.init_end - std::min<int64_t>(45 * kUsPerS, (nt.init_end - nt.job_start) / 2);
  nt.ramp_end = nt.init_end + 15 * kUsPerS;
  for (const Span& span : sched.spans) {
    if (static_cast<int>(nt.mem_jump_us.size()) >= sc.mem_jumps) break;
    if (span.kind == SpanKind::kEval &&
        span.start_us - sc.job_start_us >= static_cast<int64_t>(sc.mem_jump_after_s * kUsPerS)) {
      nt.mem_jump_us.push_back(span.start_us + offset_us);
    }
  }
  return nt;
}

// One sample time and the job's state then.
struct Sample {
  int64_t t = 0;
  SpanKind kind = SpanKind::kInit;
  bool loading = false;   // DataLoader start-up, TRAIN or EVAL
  double init_frac = 0;   // progress through the initialization
  double final_frac = 0;  // progress through the finalization
};

// What a series aims at in one sample.
struct Level {
  double target, lo, hi;
};

// Writes the system-metric files of one node.
class SystemWriter {
 public:
  SystemWriter(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
               Summary* summary);

  bool Write(const fs::path& out_dir, std::string* error);

 private:
  void AddSample(const Sample& s);
  // CPUUtilization and I/OWaitPercentage per vCPU.
  void AddCpu(const Sample& s, int64_t ticks);
  // GPUUtilization and GPUMemoryUtilization per device.
  void AddGpu(const Sample& s, int64_t ticks);
  Level GpuLevel(const Sample& s, int g) const;
  double GpuMemory(const Sample& s, int g) const;
  // Memory, i/o and network.
  void AddHost(const Sample& s, int64_t base_ticks);
  void Line(int64_t ts_ticks, std::string_view type, std::string_view name, std::string_view dim,
            double value);

  const Scenario& sc_;
  const Schedule& sched_;
  const int64_t offset_us_;
  const std::string node_id_;
  // The last underused_gpus GPUs of the node are the underused ones (only on
  // nodes with at least two GPUs: one idle GPU alone is not an imbalance).
  const int first_underused_;
  NodeSeries ns_;
  const NodeTimes times_;
  Summary* summary_;
  std::map<int64_t, std::string> files_;  // epoch minute -> JSON lines
};

SystemWriter::SystemWriter(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                           Summary* summary)
    : sc_(sc),
      sched_(sched),
      offset_us_(offset_us),
      node_id_(fmt::format("algo-{}", node)),
      first_underused_(sc.gpus >= 2 ? sc.gpus - std::min(sc.underused_gpus, sc.gpus - 1) : sc.gpus),
      ns_(MakeNodeSeries(sc, sc.seed * 1000003ULL + static_cast<uint64_t>(node), first_underused_)),
      times_(MakeNodeTimes(sc, sched, offset_us)),
      summary_(summary) {}

bool SystemWriter::Write(const fs::path& out_dir, std::string* error) {
  const int64_t interval_us = static_cast<int64_t>(sc_.interval_ms) * 1000;
  const NodeTimes& nt = times_;
  size_t span_idx = 0;
  for (int64_t t = nt.job_start; t <= nt.job_end; t += interval_us) {
    while (span_idx + 1 < sched_.spans.size() && sched_.spans[span_idx].end_us + offset_us_ <= t) {
      ++span_idx;
    }
    Sample s;
    s.t = t;
    s.kind = sched_.spans[span_idx].kind;
    s.loading =
        s.kind == SpanKind::kIterInit || s.kind == SpanKind::kTrain || s.kind == SpanKind::kEval;
    s.init_frac =
        static_cast<double>(t - nt.job_start) / std::max<int64_t>(1, nt.init_end - nt.job_start);
    s.final_frac =
        static_cast<double>(t - nt.final_start) / std::max<int64_t>(1, nt.job_end - nt.final_start);
    AddSample(s);
  }
  for (const auto& [minute_s, data] : files_) {
    const fs::path path = out_dir / "system" / "incremental" / HourDir(minute_s) /
                          fmt::format("{}.{}.json", minute_s, node_id_);
    if (!WriteFile(path, data, summary_, error)) return false;
    ++summary_->system_files;
  }
  return true;
}

void SystemWriter::AddSample(const Sample& s) {
  // Group timestamps: the cpu group first, the other types a few ms later
  // (docs/formats.md 2.2); 100 ns ticks with a random sub-microsecond part.
  const int64_t base_ticks = s.t * 10 + static_cast<int64_t>(ns_.jitter.Uniform(3'000, 18'000));
  AddCpu(s, base_ticks);
  AddGpu(s, base_ticks + static_cast<int64_t>(ns_.jitter.Uniform(18'000, 42'000)));
  AddHost(s, base_ticks);
}

void SystemWriter::AddCpu(const Sample& s, int64_t ticks) {
  for (int c = 0; c < sc_.cpus; ++c) {
    Level level;
    double io_target;
    switch (s.kind) {
      case SpanKind::kInit:
        level = {12 + 18 * s.init_frac, 2, 45};
        io_target = 4;
        break;
      case SpanKind::kIterInit:
        level = {ns_.cpu_target[c] + 15, 20, 80};
        io_target = 2;
        break;
      case SpanKind::kTrain:
        level = {ns_.cpu_target[c], sc_.cpu_lo, sc_.cpu_hi};
        io_target = 0.8;
        break;
      case SpanKind::kEval:
        level = {ns_.cpu_target[c] * 0.7, sc_.cpu_lo * 0.6, sc_.cpu_hi * 0.8};
        io_target = 0.5;
        break;
      case SpanKind::kFinal:
      default:
        level = {8, 1, 20};
        io_target = 1.5;
        break;
    }
    if (s.loading && c < sc_.hot_cpus) {
      level = {(sc_.hot_cpu_lo + sc_.hot_cpu_hi) / 2, sc_.hot_cpu_lo, sc_.hot_cpu_hi};
    }
    const std::string cpu = fmt::format("cpu{}", c);
    Line(ticks, "cpu", cpu, "CPUUtilization", ns_.cpu[c].Next(level.target, level.lo, level.hi));
    const bool io_wait = s.loading && c < sc_.iowait_cpus;
    Line(ticks, "cpu", cpu, "I/OWaitPercentage",
         io_wait
             ? ns_.iowait[c].Next((sc_.iowait_lo + sc_.iowait_hi) / 2, sc_.iowait_lo, sc_.iowait_hi)
             : ns_.iowait[c].Next(io_target, 0, io_target * 3));
  }
}

void SystemWriter::AddGpu(const Sample& s, int64_t ticks) {
  for (int g = 0; g < sc_.gpus; ++g) {
    const Level level = GpuLevel(s, g);
    const std::string gpu = fmt::format("gpu{}", g);
    Line(ticks, "gpu", gpu, "GPUUtilization", ns_.gpu[g].Next(level.target, level.lo, level.hi));
    const double mem = GpuMemory(s, g);
    Line(ticks, "gpu", gpu, "GPUMemoryUtilization",
         mem > 0 ? ns_.gpu_mem[g].Next(mem, std::max(0.0, mem - 1.5), std::min(100.0, mem + 1.5))
                 : 0.0);
  }
}

Level SystemWriter::GpuLevel(const Sample& s, int g) const {
  const bool idle_gpu = g >= first_underused_;
  const bool ramped = s.t >= times_.ramp_start;
  Level level;
  switch (s.kind) {
    case SpanKind::kInit:
      level = {ramped ? 3 : 0.2, 0, ramped ? 8.0 : 1.0};
      break;
    case SpanKind::kIterInit:
      level = {idle_gpu ? 6.0 : 35.0, idle_gpu ? 2.0 : 20.0, idle_gpu ? 12.0 : 55.0};
      break;
    case SpanKind::kTrain:
      level = {ns_.gpu_target[g], idle_gpu ? sc_.idle_gpu_lo : sc_.busy_gpu_lo,
               idle_gpu ? sc_.idle_gpu_hi : sc_.busy_gpu_hi};
      break;
    case SpanKind::kEval:
      level = {idle_gpu ? 8 : ns_.gpu_target[g] - 22, idle_gpu ? 2.0 : 45.0,
               idle_gpu ? 15.0 : 82.0};
      break;
    case SpanKind::kFinal:
    default:
      if (!sc_.final_gpu_idle) {
        level = {22, 12, 35};
      } else if (s.final_frac < 0.3) {
        level = {4, 0, 9};
      } else {
        level = {0.3, 0, 1};
      }
      break;
  }
  if (sc_.gpus_starved && s.loading) level = {ns_.gpu_target[g], sc_.busy_gpu_lo, sc_.busy_gpu_hi};
  if (!s.loading) return level;
  // Per-GPU load (--gpu-scale, --gpu-offset); no random numbers are drawn
  // here, so the other series are unchanged.
  const auto scale_it = sc_.gpu_scale.find(g);
  const auto offset_it = sc_.gpu_offset.find(g);
  const double scale = scale_it == sc_.gpu_scale.end() ? 1.0 : scale_it->second;
  const double offset = offset_it == sc_.gpu_offset.end() ? 0.0 : offset_it->second;
  auto load = [&](double x) { return std::clamp(x * scale + offset, 0.0, 100.0); };
  return {load(level.target), load(level.lo), load(level.hi)};
}

// The memory plateau of GPU g with its leak steps, the ramp while the model
// is moved to the device, and 0 once the process exits.
double SystemWriter::GpuMemory(const Sample& s, int g) const {
  const int64_t interval_us = static_cast<int64_t>(sc_.interval_ms) * 1000;
  double mem = ns_.mem_plateau[g];
  for (const int64_t jump_us : times_.mem_jump_us) {
    // Each step completes over two samples.
    const double frac = static_cast<double>(s.t - jump_us) / static_cast<double>(2 * interval_us);
    mem += sc_.mem_jump_pct * std::clamp(frac + 0.5, 0.0, 1.0);
  }
  mem = std::min(mem, 99.0);
  if (s.t < times_.ramp_start) {
    mem = 0.0;
  } else if (s.t < times_.ramp_end) {
    mem *= static_cast<double>(s.t - times_.ramp_start) /
           static_cast<double>(times_.ramp_end - times_.ramp_start);
  }
  if (s.t > times_.job_end - 4 * kUsPerS) mem = 0.0;  // process exit frees the device
  return mem;
}

void SystemWriter::AddHost(const Sample& s, int64_t base_ticks) {
  int64_t ticks = base_ticks + static_cast<int64_t>(ns_.jitter.Uniform(42'000, 60'000));
  const bool init = s.kind == SpanKind::kInit, fin = s.kind == SpanKind::kFinal;
  const double mem_target = init ? 5 + 25 * s.init_frac : fin ? 30 - 18 * s.final_frac : 31;
  Line(ticks, "memory", "MemoryUsedPercent", "", ns_.memory.Next(mem_target, 2, 45));
  ticks += static_cast<int64_t>(ns_.jitter.Uniform(800, 3'000));
  const bool idle = init || fin;
  Line(ticks, "i/o", "IOPS", "", ns_.iops.Next(init ? 900 : fin ? 60 : 260, 0, 2000));
  Line(ticks, "i/o", "ReadThroughputInBytesPerSecond", "",
       ns_.read.Next(init  ? 9.5e7
                     : fin ? 2e5
                           : 5.5e7,
                     0, 2e8));
  Line(ticks, "i/o", "WriteThroughputInBytesPerSecond", "",
       ns_.write.Next(init  ? 7e7
                      : fin ? 4.5e7
                            : 2.5e5,
                      0, 1.2e8));
  ticks = base_ticks + static_cast<int64_t>(ns_.jitter.Uniform(95'000, 140'000));
  const bool multi_node = sc_.nodes > 1;
  const double alg_rx = init ? 6.5e7 : idle ? 3e4 : multi_node ? 3.2e8 : 4.5e4;
  const double alg_tx = fin ? 3.5e7 : idle ? 2e4 : multi_node ? 3.1e8 : 3e4;
  Line(ticks, "network", "ReceiveBytesPerSecond", "Algorithm",
       ns_.rx_alg.Next(alg_rx, 0, alg_rx * 1.6));
  Line(ticks, "network", "TransmitBytesPerSecond", "Algorithm",
       ns_.tx_alg.Next(alg_tx, 0, alg_tx * 1.6));
  Line(ticks, "network", "ReceiveBytesPerSecond", "Platform", ns_.rx_plat.Next(2.5e4, 0, 6e4));
  Line(ticks, "network", "TransmitBytesPerSecond", "Platform", ns_.tx_plat.Next(9e3, 0, 3e4));
}

void SystemWriter::Line(int64_t ts_ticks, std::string_view type, std::string_view name,
                        std::string_view dim, double value) {
  ts_ticks = RealisticTicks(ts_ticks);
  std::string& f = files_[ts_ticks / 10'000'000 / 60 * 60];
  fmt::format_to(std::back_inserter(f),
                 "{{\"Type\":\"{}\",\"Name\":\"{}\",\"Dimension\":\"{}\",\"Value\":", type, name,
                 dim);
  AppendFloat(Round2(value), &f);
  fmt::format_to(std::back_inserter(f), ",\"NodeId\":\"{}\",\"Timestamp\":", node_id_);
  AppendFloat(static_cast<double>(ts_ticks) / 1e7, &f);
  f.append("}\n");
  ++summary_->system_lines;
}

}  // namespace

bool WriteSystem(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 const fs::path& out_dir, Summary* summary, std::string* error) {
  return SystemWriter(sc, sched, node, offset_us, summary).Write(out_dir, error);
}

}  // namespace smr::samplegen
