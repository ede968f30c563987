// The PyTorch-profiler (Kineto) importer (docs/formats.md "Kineto") on
// small hand-written traces: every variation of docs/kineto-variations.md
// with the value it must give, computed by hand in the comments.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smr/ingest.h"
#include "smr/kineto.h"
#include "src/ingest/kineto_event.h"
#include "tests/testing/gzip.h"

namespace smr {
namespace {

using testing::Gzip;

using ingest_internal::DecimalMicrosToNs;
using ingest_internal::ParseIdText;

struct Imported {
  MetricStore store;
  Diagnostics diag;
  const KinetoTrace& trace() const { return store.kineto().at(0); }
  const FileStats& stats() const { return store.files().at(0); }
};

Imported Import(const std::string& contents, const std::string& rel = "rank-0.pt.trace.json") {
  InputFile f;
  f.rel_path = rel;
  f.path = "/x/" + rel;
  f.kind = FileKind::kKineto;
  f.node = "rank-0";
  StoreBuilder b;
  Imported r;
  ImportKinetoTrace(f, contents, &b, &r.diag);
  r.store = b.Build();
  return r;
}

TEST(KinetoDecimalTest, MicrosecondTextToExactNanoseconds) {
  int64_t ns = 0;
  ASSERT_TRUE(DecimalMicrosToNs("1712195495406752.797", &ns));
  EXPECT_EQ(ns, 1712195495406752797);  // 19 significant digits, beyond a double
  ASSERT_TRUE(DecimalMicrosToNs("4458676544500.0", &ns));
  EXPECT_EQ(ns, 4458676544500000);
  ASSERT_TRUE(DecimalMicrosToNs("10.0", &ns));
  EXPECT_EQ(ns, 10000);
  ASSERT_TRUE(DecimalMicrosToNs("0.02", &ns));
  EXPECT_EQ(ns, 20);
  ASSERT_TRUE(DecimalMicrosToNs("123", &ns));
  EXPECT_EQ(ns, 123000);
  ASSERT_TRUE(DecimalMicrosToNs("-1.5", &ns));
  EXPECT_EQ(ns, -1500);
  // A fourth decimal rounds half away from zero: 1.2345 µs = 1234.5 ns.
  ASSERT_TRUE(DecimalMicrosToNs("1.2345", &ns));
  EXPECT_EQ(ns, 1235);
  ASSERT_TRUE(DecimalMicrosToNs("1.2344", &ns));
  EXPECT_EQ(ns, 1234);
  // Exponents: 1e3 µs = 1,000,000 ns; 1.5e-3 µs = 1.5 ns -> 2.
  ASSERT_TRUE(DecimalMicrosToNs("1e3", &ns));
  EXPECT_EQ(ns, 1000000);
  ASSERT_TRUE(DecimalMicrosToNs("1.5E-3", &ns));
  EXPECT_EQ(ns, 2);
  // The int64 limit: 9223372036854775.807 µs is INT64_MAX ns, one more is not.
  ASSERT_TRUE(DecimalMicrosToNs("9223372036854775.807", &ns));
  EXPECT_EQ(ns, std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(DecimalMicrosToNs("9223372036854775.808", &ns));
  EXPECT_FALSE(DecimalMicrosToNs("", &ns));
  EXPECT_FALSE(DecimalMicrosToNs("abc", &ns));
  EXPECT_FALSE(DecimalMicrosToNs("1.5x", &ns));
  EXPECT_FALSE(DecimalMicrosToNs("1e", &ns));
}

TEST(KinetoDecimalTest, IdTextForms) {
  int64_t v = 0;
  ASSERT_TRUE(ParseIdText("25738", &v));
  EXPECT_EQ(v, 25738);
  ASSERT_TRUE(ParseIdText("4093687616", &v));
  EXPECT_EQ(v, 4093687616);
  ASSERT_TRUE(ParseIdText("stream 7", &v));
  EXPECT_EQ(v, 7);
  ASSERT_TRUE(ParseIdText("0x0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseIdText("0x1f", &v));
  EXPECT_EQ(v, 31);
  ASSERT_TRUE(ParseIdText("-1", &v));
  EXPECT_EQ(v, -1);
  EXPECT_FALSE(ParseIdText("Spans", &v));
  EXPECT_FALSE(ParseIdText("", &v));
}

TEST(KinetoImporterTest, FractionalAbsoluteTimesAndGpuFields) {
  const Imported r =
      Import(R"({"schemaVersion": 1, "traceEvents": [)"
             R"({"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7,)"
             R"( "ts": 1712195495406752.797, "dur": 1.5,)"
             R"( "args": {"device": 0, "stream": 7, "correlation": 12, "External id": 3}}]})");
  ASSERT_EQ(r.store.kineto().size(), 1u);
  const KinetoTrace& t = r.trace();
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events.start_ns[0], 1712195495406752797);
  EXPECT_EQ(t.events.dur_ns[0], 1500);
  EXPECT_EQ(t.events.end_ns(0), 1712195495406754297);
  EXPECT_EQ(t.events.category[0], KinetoCategory::kKernel);
  EXPECT_EQ(t.str(t.events.name[0]), "k");
  EXPECT_EQ(t.str(t.events.raw_category[0]), "kernel");
  EXPECT_EQ(t.events.device[0], 0);
  EXPECT_EQ(t.events.stream[0], 7);
  EXPECT_EQ(t.events.tid[0], -1);  // GPU events have no thread
  EXPECT_EQ(t.events.pid[0], 0);
  EXPECT_EQ(t.events.correlation[0], 12);
  EXPECT_EQ(t.events.external_id[0], 3);
  EXPECT_EQ(t.events.bytes[0], -1);  // only memcpy/memset carry bytes
  EXPECT_FALSE(t.relative_timestamps);
  EXPECT_EQ(t.base_time_ns, 0);
  EXPECT_FALSE(t.legacy);
  EXPECT_FALSE(t.bare_array);
  EXPECT_EQ(t.rank, -1);
  EXPECT_EQ(t.RankOrZero(), 0);
  EXPECT_EQ(t.rel_path, "rank-0.pt.trace.json");
  EXPECT_EQ(r.diag.total(), 0);
}

TEST(KinetoImporterTest, RelativeTimesGetTheBaseEvenWhenItComesAfterTheEvents) {
  // 4458676544500.5 µs = 4,458,676,544,500,500 ns;
  // + 1,735,632,360,000,000,000 = 1,740,091,036,544,500,500.
  const Imported r =
      Import(R"({"traceEvents": [)"
             R"({"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 10, "tid": 11,)"
             R"( "ts": 4458676544500.5, "dur": 0.04},)"
             R"({"ph": "X", "cat": "cpu_op", "name": "aten::add", "pid": 10, "tid": 11,)"
             R"( "ts": 4458676544500.0, "dur": 10.0}],)"
             R"( "displayTimeUnit": "ns", "baseTimeNanoseconds": 1735632360000000000})");
  const KinetoTrace& t = r.trace();
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_TRUE(t.relative_timestamps);
  EXPECT_EQ(t.base_time_ns, 1735632360000000000);
  EXPECT_EQ(t.events.start_ns[0], 1740091036544500500);
  EXPECT_EQ(t.events.dur_ns[0], 40);
  EXPECT_EQ(t.events.start_ns[1], 1740091036544500000);
  EXPECT_EQ(t.events.dur_ns[1], 10000);
  // Host events: their thread, no device or stream.
  EXPECT_EQ(t.events.tid[0], 11);
  EXPECT_EQ(t.events.pid[0], 10);
  EXPECT_EQ(t.events.device[0], -1);
  EXPECT_EQ(t.events.stream[0], -1);
  EXPECT_EQ(t.events.correlation[0], -1);
  EXPECT_EQ(t.events.external_id[0], -1);
}

TEST(KinetoImporterTest, TopLevelMetadata) {
  const Imported r =
      Import(R"({"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": "NVIDIA A100"},)"
             R"( {"id": 2, "name": "AMD MI250", "totalGlobalMem": 1}],)"
             R"( "distributedInfo": {"backend": "nccl", "rank": 3, "world_size": 8},)"
             R"( "traceEvents": []})");
  const KinetoTrace& t = r.trace();
  EXPECT_EQ(t.rank, 3);
  EXPECT_EQ(t.world_size, 8);
  EXPECT_EQ(t.backend, "nccl");
  ASSERT_EQ(t.gpu_names.size(), 3u);
  EXPECT_EQ(t.gpu_names[0], "NVIDIA A100");
  EXPECT_EQ(t.gpu_names[1], "");
  EXPECT_EQ(t.gpu_names[2], "AMD MI250");
  EXPECT_EQ(t.events.size(), 0u);
  // Null backend and world size (#11-13): unknown, rank still read.
  const Imported n =
      Import(R"({"distributedInfo": {"backend": null, "rank": 0, "world_size": null},)"
             R"( "deviceProperties": [], "traceEvents": []})");
  EXPECT_EQ(n.trace().rank, 0);
  EXPECT_EQ(n.trace().world_size, -1);
  EXPECT_EQ(n.trace().backend, "");
  EXPECT_TRUE(n.trace().gpu_names.empty());
}

TEST(KinetoImporterTest, LegacyBareArray) {
  // The 2020-21 form (#36): a bare array, legacy categories, string tids,
  // GPU tids "stream 7", "External id" on ops and "external id" on the rest.
  const Imported r = Import(
      R"([{"ph": "X", "cat": "Operator", "name": "ProfilerStep#6", "pid": 25738,)"
      R"( "tid": "25738", "ts": 1600000000000001, "dur": 20, "args": {"External id": 5}},)"
      R"({"ph": "X", "cat": "Runtime", "name": "cudaLaunchKernel", "pid": 25738,)"
      R"( "tid": "4093687616", "ts": 1600000000000002, "dur": 3,)"
      R"( "args": {"correlation": 9, "external id": 5}},)"
      R"({"ph": "X", "cat": "Kernel", "name": "sgemm", "pid": 0, "tid": "stream 7",)"
      R"( "ts": 1600000000000006, "dur": 0,)"
      R"( "args": {"device": 0, "stream": 7, "correlation": 9, "external id": 5}},)"
      R"j({"ph": "X", "cat": "Memcpy", "name": "Memcpy HtoD (Pageable -> Device)", "pid": 1,)j"
      R"( "tid": "stream 9", "ts": 1600000000000010, "dur": 2, "args": {"bytes": 4096}},)"
      R"j({"ph": "X", "cat": "Memset", "name": "Memset (Device)", "pid": 0, "tid": "stream 7",)j"
      R"( "ts": 1600000000000012, "dur": 1, "args": {"device": 0, "stream": 7, "bytes": 64}},)"
      R"({"ph": "s", "cat": "async", "name": "launch", "id": 9, "pid": 25738, "tid": 1, "ts": 1}]
)",
      "worker0.pt.trace.json");
  const KinetoTrace& t = r.trace();
  EXPECT_TRUE(t.bare_array);
  EXPECT_TRUE(t.legacy);
  EXPECT_EQ(t.rank, -1);
  ASSERT_EQ(t.events.size(), 5u);
  const std::vector<KinetoCategory> cats = {KinetoCategory::kCpuOp, KinetoCategory::kRuntime,
                                            KinetoCategory::kKernel, KinetoCategory::kMemcpy,
                                            KinetoCategory::kMemset};
  EXPECT_EQ(t.events.category, cats);
  EXPECT_EQ(t.str(t.events.raw_category[0]), "Operator");
  EXPECT_EQ(t.events.tid[0], 25738);
  EXPECT_EQ(t.events.tid[1], 4093687616);
  EXPECT_EQ(t.events.external_id, (std::vector<int64_t>{5, 5, 5, -1, -1}));
  EXPECT_EQ(t.events.correlation, (std::vector<int64_t>{-1, 9, 9, -1, -1}));
  // The memcpy has no args.device / args.stream: device from pid 1, stream
  // from "stream 9".
  EXPECT_EQ(t.events.device, (std::vector<int32_t>{-1, -1, 0, 1, 0}));
  EXPECT_EQ(t.events.stream, (std::vector<int32_t>{-1, -1, 7, 9, 7}));
  EXPECT_EQ(t.events.bytes, (std::vector<int64_t>{-1, -1, -1, 4096, 64}));
  EXPECT_EQ(t.events.dur_ns[2], 0);  // zero-length kernels are kept
  EXPECT_EQ(t.events.start_ns[0], 1600000000000001000);
  EXPECT_EQ(t.counts.flows, 1);
  EXPECT_EQ(t.counts.complete, 5);
  EXPECT_EQ(t.counts.unknown_category, 0);
}

TEST(KinetoImporterTest, StreamForms) {
  // ROCm hex string "0x0"; 4294967295 (uint32 -1) and -1: no stream (a
  // device-wide sync); a stream argument on a CPU op does not make it a GPU
  // event (#24); no args at all: device from pid, stream from tid.
  const Imported r = Import(
      R"({"traceEvents": [)"
      R"({"ph": "X", "cat": "cuda_runtime", "name": "hipLaunchKernel", "pid": 5, "tid": 6,)"
      R"( "ts": 1, "dur": 1, "args": {"stream": "0x0", "correlation": 4}},)"
      R"({"ph": "X", "cat": "kernel", "name": "Cijk", "pid": 2, "tid": 0, "ts": 2, "dur": 1,)"
      R"( "args": {"stream": "0x0", "device": 2, "correlation": 4}},)"
      R"({"ph": "X", "cat": "cuda_sync", "name": "Context Sync", "pid": 0, "tid": -1,)"
      R"( "ts": 3, "dur": 1, "args": {"stream": 4294967295, "device": 0}},)"
      R"({"ph": "X", "cat": "cuda_sync", "name": "Event Sync", "pid": 0, "tid": 1,)"
      R"( "ts": 4, "dur": 1, "args": {"stream": -1, "device": 0}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "triton_launcher", "pid": 5, "tid": 6,)"
      R"( "ts": 5, "dur": 1, "args": {"stream": 0}},)"
      R"({"ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#1", "pid": 3,)"
      R"( "tid": 20, "ts": 6, "dur": 1}]})");
  const KinetoTrace& t = r.trace();
  ASSERT_EQ(t.events.size(), 6u);
  EXPECT_EQ(t.events.stream, (std::vector<int32_t>{-1, 0, -1, -1, -1, 20}));
  EXPECT_EQ(t.events.device, (std::vector<int32_t>{-1, 2, 0, 0, -1, 3}));
  EXPECT_EQ(t.events.tid, (std::vector<int64_t>{6, -1, -1, -1, 6, -1}));
  EXPECT_EQ(t.events.category[4], KinetoCategory::kCpuOp);
  EXPECT_EQ(t.events.category[5], KinetoCategory::kGpuUserAnnotation);
}

TEST(KinetoImporterTest, MemoryInstantsNewAndLegacy) {
  const Imported r =
      Import(R"({"traceEvents": [)"
             R"({"ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": 1,)"
             R"( "tid": 1, "ts": 100.5, "args": {"Addr": 1, "Bytes": 512, "Total Allocated": 2048,)"
             R"( "Total Reserved": 4096, "Device Id": 0, "Device Type": 1, "Ev Idx": 3}},)"
             R"({"ph": "i", "s": "t", "name": "[memory]", "pid": 1, "tid": 1, "ts": 101,)"
             R"( "args": {"Bytes": -512, "Device Id": -1, "Device Type": 0}}],)"
             R"( "baseTimeNanoseconds": 1000000000})");
  const KinetoTrace& t = r.trace();
  EXPECT_EQ(t.events.size(), 0u);
  ASSERT_EQ(t.memory.size(), 2u);
  EXPECT_EQ(t.counts.memory, 2);
  EXPECT_EQ(t.memory[0].ts_ns, 1000100500);  // 100.5 µs + 1 s base
  EXPECT_EQ(t.memory[0].bytes, 512);
  EXPECT_EQ(t.memory[0].total_allocated, 2048);
  EXPECT_EQ(t.memory[0].total_reserved, 4096);
  EXPECT_EQ(t.memory[0].device, 0);
  EXPECT_EQ(t.memory[0].device_type, 1);
  EXPECT_EQ(t.memory[1].ts_ns, 1000101000);
  EXPECT_EQ(t.memory[1].bytes, -512);
  EXPECT_EQ(t.memory[1].total_allocated, -1);  // legacy: absent
  EXPECT_EQ(t.memory[1].total_reserved, -1);
  EXPECT_EQ(t.memory[1].device, -1);
  EXPECT_EQ(t.memory[1].device_type, 0);
  EXPECT_EQ(r.stats().records_kept, 2);
}

TEST(KinetoImporterTest, EveryElementIsCountedOnce) {
  const Imported r = Import(
      R"({"traceEvents": [)"
      R"({"ph": "M", "name": "process_name", "pid": 0, "args": {"name": "python"}},)"
      R"({"ph": "M", "name": "process_name", "pid": "Spans", "args": {"name": "Spans"}},)"
      R"({"ph": "X", "cat": "Trace", "name": "PyTorch Profiler", "pid": "Spans",)"
      R"( "tid": "PyTorch Profiler", "ts": 1, "dur": 9},)"
      R"({"ph": "i", "s": "t", "name": "Iteration Start: PyTorch Profiler", "pid": "Traces",)"
      R"( "tid": "PyTorch Profiler", "ts": 1},)"
      R"({"ph": "i", "s": "g", "name": "Record Window End", "pid": "", "tid": "", "ts": 9},)"
      R"({"ph": "i", "s": "t", "name": "marker", "pid": 1, "tid": 1, "ts": 2},)"
      R"({"ph": "s", "cat": "ac2g", "id": 4, "pid": 1, "tid": 1, "ts": 2},)"
      R"({"ph": "f", "bp": "e", "cat": "ac2g", "id": 4, "pid": 0, "tid": 7, "ts": 3},)"
      R"({"ph": "B", "name": "b", "pid": 1, "tid": 1, "ts": 2},)"
      R"({"ph": "X", "cat": "mtia_ccp_events", "name": "dma_request", "pid": 17, "tid": 3570,)"
      R"( "ts": 4, "dur": 1, "args": {"stream": 101}},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 2, "dur": 1})"
      R"(]})");
  const KinetoTrace& t = r.trace();
  const KinetoCounts& c = t.counts;
  EXPECT_EQ(c.events_read, 11);
  EXPECT_EQ(c.metadata, 2);
  EXPECT_EQ(c.non_thread, 3);
  EXPECT_EQ(c.other_instants, 1);
  EXPECT_EQ(c.flows, 2);
  EXPECT_EQ(c.other_phases, 1);
  EXPECT_EQ(c.complete, 2);
  EXPECT_EQ(c.unknown_category, 1);
  EXPECT_EQ(c.memory, 0);
  EXPECT_EQ(c.skipped, 0);
  EXPECT_EQ(c.metadata + c.non_thread + c.other_instants + c.flows + c.other_phases + c.complete,
            c.events_read);
  // The unknown category is kept as kOther with its stream as written and
  // its thread.
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.events.category[0], KinetoCategory::kOther);
  EXPECT_EQ(t.str(t.events.raw_category[0]), "mtia_ccp_events");
  EXPECT_EQ(t.events.stream[0], 101);
  EXPECT_EQ(t.events.tid[0], 3570);
  // Records: the complete events (and memory samples and malformed
  // events, none here); the rest is counted above only.
  EXPECT_EQ(r.stats().records_read, 2);
  EXPECT_EQ(r.stats().records_kept, 2);
  EXPECT_EQ(r.stats().records_skipped, 0);
  EXPECT_EQ(r.diag.total(), 0);
}

