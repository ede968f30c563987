// Synthetic SageMaker Debugger profiler output. Format references are to
// docs/formats.md; the trace writer mirrors smdebug's
// TimelineFileWriter (metadata block per file, phase pids numbered from 1 in
// order of first use in the file, "[\n" ... ",\n" ... "\n]", rotation after
// 60 s or at a UTC hour change, file named by the end time of the last event
// written).
#include "samples/generator/generator.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "samples/generator/prng.h"
#include "samples/generator/schedule.h"

namespace smr::samplegen {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Formatting helpers.

std::string HourDir(int64_t epoch_s) {
  const std::time_t tt = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour);
}

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

bool WriteFile(const fs::path& path, const std::string& data, Summary* summary,
               std::string* error) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error = fmt::format("creating {}: {}", path.parent_path().string(), ec.message());
    return false;
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) {
    *error = fmt::format("writing {}: failed", path.string());
    return false;
  }
  summary->bytes += static_cast<int64_t>(data.size());
  return true;
}

// ---------------------------------------------------------------------------
// Framework trace files (docs/formats.md 1.2, 3.1).

void AppendEvent(const Event& e, int pid_index, int64_t base_us, int64_t node_pid,
                 std::string* out) {
  auto o = std::back_inserter(*out);
  fmt::format_to(o, "{{\"name\": \"{}\", \"pid\": {}, \"ph\": \"X\", \"ts\": {}, \"dur\": {}, \"args\": {{",
                 e.name, pid_index, e.start_us - base_us, e.dur_us);
  switch (e.phase) {
    case kPhaseStepTrain:
    case kPhaseStepEval:
    case kPhaseForward:
      fmt::format_to(o, "\"pid\": {}, \"step_num\": \"{}\"", node_pid, e.a);
      break;
    case kPhaseIterInit:
      fmt::format_to(o, "\"pid\": {}, \"num_workers\": {}, \"pin_memory\": true", node_pid, e.a);
      break;
    case kPhaseIter:
      fmt::format_to(o, "\"pid\": {}", node_pid);
      break;
    case kPhaseWorker:
      fmt::format_to(o, "\"pid\": {}, \"worker_id\": {}", node_pid + e.b, e.a);
      break;
    case kPhaseCpuFunctions:
      fmt::format_to(o, "\"tid\": {}, \"step_num\": {}, \"device\": \"cpu\"", e.a, e.b);
      break;
    case kPhaseGpuFunctions:
      fmt::format_to(o,
                     "\"tid\": 0, \"step_num\": {}, \"event_name\": \"{}\", \"device\": 0, "
                     "\"start_cpu_thread\": 1, \"cpu_thread_start_time\": {}.0",
                     e.b, e.s, e.c);
      break;
    case kPhaseCount:
      break;
  }
  out->append("}},\n");
}

