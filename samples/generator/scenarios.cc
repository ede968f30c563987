// The named scenarios of the sample generator (smr-sample-gen --scenario):
// each is the default Scenario with a few fields changed, chosen so that one
// rule (docs/formats.md section 4) fires, or none.
#include <cstdint>
#include <string_view>

#include "samples/generator/generator.h"

namespace smr::samplegen {
namespace {

// 2024-06-14 08:41:07 UTC: the default job crosses the 09:00 hour boundary,
// so both the system and the framework writers change hour directory.
constexpr int64_t kDefaultJobStartUs = 1'718'354'467'000'000 + 231'954;

// The defaults of the struct.
void MakeDefault(Scenario*) {}

// The healthy job: every GPU busy, short finalization (fewer than the 25
// samples that would put p5 of a 500-sample window below 10 %).
void MakeHealthy(Scenario* sc) {
  sc->init_s = 100;
  sc->final_s = 6;
  sc->underused_gpus = 0;
  // Busy at 75-96 % around per-GPU targets only 1 point apart (87-88 %):
  // equally loaded GPUs have near-identical histograms, so LoadBalancing's
  // pairwise distance stays far below 0.2 for any seed (a 4-point spread
  // reached 0.205 with seed 3).
  sc->busy_gpu_lo = 75;
  sc->busy_gpu_hi = 96;
  sc->cpu_lo = 35;
  sc->cpu_hi = 65;
  sc->train_step_ms = 120;
  sc->eval_step_ms = 45;
}

// An input-bound job: the GPUs wait for data in every phase (1-9 %), 20 min,
// short init and finalization so most samples show the bottleneck.
void MakeStarved(Scenario* sc) {
  sc->minutes = 20;
  sc->init_s = 60;
  sc->final_s = 8;
  sc->underused_gpus = 0;
  sc->gpus_starved = true;
  sc->busy_gpu_lo = 1;
  sc->busy_gpu_hi = 9;
  // Short GPU steps: 8 workers then start a batch each about every 0.6 s,
  // ~9 loader processes per second on 8 vCPUs (Dataloader stays quiet).
  sc->train_step_ms = 120;
  sc->eval_step_ms = 45;
}

// First step 25.5 min after the start: MaxInitializationTime (20 min).
void MakeLongInit(Scenario* sc) {
  sc->minutes = 32;
  sc->init_s = 25.5 * 60;
  sc->final_s = 20;
  sc->underused_gpus = 0;
  sc->train_epoch_s = 150;
}

// A CPU-only instance: no GPU series, no gpu_functions events.
void MakeCpuOnly(Scenario* sc) {
  sc->gpus = 0;
  sc->minutes = 20;
  sc->init_s = 90;
  sc->final_s = 15;
  sc->cpu_lo = 55;
  sc->cpu_hi = 85;
  sc->train_step_ms = 320;
  sc->eval_step_ms = 110;
  sc->first_step_s = 1.2;
  sc->num_workers = 4;
  sc->detailed_num_steps = 40;
}

// Heavy augmentation in the loader workers: 6 of 8 vCPUs pinned above 90 %,
// the GPUs below 10 % (CPUBottleneck, section 4.3). The average CPU stays
// above 70 %, so BatchSize does not look at the GPUs.
void MakeCpuBottleneck(Scenario* sc) {
  MakeStarved(sc);
  sc->hot_cpus = 6;
}

// Small files read from network storage: 6 of 8 vCPUs wait on I/O 55-85 % of
// the time while the GPUs sit below 10 % (IOBottleneck, section 4.4). The
// model fills the GPU memory (72-80 %), so BatchSize (which needs GPU memory
// p95 < 70) stays quiet.
void MakeIoBottleneck(Scenario* sc) {
  MakeStarved(sc);
  sc->iowait_cpus = 6;
  sc->cpu_lo = 20;
  sc->cpu_hi = 45;
  sc->busy_mem_lo = 72;
  sc->busy_mem_hi = 80;
}

// A leak: validation outputs kept on the device, so the caching allocator
// grabs a large new segment at the start of each EVAL phase after 10 min:
// 14-18 % -> ~54 % -> ~92 % (GPUMemoryIncrease, 4.5).
void MakeMemoryGrowth(Scenario* sc) {
  MakeHealthy(sc);
  sc->busy_mem_lo = 14;
  sc->busy_mem_hi = 18;
  sc->mem_jumps = 2;
  sc->mem_jump_pct = 38;
  sc->mem_jump_after_s = 600;
}

// gpu2 and gpu3 get a smaller share of the work (10-35 %) while gpu0/1 stay
// busy (LoadBalancing, 4.7). All four hold the same replica, so their memory
// is alike (72-78 %) and BatchSize stays quiet.
void MakeImbalance(Scenario* sc) {
  MakeHealthy(sc);
  sc->underused_gpus = 2;
  sc->idle_gpu_lo = 10;
  sc->idle_gpu_hi = 35;
  sc->busy_mem_lo = sc->idle_mem_lo = 72;
  sc->busy_mem_hi = sc->idle_mem_hi = 78;
}

// Every 60th TRAIN step writes a synchronous checkpoint and takes 4-7x the
// mean step (StepOutlier, 4.6).
void MakeStepOutliers(Scenario* sc) {
  MakeHealthy(sc);
  sc->outlier_every = 60;
}

// One DataLoader worker on a 16-vCPU, 1-GPU instance: it keeps up with the
// GPU, but only ~2 processes load data per second (Dataloader, 4.8).
void MakeFewLoaders(Scenario* sc) {
  MakeHealthy(sc);
  sc->gpus = 1;
  sc->cpus = 16;
  sc->num_workers = 1;
}

// The healthy job on 2 nodes x 4 GPUs (algo-1, algo-2), except for a 40 s
// finalization (model upload) with idle GPUs: the last windows of every GPU
// on both nodes fluctuate (p95 > 70, p5 < 10), so LowGPUUtilization has
// per-node Details.
// 6 DataLoader workers per node: the Dataloader rule counts the loader
// processes of all nodes in one per-second bucket against the vCPUs of one
// node, so 2 x (6 workers + main) = 14 stays within 70-200 % of 8.
void MakeMultiNode(Scenario* sc) {
  MakeHealthy(sc);
  sc->nodes = 2;
  sc->final_s = 40;
  sc->num_workers = 6;
}

struct NamedScenario {
  std::string_view name;
  void (*make)(Scenario*);
};

// In the order of --help.
constexpr NamedScenario kScenarios[] = {
    {"default", MakeDefault},
    {"healthy", MakeHealthy},
    {"long-init", MakeLongInit},
    {"cpu-only", MakeCpuOnly},
    {"cpu-bottleneck", MakeCpuBottleneck},
    {"io-bottleneck", MakeIoBottleneck},
    {"memory-growth", MakeMemoryGrowth},
    {"imbalance", MakeImbalance},
    {"step-outliers", MakeStepOutliers},
    {"few-loaders", MakeFewLoaders},
    {"multi-node", MakeMultiNode},
};

}  // namespace

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const NamedScenario& s : kScenarios) names.emplace_back(s.name);
  return names;
}

bool MakeScenario(const std::string& name, Scenario* out) {
  for (const NamedScenario& s : kScenarios) {
    if (s.name != name) continue;
    Scenario sc;
    sc.name = name;
    sc.job_start_us = kDefaultJobStartUs;
    s.make(&sc);
    *out = sc;
    return true;
  }
  return false;
}

}  // namespace smr::samplegen