TEST(KinetoImporterTest, MalformedEventsAreSkippedWithTheirLine) {
  const Imported r = Import(
      "{\"traceEvents\": [\n"                                                           // 1
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"a\", \"pid\": 1, \"tid\": 1, "  // 2
      "\"ts\": 1, \"dur\": 1},\n"
      "3,\n"                                                                              // 3
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"b\", \"pid\": 1, \"dur\": 1},\n"  // 4
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"c\", \"ts\": 5, \"dur\": -1},\n"  // 5
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"d\", \"ts\": \"soon\", \"dur\": 1},\n"
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"e\", \"ts\": 7},\n"  // 7
      "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"f\", \"ts\": 8, \"dur\": 2}\n"
      "]}\n");
  const KinetoTrace& t = r.trace();
  EXPECT_EQ(t.counts.events_read, 7);
  EXPECT_EQ(t.counts.skipped, 5);
  EXPECT_EQ(t.counts.complete, 2);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.str(t.events.name[0]), "a");
  EXPECT_EQ(t.str(t.events.name[1]), "f");
  auto line_of = [&](Issue issue) {
    EXPECT_EQ(r.diag.count(issue), 1) << GetIssueInfo(issue).key;
    return r.diag.examples(issue).empty() ? -1 : r.diag.examples(issue)[0].line;
  };
  EXPECT_EQ(line_of(Issue::kMalformedEvent), 3);
  EXPECT_EQ(line_of(Issue::kMissingField), 4);
  EXPECT_EQ(line_of(Issue::kNegativeDuration), 5);
  EXPECT_EQ(line_of(Issue::kBadFieldType), 6);
  EXPECT_EQ(line_of(Issue::kMissingDuration), 7);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedEvent)[0].file, "rank-0.pt.trace.json");
  EXPECT_EQ(r.stats().records_read, 7);
  EXPECT_EQ(r.stats().records_kept, 2);
  EXPECT_EQ(r.stats().records_skipped, 5);
}

