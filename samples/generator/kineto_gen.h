// smr-sample-gen --scenario kineto / kineto-legacy: synthetic PyTorch-
// profiler (Kineto) traces of a data-parallel job, one file per rank
// (rank-N.pt.trace.json.gz), in the exact shape torch.profiler writes
// (docs/formats.md "Kineto"):
//  - current (2024+): an object with schemaVersion, deviceProperties,
//    distributedInfo and traceEvents (cpu_op, user_annotation
//    ProfilerStep#N, cuda_runtime cudaLaunchKernel, kernel, gpu_memcpy,
//    gpu_memset, ac2g flows, [memory] instants, process_name metadata,
//    "Spans"/"Traces" spans), ts relative to a baseTimeNanoseconds written
//    after the events, µs with 3 decimals;
//  - legacy (2021): categories Operator/Runtime/Kernel/Memcpy/Memset,
//    string tids ("4093", "stream 7"), "async"/"launch" flows, absolute
//    integer µs, no base time.
// Like the rest of the generator it does not use sm-report's code.
//
// WriteKinetoTrace writes any explicit list of events, so tests can build
// tiny traces whose analysis results they compute by hand.
#ifndef SMR_SAMPLES_GENERATOR_KINETO_GEN_H_
#define SMR_SAMPLES_GENERATOR_KINETO_GEN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smr::samplegen {

// One event as written.
struct KinetoGenEvent {
  char ph = 'X';
  std::string cat;  // "" = no cat field
  std::string name;
  std::string pid = "0";  // raw JSON: 1234, "\"Spans\""
  std::string tid = "0";  // raw JSON: 7, "\"stream 7\"", "\"4093\""
  int64_t ts_ns = 0;      // epoch ns
  int64_t dur_ns = 0;     // X events only
  std::string args;       // raw JSON members without braces ("" = no args)
  std::string extra;      // raw JSON members added to the event ("\"id\": 5, \"bp\": \"e\"")
};

struct KinetoGenFile {
  bool legacy = false;      // integer absolute µs; no base time
  bool bare_array = false;  // top level is the events array alone
  // Current form: ts written relative to this (µs with 3 decimals) and the
  // key written after traceEvents; 0 = absolute µs with 3 decimals.
  int64_t base_time_ns = 0;
  int rank = -1;  // distributedInfo (not written when < 0)
  int world_size = -1;
  std::string backend = "nccl";
  std::vector<std::pair<int, std::string>> devices;  // deviceProperties (id, name)
  std::vector<KinetoGenEvent> events;
};

// The JSON text of a trace.
std::string KinetoTraceText(const KinetoGenFile& file);
// Writes it to `path`, gzip-compressed when the path ends with ".gz".
bool WriteKinetoTrace(const KinetoGenFile& file, const std::string& path, std::string* error);

// The simulated job.
struct KinetoScenario {
  bool legacy = false;
  int ranks = 2;
  int steps = 10;
  uint64_t seed = 1;
  int64_t start_ns = 1735632364123456789;  // first step start (epoch ns)
  int kernels_per_step = 120;              // forward + backward compute kernels
  int64_t kernel_ns = 150'000;             // mean compute kernel
  int64_t launch_gap_ns = 25'000;          // host time per operator (launch included)
  // Rank `straggler_rank` (-1: none) runs its compute kernels
  // `straggler_factor` times longer; the others wait in the all-reduce.
  int straggler_rank = -1;
  double straggler_factor = 1.5;
  // Every step first waits this long for the next batch
  // (enumerate(DataLoader)...__next__), with the GPU idle.
  int64_t dataloader_stall_ns = 0;
  // Many tiny kernels: the GPU waits for the host's launches.
  bool small_kernels = false;
  // The all-reduce starts after the last backward kernel instead of
  // overlapping the backward pass.
  bool exposed_nccl = false;
  int64_t allreduce_ns = 2'000'000;
};

struct KinetoSummary {
  int files = 0;
  int64_t events = 0;  // X events, all ranks
  int64_t bytes = 0;   // written (compressed)
  std::vector<std::string> paths;
};

// All ranks of the job (simulated together: an all-reduce ends when the
// last rank reached it).
std::vector<KinetoGenFile> MakeKinetoJob(const KinetoScenario& sc);
// Writes <out_dir>/rank-N.pt.trace.json.gz for every rank.
bool GenerateKineto(const KinetoScenario& sc, const std::string& out_dir, KinetoSummary* summary,
                    std::string* error);

}  // namespace smr::samplegen

#endif  // SMR_SAMPLES_GENERATOR_KINETO_GEN_H_
