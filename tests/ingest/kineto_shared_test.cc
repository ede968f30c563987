// The Kineto importer on the 22 real PyTorch-profiler traces of the shared
// folder kineto-traces/ (shared-data tests: they run only when that folder
// exists; the traces are not the project's and are never copied here).
//
// The expected numbers were computed outside sm-report with Python's json
// and gzip modules (numbers read as decimal.Decimal, so ts/dur are exact):
// per file, the elements of the events array and how many are X events
// with a numeric pid (kept), [memory] instants, flows (ph s/f/t), metadata
// (ph M), events on string pids ("Spans", "Traces", ""), X events of a
// category outside the known list, GPU events (kernel/memcpy/memset and
// their legacy names), legacy `Operator` events, the sum of all start
// times in ns (base added) modulo 2^64 and the sum of all durations in ns.
// They agree with docs/kineto-variations.md where it lists them (events,
// GPU events, the legacy category counts of #36-#38, [memory] counts).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/kineto.h"
#include "tests/testing/files.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

const fs::path kTraces = fs::path(SMR_SHARED_DIR) / "kineto-traces";

struct Expected {
  const char* path;
  int64_t events_read, complete, memory, flows, metadata, non_thread, unknown_category, gpu,
      legacy_ops;
  uint64_t sum_start_ns;  // modulo 2^64
  int64_t sum_dur_ns;
  int64_t rank;
  int64_t base_time_ns;
};

const Expected kExpected[] = {
    {"facebookresearch__HolisticTraceAnalysis/tests/data/amd_trace/"
     "mi250_minitoy_train_ROCm6_2_kineto.json.gz",
     220, 112, 0, 45, 60, 3, 0, 16, 0, 10394194578750614045u, 42514388, -1, 1735632360000000000},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/cpu_only/"
     "rank-34.Jul_15_10_52_41.1074.pt.trace.json.gz",
     30, 15, 0, 0, 12, 3, 0, 0, 0, 7369245329741380420u, 2345569044, 34, 1719853884000000000},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/critical_path/alexnet/"
     "benchmark_result_2869224_1695835535_trace.json.gz",
     1408, 867, 0, 500, 38, 3, 0, 98, 0, 12996664852257832336u, 264325926000, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/critical_path/cuda_event_sync/"
     "event_sync_trace.json.gz",
     92, 32, 0, 21, 36, 3, 0, 5, 0, 17743872668966195768u, 8131000, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/cupti_profiler/"
     "benchmark_result_924719_1679055439_trace.json.gz",
     4222, 2322, 0, 1862, 33, 5, 77, 0, 0, 6503770263613673024u, 88744374000, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/df_index_resolver/"
     "df_index_resolver.json.gz",
     216092, 123378, 28010, 64663, 38, 3, 0, 22290, 0, 1334074034317142512u, 7510265000, 1, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/distributed_info_unavailable/"
     "distributed_info_not_found.json.gz",
     2467, 2467, 0, 0, 0, 0, 0, 0, 0, 3011757924902111248u, 250549000, -1, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/mtia_inference_trace/"
     "mtia_inference_rank_0.json.gz",
     16158, 14178, 0, 1801, 176, 3, 2136, 0, 0, 14481809537270724131u, 7250279280, -1,
     1767189312000000000},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/nccl_parser_config/nccl_data.json.gz",
     40573, 26932, 0, 13600, 38, 3, 0, 3774, 0, 17619023850203062091u, 3687177487, 0,
     1711964646000000000},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/negative_queue_length_values_check/"
     "rank0.json.gz",
     108936, 67216, 0, 41671, 46, 3, 0, 7747, 0, 10170313626348451456u, 6663831000, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/ns_resolution_trace/"
     "rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz",
     68692, 45419, 0, 23234, 36, 3, 0, 6095, 0, 13180947805886164754u, 2858337598, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/trace_diff/control/control.json.gz",
     109123, 74936, 0, 34142, 42, 3, 0, 9450, 0, 5313681366820678232u, 2665823000, 3, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/trace_diff/test/test.json.gz", 105167,
     68323, 0, 36799, 42, 3, 0, 15632, 0, 8912081284552788520u, 4963984000, 1, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/trace_filter/sampled_rank-0.json.gz", 4855,
     4810, 0, 0, 44, 1, 0, 1204, 0, 14237668010341761192u, 4549683000, 0, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/trace_filter/sampled_rank-1.json.gz", 4720,
     4675, 0, 0, 44, 1, 0, 1154, 0, 8430600571495449584u, 4654568000, 1, 0},
    {"facebookresearch__HolisticTraceAnalysis/tests/data/triton_example/triton_example.json.gz", 71,
     7, 0, 3, 58, 3, 0, 1, 0, 12111097537678133957u, 13337866546, -1, 1727743122000000000},
    {"facebookresearch__param/et_replay/tests/inputs/resnet_kineto.json.gz", 111631, 75547, 0,
     36041, 40, 3, 0, 10113, 0, 16322944102675415128u, 34780124000, -1, 0},
    {"pytorch__kineto/docs/traces/after_fix_trace.json", 75, 8, 0, 4, 60, 3, 0, 1, 0,
     14201336491105622580u, 160, -1, 1775078550000000000},
    {"pytorch__kineto/docs/traces/before_fix_trace.json", 75, 8, 0, 4, 60, 3, 0, 1, 0,
     14201335901528814292u, 160, -1, 1775078550000000000},
    {"pytorch__kineto/plugin/samples/resnet50_num_workers_0/worker0.pt.trace.json.gz", 82276, 63165,
     0, 19089, 20, 2, 0, 9927, 42438, 6521963325098017768u, 5612187000, -1, 0},
    {"pytorch__kineto/tb_plugin/samples/resnet50_num_workers_0/"
     "worker0.1623143089861.pt.trace.json.gz",
     75718, 44665, 12838, 18192, 20, 3, 0, 9096, 23646, 1961092463501452120u, 3858522000, -1, 0},
    {"pytorch__kineto/tb_plugin/samples/resnet50_profiler_api_num_workers_0/"
     "worker0.pt.trace.json.gz",
     73639, 54319, 0, 19297, 20, 3, 0, 10015, 33384, 17493099379163284544u, 4002618000, -1, 0},
};