TEST(KinetoImporterTest, TruncatedFileKeepsItsCompleteEvents) {
  const std::string full =
      "{\"traceEvents\": [\n"
      "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k1\", \"pid\": 0, \"tid\": 7, "
      "\"ts\": 1, \"dur\": 1},\n"
      "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k2\", \"pid\": 0, \"tid\": 7, "
      "\"ts\": 2, \"dur\": 1}\n"
      "], \"baseTimeNanoseconds\": 5000}\n";
  const size_t cut = full.find("k2") + 10;  // inside the second event
  const Imported r = Import(full.substr(0, cut));
  const KinetoTrace& t = r.trace();
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.str(t.events.name[0]), "k1");
  EXPECT_EQ(t.events.start_ns[0], 1000);  // the base after the events is lost
  EXPECT_EQ(t.counts.events_read, 2);
  EXPECT_EQ(t.counts.skipped, 1);
  EXPECT_EQ(r.diag.count(Issue::kTruncatedTrace), 1);
  EXPECT_EQ(r.diag.examples(Issue::kTruncatedTrace)[0].line, 3);
  // Cut after the events: both kept, the base lost, the cut reported.
  const Imported after = Import(full.substr(0, full.find("\"baseTime")));
  ASSERT_EQ(after.trace().events.size(), 2u);
  EXPECT_EQ(after.trace().counts.skipped, 0);
  EXPECT_EQ(after.diag.count(Issue::kTruncatedTrace), 1);
  // The whole file: the base applies.
  const Imported whole = Import(full);
  EXPECT_EQ(whole.trace().events.start_ns[1], 7000);
  EXPECT_EQ(whole.diag.total(), 0);
}