bool WriteTraces(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 int64_t node_pid, const fs::path& out_dir, Summary* summary,
                 std::string* error) {
  const std::string node_id = fmt::format("{}-algo-{}", node - 1, node);
  const int64_t base_us = sched.writer_base_us + offset_us;
  std::string buf;
  int pid_of_phase[kPhaseCount];
  bool open = false;
  int next_pid = 1;
  int64_t last_close_us = base_us;
  int64_t cur_hour = 0;
  int64_t last_end_us = 0;

  auto close = [&]() -> bool {
    // The writer replaces the trailing ",\n" by "\n]" (docs/formats.md 3.1).
    buf.resize(buf.size() - 2);
    buf.append("\n]");
    const fs::path path = out_dir / "framework" / "pevents" / HourDir(last_end_us / kUsPerS) /
                          fmt::format("{}_{}_pythontimeline.json", last_end_us, node_id);
    if (!WriteFile(path, buf, summary, error)) return false;
    ++summary->trace_files;
    open = false;
    last_close_us = last_end_us;
    return true;
  };

  for (const Event& src : sched.events) {
    if (src.phase == kPhaseCpuFunctions || src.phase == kPhaseGpuFunctions) {
      if (sc.gpus == 0 && src.phase == kPhaseGpuFunctions) continue;
    }
    Event e = src;
    e.start_us += offset_us;
    e.write_us += offset_us;
    if (e.phase == kPhaseGpuFunctions) e.c += offset_us;
    const int64_t end_us = e.start_us + e.dur_us;
    const int64_t hour = end_us / (3600 * kUsPerS);
    if (open && (hour != cur_hour || end_us - last_close_us > 60 * kUsPerS)) {
      if (!close()) return false;
    }
    if (!open) {
      buf.assign("[\n");
      std::fill(std::begin(pid_of_phase), std::end(pid_of_phase), 0);
      next_pid = 1;
      cur_hour = hour;
      open = true;
      fmt::format_to(std::back_inserter(buf),
                     "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": "
                     "{{\"start_time_since_epoch_in_micros\": {}}}}},\n"
                     "{{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": 0, \"args\": "
                     "{{\"sort_index\": 0}}}},\n",
                     base_us);
    }
    if (pid_of_phase[e.phase] == 0) {
      pid_of_phase[e.phase] = next_pid++;
      fmt::format_to(std::back_inserter(buf),
                     "{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {0}, \"args\": "
                     "{{\"name\": \"{1}\"}}}},\n"
                     "{{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": {0}, \"args\": "
                     "{{\"sort_index\": {0}}}}},\n",
                     pid_of_phase[e.phase], kPhaseNames[e.phase]);
    }
    AppendEvent(e, pid_of_phase[e.phase], base_us, node_pid, &buf);
    ++summary->trace_events;
    last_end_us = end_us;
  }
  if (open && !close()) return false;
  return true;
}

// ---------------------------------------------------------------------------
// System metrics (docs/formats.md 1.1, 2). Each series is a mean-reverting random
// walk around a phase-dependent target, folded back into its range.

class Series {
 public:
  Series(uint64_t seed, const std::string& name, double sigma)
      : rng_(SplitMix64::ForStream(seed, name)), sigma_(sigma) {}
  // Next value around `target`, kept inside [lo, hi].
  double Next(double target, double lo, double hi) {
    walk_ = 0.75 * walk_ + sigma_ * rng_.Noise();
    double v = target + walk_;
    if (v > hi) v = hi - std::min(hi - lo, (v - hi) * 0.5) * rng_.Uniform();
    if (v < lo) v = lo + std::min(hi - lo, (lo - v) * 0.5) * rng_.Uniform();
    return v;
  }
  double Uniform(double lo, double hi) { return rng_.Uniform(lo, hi); }

 private:
  SplitMix64 rng_;
  double sigma_;
  double walk_ = 0;
};

struct NodeSeries {
  std::vector<Series> cpu, iowait, gpu, gpu_mem;
  std::vector<double> cpu_target, gpu_target, mem_plateau;
  Series memory, iops, read, write, rx_alg, tx_alg, rx_plat, tx_plat, jitter;
};