// The store holding the file's one trace (store.kineto()[0]).
MetricStore ImportOne(const std::string& rel, Diagnostics* diag) {
  InputFile f;
  f.path = (kTraces / rel).string();
  f.rel_path = rel;
  f.kind = FileKind::kKineto;
  StoreBuilder b;
  ImportKinetoTrace(f, testing::ReadFile(kTraces / rel), &b, diag);
  MetricStore store = b.Build();
  EXPECT_EQ(store.kineto().size(), 1u);
  return store;
}

TEST(KinetoSharedTest, EveryRealTraceImportsWithTheIndependentCounts) {
  if (!fs::is_directory(kTraces)) GTEST_SKIP() << "no " << kTraces;
  ASSERT_EQ(std::size(kExpected), 22u);
  for (const Expected& x : kExpected) {
    SCOPED_TRACE(x.path);
    Diagnostics diag;
    const MetricStore store = ImportOne(x.path, &diag);
    ASSERT_EQ(store.kineto().size(), 1u);
    const KinetoTrace& t = store.kineto()[0];
    const KinetoCounts& c = t.counts;
    EXPECT_EQ(diag.total(), 0);
    EXPECT_EQ(c.skipped, 0);
    EXPECT_EQ(c.events_read, x.events_read);
    EXPECT_EQ(c.complete, x.complete);
    EXPECT_EQ(static_cast<int64_t>(t.events.size()), x.complete);
    EXPECT_EQ(c.memory, x.memory);
    EXPECT_EQ(static_cast<int64_t>(t.memory.size()), x.memory);
    EXPECT_EQ(c.flows, x.flows);
    EXPECT_EQ(c.metadata, x.metadata);
    EXPECT_EQ(c.non_thread, x.non_thread);
    EXPECT_EQ(c.unknown_category, x.unknown_category);
    // Every element is in exactly one bucket (no other instants or phases
    // occur on a numeric pid in these files).
    EXPECT_EQ(c.other_instants, 0);
    EXPECT_EQ(c.other_phases, 0);
    int64_t gpu = 0, ops = 0;
    uint64_t sum_start = 0;
    int64_t sum_dur = 0;
    for (size_t i = 0; i < t.events.size(); ++i) {
      if (IsGpuActivity(t.events.category[i])) ++gpu;
      if (t.str(t.events.raw_category[i]) == "Operator") ++ops;
      sum_start += static_cast<uint64_t>(t.events.start_ns[i]);
      sum_dur += t.events.dur_ns[i];
    }
    EXPECT_EQ(gpu, x.gpu);
    EXPECT_EQ(ops, x.legacy_ops);
    EXPECT_EQ(t.legacy, x.legacy_ops > 0);
    EXPECT_EQ(sum_start, x.sum_start_ns);
    EXPECT_EQ(sum_dur, x.sum_dur_ns);
    EXPECT_EQ(t.rank, x.rank);
    EXPECT_EQ(t.base_time_ns, x.base_time_ns);
    EXPECT_EQ(t.relative_timestamps, x.base_time_ns != 0);
  }
}