TEST(KinetoImporterTest, NotATraceAddsNoTrace) {
  const Imported r = Import("\"just a string\"");
  EXPECT_TRUE(r.store.kineto().empty());
  EXPECT_EQ(r.diag.count(Issue::kNotAnArray), 1);
  ASSERT_EQ(r.store.files().size(), 1u);
  EXPECT_EQ(r.stats().records_skipped, 1);
  // An object without traceEvents is a trace with no events.
  const Imported o = Import(R"({"schemaVersion": 1})");
  ASSERT_EQ(o.store.kineto().size(), 1u);
  EXPECT_EQ(o.trace().events.size(), 0u);
  EXPECT_EQ(o.diag.count(Issue::kMissingField), 1);
}

// A trace of `n` events whose text spans several of the importer's 1 MiB
// inflate chunks, with strings holding brackets, quotes and escapes.
std::string BigTrace(int n) {
  std::string s = "{\"schemaVersion\": 1, \"traceEvents\": [\n";
  for (int i = 0; i < n; ++i) {
    s += fmt::format(
        "{{\"ph\": \"X\", \"cat\": \"{}\", \"name\": \"op[{}] {{\\\"x\\\"}} \\\\\", "
        "\"pid\": 1, \"tid\": {}, \"ts\": {}.{:03d}, \"dur\": {}.5, "
        "\"args\": {{\"correlation\": {}, \"stream\": 7}}}}{}\n",
        i % 3 == 0 ? "kernel" : "cpu_op", i, i % 5, 1000000 + i, i % 1000, i % 9, i,
        i + 1 < n ? "," : "");
  }
  s += "], \"baseTimeNanoseconds\": 1700000000000000000}\n";
  return s;
}