bool WriteSystem(const Scenario& sc, const Schedule& sched, int node, int64_t offset_us,
                 const fs::path& out_dir, Summary* summary, std::string* error) {
  const std::string node_id = fmt::format("algo-{}", node);
  const uint64_t seed = sc.seed * 1000003ULL + static_cast<uint64_t>(node);
  auto series = [&](const std::string& name, double sigma) { return Series(seed, name, sigma); };
  NodeSeries ns{{}, {}, {}, {}, {}, {}, {},
                series("memory", 0.4), series("iops", 25), series("read", 5e6),
                series("write", 3e4), series("rx_alg", 1e4), series("tx_alg", 1e4),
                series("rx_plat", 6e3), series("tx_plat", 2e3), series("jitter", 1)};
  SplitMix64 levels = SplitMix64::ForStream(seed, "levels");
  for (int c = 0; c < sc.cpus; ++c) {
    ns.cpu.push_back(series(fmt::format("cpu{}", c), 4.0));
    ns.iowait.push_back(series(fmt::format("iowait{}", c), c < sc.iowait_cpus ? 5.0 : 0.6));
    ns.cpu_target.push_back(levels.Uniform(sc.cpu_lo + 5, sc.cpu_hi - 5));
  }
  // The last underused_gpus GPUs of the node are the underused ones (only on
  // nodes with at least two GPUs: one idle GPU alone is not an imbalance).
  const int first_underused = sc.gpus >= 2 ? sc.gpus - std::min(sc.underused_gpus, sc.gpus - 1) : sc.gpus;
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
  // Memory-leak steps (GPUMemoryIncrease): the start times of the EVAL
  // phases at which the plateau rises.
  std::vector<int64_t> mem_jump_us;
  for (const Span& span : sched.spans) {
    if (static_cast<int>(mem_jump_us.size()) >= sc.mem_jumps) break;
    if (span.kind == SpanKind::kEval &&
        span.start_us - sc.job_start_us >= static_cast<int64_t>(sc.mem_jump_after_s * kUsPerS)) {
      mem_jump_us.push_back(span.start_us + offset_us);
    }
  }

  const int64_t interval_us = static_cast<int64_t>(sc.interval_ms) * 1000;
  const int64_t job_start = sc.job_start_us + offset_us;
  const int64_t job_end = sched.job_end_us + offset_us;
  const int64_t init_end = sched.spans.front().end_us + offset_us;
  const int64_t final_start = sched.spans.back().start_us + offset_us;
  // GPU memory fills while the model is moved to the device, ramping over
  // tens of seconds (a jump would look like GPUMemoryIncrease).
  const int64_t ramp_start = init_end - std::min<int64_t>(45 * kUsPerS, (init_end - job_start) / 2);
  const int64_t ramp_end = init_end + 15 * kUsPerS;
  const bool multi_node = sc.nodes > 1;

  std::map<int64_t, std::string> files;  // epoch minute -> JSON lines
  size_t span_idx = 0;
  auto line = [&](int64_t ts_ticks, std::string_view type, std::string_view name,
                  std::string_view dim, double value) {
    ts_ticks = RealisticTicks(ts_ticks);
    std::string& f = files[ts_ticks / 10'000'000 / 60 * 60];
    fmt::format_to(std::back_inserter(f),
                   "{{\"Type\":\"{}\",\"Name\":\"{}\",\"Dimension\":\"{}\",\"Value\":", type, name,
                   dim);
    AppendFloat(Round2(value), &f);
    fmt::format_to(std::back_inserter(f), ",\"NodeId\":\"{}\",\"Timestamp\":", node_id);
    AppendFloat(static_cast<double>(ts_ticks) / 1e7, &f);
    f.append("}\n");
    ++summary->system_lines;
  };

  for (int64_t t = job_start; t <= job_end; t += interval_us) {
    while (span_idx + 1 < sched.spans.size() && sched.spans[span_idx].end_us + offset_us <= t) ++span_idx;
    const SpanKind kind = sched.spans[span_idx].kind;
    const double init_frac = static_cast<double>(t - job_start) / std::max<int64_t>(1, init_end - job_start);
    const double final_frac = static_cast<double>(t - final_start) / std::max<int64_t>(1, job_end - final_start);

    // Group timestamps: the cpu group first, the other types a few ms later
    // (docs/formats.md 2.2); 100 ns ticks with a random sub-microsecond part.
    const int64_t base_ticks = t * 10 + static_cast<int64_t>(ns.jitter.Uniform(3'000, 18'000));
    int64_t ticks = base_ticks;

    // cpu: CPUUtilization and I/OWaitPercentage per vCPU.
    const bool loading = kind == SpanKind::kIterInit || kind == SpanKind::kTrain || kind == SpanKind::kEval;
    for (int c = 0; c < sc.cpus; ++c) {
      double target, lo, hi, io_target;
      switch (kind) {
        case SpanKind::kInit: target = 12 + 18 * init_frac; lo = 2; hi = 45; io_target = 4; break;
        case SpanKind::kIterInit: target = ns.cpu_target[c] + 15; lo = 20; hi = 80; io_target = 2; break;
        case SpanKind::kTrain: target = ns.cpu_target[c]; lo = sc.cpu_lo; hi = sc.cpu_hi; io_target = 0.8; break;
        case SpanKind::kEval: target = ns.cpu_target[c] * 0.7; lo = sc.cpu_lo * 0.6; hi = sc.cpu_hi * 0.8; io_target = 0.5; break;
        case SpanKind::kFinal: default: target = 8; lo = 1; hi = 20; io_target = 1.5; break;
      }
      if (loading && c < sc.hot_cpus) {
        lo = sc.hot_cpu_lo;
        hi = sc.hot_cpu_hi;
        target = (lo + hi) / 2;
      }
      line(ticks, "cpu", fmt::format("cpu{}", c), "CPUUtilization", ns.cpu[c].Next(target, lo, hi));
      const bool io_wait = loading && c < sc.iowait_cpus;
      line(ticks, "cpu", fmt::format("cpu{}", c), "I/OWaitPercentage",
           io_wait ? ns.iowait[c].Next((sc.iowait_lo + sc.iowait_hi) / 2, sc.iowait_lo, sc.iowait_hi)
                   : ns.iowait[c].Next(io_target, 0, io_target * 3));
    }

    // gpu: GPUUtilization and GPUMemoryUtilization per device.
    ticks = base_ticks + static_cast<int64_t>(ns.jitter.Uniform(18'000, 42'000));
    for (int g = 0; g < sc.gpus; ++g) {
      const bool idle_gpu = g >= first_underused;
      double target, lo, hi;
      switch (kind) {
        case SpanKind::kInit:
          target = t >= ramp_start ? 3 : 0.2; lo = 0; hi = t >= ramp_start ? 8 : 1; break;
        case SpanKind::kIterInit:
          target = idle_gpu ? 6 : 35; lo = idle_gpu ? 2 : 20; hi = idle_gpu ? 12 : 55; break;
        case SpanKind::kTrain:
          target = ns.gpu_target[g];
          lo = idle_gpu ? sc.idle_gpu_lo : sc.busy_gpu_lo;
          hi = idle_gpu ? sc.idle_gpu_hi : sc.busy_gpu_hi;
          break;
        case SpanKind::kEval:
          target = idle_gpu ? 8 : ns.gpu_target[g] - 22; lo = idle_gpu ? 2 : 45; hi = idle_gpu ? 15 : 82; break;
        case SpanKind::kFinal: default:
          if (sc.final_gpu_idle) {
            target = final_frac < 0.3 ? 4 : 0.3; lo = 0; hi = final_frac < 0.3 ? 9 : 1;
          } else {
            target = 22; lo = 12; hi = 35;
          }
          break;
      }
      if (sc.gpus_starved && loading) {
        target = ns.gpu_target[g];
        lo = sc.busy_gpu_lo;
        hi = sc.busy_gpu_hi;
      }
      if (loading) {
        // Per-GPU load (--gpu-scale, --gpu-offset); no random numbers are
        // drawn here, so the other series are unchanged.
        const auto scale_it = sc.gpu_scale.find(g);
        const auto offset_it = sc.gpu_offset.find(g);
        const double scale = scale_it == sc.gpu_scale.end() ? 1.0 : scale_it->second;
        const double offset = offset_it == sc.gpu_offset.end() ? 0.0 : offset_it->second;
        auto load = [&](double x) { return std::clamp(x * scale + offset, 0.0, 100.0); };
        target = load(target);
        lo = load(lo);
        hi = load(hi);
      }
      line(ticks, "gpu", fmt::format("gpu{}", g), "GPUUtilization", ns.gpu[g].Next(target, lo, hi));
      double mem = ns.mem_plateau[g];
      for (const int64_t jump_us : mem_jump_us) {
        // Each step completes over two samples.
        const double frac = static_cast<double>(t - jump_us) / static_cast<double>(2 * interval_us);
        mem += sc.mem_jump_pct * std::clamp(frac + 0.5, 0.0, 1.0);
      }
      mem = std::min(mem, 99.0);
      if (t < ramp_start) {
        mem = 0.0;
      } else if (t < ramp_end) {
        mem *= static_cast<double>(t - ramp_start) / static_cast<double>(ramp_end - ramp_start);
      }
      if (t > job_end - 4 * kUsPerS) mem = 0.0;  // process exit frees the device
      line(ticks, "gpu", fmt::format("gpu{}", g), "GPUMemoryUtilization",
           mem > 0 ? ns.gpu_mem[g].Next(mem, std::max(0.0, mem - 1.5), std::min(100.0, mem + 1.5)) : 0.0);
    }

    // memory, i/o, network.
    ticks = base_ticks + static_cast<int64_t>(ns.jitter.Uniform(42'000, 60'000));
    const double mem_target = kind == SpanKind::kInit ? 5 + 25 * init_frac
                              : kind == SpanKind::kFinal ? 30 - 18 * final_frac : 31;
    line(ticks, "memory", "MemoryUsedPercent", "", ns.memory.Next(mem_target, 2, 45));
    ticks += static_cast<int64_t>(ns.jitter.Uniform(800, 3'000));
    const bool init = kind == SpanKind::kInit, fin = kind == SpanKind::kFinal;
    const bool idle = init || fin;
    line(ticks, "i/o", "IOPS", "", ns.iops.Next(init ? 900 : fin ? 60 : 260, 0, 2000));
    line(ticks, "i/o", "ReadThroughputInBytesPerSecond", "",
         ns.read.Next(init ? 9.5e7 : fin ? 2e5 : 5.5e7, 0, 2e8));
    line(ticks, "i/o", "WriteThroughputInBytesPerSecond", "",
         ns.write.Next(init ? 7e7 : fin ? 4.5e7 : 2.5e5, 0, 1.2e8));
    ticks = base_ticks + static_cast<int64_t>(ns.jitter.Uniform(95'000, 140'000));
    const double alg_rx = init ? 6.5e7 : idle ? 3e4 : multi_node ? 3.2e8 : 4.5e4;
    const double alg_tx = fin ? 3.5e7 : idle ? 2e4 : multi_node ? 3.1e8 : 3e4;
    line(ticks, "network", "ReceiveBytesPerSecond", "Algorithm", ns.rx_alg.Next(alg_rx, 0, alg_rx * 1.6));
    line(ticks, "network", "TransmitBytesPerSecond", "Algorithm", ns.tx_alg.Next(alg_tx, 0, alg_tx * 1.6));
    line(ticks, "network", "ReceiveBytesPerSecond", "Platform", ns.rx_plat.Next(2.5e4, 0, 6e4));
    line(ticks, "network", "TransmitBytesPerSecond", "Platform", ns.tx_plat.Next(9e3, 0, 3e4));
  }

  for (const auto& [minute_s, data] : files) {
    const fs::path path = out_dir / "system" / "incremental" / HourDir(minute_s) /
                          fmt::format("{}.{}.json", minute_s, node_id);
    if (!WriteFile(path, data, summary, error)) return false;
    ++summary->system_files;
  }
  return true;
}

}  // namespace

bool Generate(const Scenario& sc, const std::string& out_dir_str, Summary* summary,
              std::string* error) {
  const fs::path out_dir(out_dir_str);
  std::error_code ec;
  for (const char* sub : {"system", "framework"}) {
    fs::remove_all(out_dir / sub, ec);
    if (ec) {
      *error = fmt::format("removing {}: {}", (out_dir / sub).string(), ec.message());
      return false;
    }
  }
  const Schedule sched = BuildSchedule(sc);
  summary->steps = sched.steps;
  summary->seconds = static_cast<double>(sched.job_end_us - sc.job_start_us) / kUsPerS;
  summary->first_step_after_s =
      sched.first_step_us < 0 ? -1 : static_cast<double>(sched.first_step_us - sc.job_start_us) / kUsPerS;
  SplitMix64 node_rng = SplitMix64::ForStream(sc.seed, "nodes");
  for (int node = 1; node <= sc.nodes; ++node) {
    // Nodes start within a second of each other; steps stay in lock-step
    // up to a few ms (data-parallel all-reduce).
    const int64_t offset_us = node == 1 ? 0 : node_rng.Int(500, 4'000);
    const int64_t node_pid = node_rng.Int(90, 400);
    if (!WriteSystem(sc, sched, node, offset_us, out_dir, summary, error)) return false;
    if (!WriteTraces(sc, sched, node, offset_us, node_pid, out_dir, summary, error)) return false;
  }
  return true;
}

}  // namespace smr::samplegen