TEST(KinetoSharedTest, ExactNanosecondsOfFractionalAbsoluteAndRelativeTraces) {
  if (!fs::is_directory(kTraces)) GTEST_SKIP() << "no " << kTraces;
  const std::string hta = "facebookresearch__HolisticTraceAnalysis/tests/data/";
  Diagnostics diag;
  // #19: absolute µs with 3 decimals ("ts": 1712195495519689.047,
  // "dur": 63.813 on the first X event; kept events 23980 and 45384 are
  // kernels on stream 7).
  const MetricStore ns_store =
      ImportOne(hta + "ns_resolution_trace/rank-0.Apr_03_18_51_38.1102.pt.trace.json.gz", &diag);
  ASSERT_EQ(ns_store.kineto().size(), 1u);
  const KinetoTrace& ns = ns_store.kineto()[0];
  ASSERT_EQ(ns.events.size(), 45419u);
  EXPECT_EQ(ns.events.start_ns[0], 1712195495519689047);
  EXPECT_EQ(ns.events.dur_ns[0], 63813);
  EXPECT_EQ(ns.str(ns.events.name[0]), "autograd::engine::evaluate_function: DivBackward1");
  EXPECT_EQ(ns.events.start_ns[23980], 1712195495505582988);
  EXPECT_EQ(ns.events.dur_ns[23980], 4928);
  EXPECT_EQ(ns.events.stream[23980], 7);
  EXPECT_EQ(ns.events.correlation[23980], 135071);
  EXPECT_EQ(ns.events.start_ns[45384], 1712195495985358440);
  EXPECT_EQ(ns.events.dur_ns[45384], 253727);
  // #17: relative µs + baseTimeNanoseconds 1711964646000000000
  // ("ts": 4458676522690.655 -> 1716423322522690655 ns).
  const MetricStore rel_store = ImportOne(hta + "nccl_parser_config/nccl_data.json.gz", &diag);
  ASSERT_EQ(rel_store.kineto().size(), 1u);
  const KinetoTrace& rel = rel_store.kineto()[0];
  ASSERT_EQ(rel.events.size(), 26932u);
  EXPECT_EQ(rel.events.start_ns[0], 1716423322522690655);
  EXPECT_EQ(rel.events.dur_ns[0], 156777);
  EXPECT_EQ(rel.events.start_ns[14390], 1716423322983543183);
  EXPECT_EQ(rel.events.dur_ns[14390], 41407);
  EXPECT_EQ(rel.events.correlation[14390], 57541);
  EXPECT_EQ(rel.events.start_ns[26898], 1716423322980765972);
  EXPECT_EQ(rel.world_size, 2);
  EXPECT_EQ(rel.backend, "nccl");
  EXPECT_EQ(diag.total(), 0);
}

TEST(KinetoSharedTest, DiscoveryFindsTracesByContent) {
  if (!fs::is_directory(kTraces)) GTEST_SKIP() << "no " << kTraces;
  // sampled_rank-{0,1}.json.gz are not named *.pt.trace.json.gz: found by
  // their first bytes (inflated).
  const fs::path dir = kTraces / "facebookresearch__HolisticTraceAnalysis/tests/data/trace_filter";
  auto d = DiscoverInputs(dir.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->files.size(), 2u);
  EXPECT_EQ(d->files[0].kind, FileKind::kKineto);
  EXPECT_EQ(d->files[0].rel_path, "sampled_rank-0.json.gz");
  EXPECT_EQ(d->files[1].rel_path, "sampled_rank-1.json.gz");
  EXPECT_EQ(d->files[1].node, "sampled_rank-1");
  // The legacy bare array (#36) by its name, and #34/#35 (plain JSON) by content.
  auto legacy = DiscoverInputs((kTraces / "pytorch__kineto/plugin/samples").string());
  ASSERT_TRUE(legacy.ok()) << legacy.status().message();
  ASSERT_EQ(legacy->files.size(), 1u);
  EXPECT_EQ(legacy->files[0].rel_path, "resnet50_num_workers_0/worker0.pt.trace.json.gz");
  auto docs = DiscoverInputs((kTraces / "pytorch__kineto/docs/traces").string());
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  EXPECT_EQ(docs->CountKind(FileKind::kKineto), 2u);
}

}  // namespace
}  // namespace smr