TEST(KinetoImporterTest, GzipAndPlainGiveTheSameTrace) {
  const std::string text = BigTrace(30000);
  ASSERT_GT(text.size(), size_t{3} << 20);
  const Imported plain = Import(text, "a.pt.trace.json");
  const Imported gz = Import(Gzip(text), "a.pt.trace.json");
  const KinetoTrace& p = plain.trace();
  const KinetoTrace& g = gz.trace();
  ASSERT_EQ(p.events.size(), 30000u);
  ASSERT_EQ(g.events.size(), 30000u);
  EXPECT_EQ(p.events.start_ns, g.events.start_ns);
  EXPECT_EQ(p.events.dur_ns, g.events.dur_ns);
  EXPECT_EQ(p.events.category, g.events.category);
  EXPECT_EQ(p.events.correlation, g.events.correlation);
  EXPECT_EQ(p.events.tid, g.events.tid);
  for (size_t i = 0; i < 30000; i += 997) {
    EXPECT_EQ(p.str(p.events.name[i]), g.str(g.events.name[i]));
    EXPECT_EQ(g.str(g.events.name[i]), fmt::format("op[{}] {{\"x\"}} \\", i));
  }
  // Event 12345: ts 1012345.345 µs + base -> 1700000001012345345 ns; dur 6.5 µs.
  EXPECT_EQ(g.events.start_ns[12345], 1700000001012345345);
  EXPECT_EQ(g.events.dur_ns[12345], 6500);
  EXPECT_EQ(plain.diag.total(), 0);
  EXPECT_EQ(gz.diag.total(), 0);
  EXPECT_EQ(gz.stats().records_read, 30000);
}

