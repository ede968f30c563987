// The Kineto importer on traces written by the sample generator
// (samples/generator/kineto_gen.h): an explicit list of events with
// hand-computed values, and the generated jobs (current and legacy form),
// whose event counts follow from the scenario (see the comments).
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "samples/generator/kineto_gen.h"
#include "smr/ingest.h"
#include "smr/kineto.h"

namespace smr {
namespace {

using samplegen::KinetoGenEvent;
using samplegen::KinetoGenFile;
using samplegen::KinetoScenario;

MetricStore Import(const std::string& text, Diagnostics* diag) {
  InputFile f;
  f.rel_path = "rank-0.pt.trace.json";
  f.kind = FileKind::kKineto;
  StoreBuilder b;
  ImportKinetoTrace(f, text, &b, diag);
  return b.Build();
}

TEST(KinetoGeneratedTest, ExplicitEventsRoundTrip) {
  KinetoGenFile f;
  f.base_time_ns = 1700000000000000000;
  f.rank = 1;
  f.world_size = 2;
  f.devices = {{0, "NVIDIA A100"}};
  // A launch at base + 1.000250 ms and its kernel 0.5 µs later for 2.25 µs.
  f.events.push_back({'X', "cuda_runtime", "cudaLaunchKernel", "10", "11", 1700000000001000250,
                      5000, "\"correlation\": 3", ""});
  f.events.push_back({'X', "kernel", "k", "0", "7", 1700000000001005750, 2250,
                      "\"device\": 0, \"stream\": 7, \"correlation\": 3", ""});
  f.events.push_back({'s', "ac2g", "ac2g", "10", "11", 1700000000001000250, 0, "", "\"id\": 3"});
  Diagnostics diag;
  const MetricStore store = Import(samplegen::KinetoTraceText(f), &diag);
  ASSERT_EQ(store.kineto().size(), 1u);
  const KinetoTrace& t = store.kineto()[0];
  EXPECT_EQ(diag.total(), 0);
  EXPECT_EQ(t.rank, 1);
  EXPECT_EQ(t.world_size, 2);
  EXPECT_EQ(t.base_time_ns, 1700000000000000000);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events.start_ns, (std::vector<int64_t>{1700000000001000250, 1700000000001005750}));
  EXPECT_EQ(t.events.dur_ns, (std::vector<int64_t>{5000, 2250}));
  EXPECT_EQ(t.events.correlation, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(t.counts.flows, 1);
  // Legacy form: integer µs, so the same events lose their sub-µs part.
  f.legacy = true;
  const MetricStore legacy = Import(samplegen::KinetoTraceText(f), &diag);
  const KinetoTrace& l = legacy.kineto()[0];
  EXPECT_EQ(l.base_time_ns, 0);
  EXPECT_EQ(l.events.start_ns, (std::vector<int64_t>{1700000000001000000, 1700000000001005000}));
  EXPECT_EQ(l.events.dur_ns, (std::vector<int64_t>{5000, 2000}));
}

// Per step and rank the job writes 390 complete events on numeric pids:
// the DataLoader op, aten::to and the copy's runtime call and memcpy (4);
// 120 compute kernels as op + cudaLaunchKernel + kernel (360); the memset
// as op + runtime + memset (3); the all-reduce as op + runtime + NCCL
// kernel (3); cudaStreamSynchronize (1); 8 optimizer kernels with their
// launches and the optimizer op (17); ProfilerStep#N on the host and, in
// the current form only, on the GPU (2 or 1). GPU activity: 1 memcpy + 120
// + 1 memset + 1 NCCL + 8 = 131 events with 131 launches (262 flows); 2
// [memory] instants. Per file: 5 metadata events and 3 on string pids.
void ExpectJob(const KinetoScenario& sc, int64_t per_step) {
  const std::vector<KinetoGenFile> files = samplegen::MakeKinetoJob(sc);
  ASSERT_EQ(files.size(), static_cast<size_t>(sc.ranks));
  for (int r = 0; r < sc.ranks; ++r) {
    SCOPED_TRACE(r);
    Diagnostics diag;
    const MetricStore store =
        Import(samplegen::KinetoTraceText(files[static_cast<size_t>(r)]), &diag);
    ASSERT_EQ(store.kineto().size(), 1u);
    const KinetoTrace& t = store.kineto()[0];
    EXPECT_EQ(diag.total(), 0);
    EXPECT_EQ(t.legacy, sc.legacy);
    EXPECT_EQ(t.relative_timestamps, !sc.legacy);
    EXPECT_EQ(t.rank, r);
    EXPECT_EQ(t.world_size, sc.ranks);
    EXPECT_EQ(t.counts.complete, per_step * sc.steps);
    EXPECT_EQ(t.counts.memory, 2 * sc.steps);
    EXPECT_EQ(t.counts.flows, 262 * sc.steps);
    EXPECT_EQ(t.counts.metadata, 5);
    EXPECT_EQ(t.counts.non_thread, 3);
    EXPECT_EQ(t.counts.unknown_category, 0);
    int64_t gpu = 0, steps = 0;
    for (size_t i = 0; i < t.events.size(); ++i) {
      if (IsGpuActivity(t.events.category[i])) ++gpu;
      if (t.str(t.events.name[i]).starts_with("ProfilerStep#") &&
          IsHostCategory(t.events.category[i])) {
        ++steps;
      }
    }
    EXPECT_EQ(gpu, 131 * sc.steps);
    EXPECT_EQ(steps, sc.steps);
  }
}

TEST(KinetoGeneratedTest, CurrentJobImportsCleanly) {
  KinetoScenario sc;
  sc.steps = 3;
  sc.straggler_rank = 1;
  ExpectJob(sc, 390);
}

TEST(KinetoGeneratedTest, LegacyJobImportsCleanly) {
  KinetoScenario sc;
  sc.legacy = true;
  sc.steps = 2;
  sc.ranks = 3;
  sc.exposed_nccl = true;
  ExpectJob(sc, 389);
}

}  // namespace
}  // namespace smr
