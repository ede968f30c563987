// Generate() (generator.h): the schedule of the job, then for every node its
// system-metric files (system_writer.cc) and framework trace files
// (trace_writer.cc), each node a little offset from the first.
#include "samples/generator/generator.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "samples/generator/prng.h"
#include "samples/generator/schedule.h"
#include "samples/generator/writers.h"

namespace smr::samplegen {

namespace fs = std::filesystem;

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
      sched.first_step_us < 0
          ? -1
          : static_cast<double>(sched.first_step_us - sc.job_start_us) / kUsPerS;
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