TEST(KinetoImporterTest, TruncatedGzipKeepsWhatInflated) {
  const std::string text = BigTrace(30000);
  const std::string gz = Gzip(text);
  const Imported r = Import(gz.substr(0, gz.size() / 2), "a.pt.trace.json.gz");
  const KinetoTrace& t = r.trace();
  EXPECT_GT(t.events.size(), 1000u);
  EXPECT_LT(t.events.size(), 30000u);
  EXPECT_EQ(r.diag.count(Issue::kGzipError), 1);
  EXPECT_EQ(r.diag.count(Issue::kTruncatedTrace), 1);
  // Without the base (it came after the events): relative µs as written.
  EXPECT_EQ(t.events.start_ns[100], 1000100100);
}

TEST(KinetoImporterTest, UnsortedEventsStayInFileOrder) {
  const Imported r = Import(
      R"({"traceEvents": [)"
      R"({"ph": "X", "cat": "cpu_op", "name": "late", "pid": 1, "tid": 1, "ts": 30, "dur": 1},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "early", "pid": 1, "tid": 1, "ts": 10, "dur": 1},)"
      R"({"ph": "X", "cat": "cpu_op", "name": "mid", "pid": 1, "tid": 1, "ts": 20, "dur": 1}]})");
  const KinetoTrace& t = r.trace();
  EXPECT_EQ(t.events.start_ns, (std::vector<int64_t>{30000, 10000, 20000}));
  EXPECT_EQ(t.str(t.events.name[1]), "early");
}

}  // namespace
}  // namespace smr
