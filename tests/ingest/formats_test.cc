// ImportAll on the hand-written jobs of tests/data/formats: one job per
// format variation the importers handle (docs/formats.md). Every expected
// number below is counted by hand from the files (see the README there).
#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/ingest.h"

namespace smr {
namespace {

std::string FormatsJob(const std::string& name) {
  return std::string(SMR_SOURCE_DIR) + "/tests/data/formats/" + name;
}

IngestResult ImportJob(const std::string& name, int jobs = 2) {
  auto d = DiscoverInputs(FormatsJob(name));
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return IngestResult{};
  IngestOptions opts;
  opts.jobs = jobs;
  return ImportAll(*d, opts);
}

size_t CountType(const MetricStore& s, std::string_view type) {
  size_t n = 0;
  for (uint32_t series : s.system().series_column()) {
    if (s.str(s.series()[series].type) == type) ++n;
  }
  return n;
}

size_t CountKind(const MetricStore& s, MetricKind kind) {
  size_t n = 0;
  for (uint32_t series : s.system().series_column()) {
    if (s.series()[series].kind == kind) ++n;
  }
  return n;
}

size_t CountName(const MetricStore& s, std::string_view name) {
  size_t n = 0;
  for (StrId id : s.events().name) {
    if (s.str(id) == name) ++n;
  }
  return n;
}

// Every event as (name, phase, start, end), whatever the store order.
using EventTuple = std::tuple<std::string, std::string, int64_t, int64_t>;
std::set<EventTuple> Events(const MetricStore& s) {
  std::set<EventTuple> out;
  const EventColumns& e = s.events();
  for (size_t i = 0; i < e.size(); ++i) {
    out.emplace(std::string(s.str(e.name[i])), std::string(s.str(e.phase[i])), e.start_us[i],
                e.end_us[i]);
  }
  return out;
}

int64_t RecordsRead(const MetricStore& s) {
  int64_t n = 0;
  for (const FileStats& f : s.files()) n += f.records_read;
  return n;
}

int64_t RecordsSkipped(const MetricStore& s) {
  int64_t n = 0;
  for (const FileStats& f : s.files()) n += f.records_skipped;
  return n;
}

// Three system files (one without an hour directory, one with every metric
// SageMaker writes, twice, one with an unknown dimension) and three legacy
// pythontimeline files named <ts>_<node>_<extra>_pythontimeline.json.
TEST(FormatsTest, SystemMetricsJobKeepsEveryMetricAndTheLegacyTraces) {
  IngestResult r = ImportJob("system_metrics");
  const MetricStore& s = r.store;
  // 4 CPU lines + 2 samples x 14 lines + 2 lines.
  EXPECT_EQ(s.system().size(), 34u);
  EXPECT_EQ(CountType(s, "cpu"), 13u);
  EXPECT_EQ(CountType(s, "gpu"), 5u);
  EXPECT_EQ(CountType(s, "memory"), 2u);
  EXPECT_EQ(CountType(s, "i/o"), 6u);
  EXPECT_EQ(CountType(s, "network"), 8u);
  EXPECT_EQ(CountKind(s, MetricKind::kCpuUtilization), 8u);
  EXPECT_EQ(CountKind(s, MetricKind::kCpuIoWait), 4u);
  EXPECT_EQ(CountKind(s, MetricKind::kGpuUtilization), 3u);
  EXPECT_EQ(CountKind(s, MetricKind::kGpuMemory), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kHostMemoryUsed), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kIoIops), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kIoReadBytes), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kIoWriteBytes), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kNetRxAlgorithm), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kNetTxAlgorithm), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kNetRxPlatform), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kNetTxPlatform), 2u);
  EXPECT_EQ(CountKind(s, MetricKind::kOther), 1u);  // cpu0 CPUFrequencyMHz: kept
  // 2 cores x 2 dimensions, gpu0 x 2, memory, 3 i/o, 4 network, the unknown one.
  EXPECT_EQ(s.series().size(), 15u);
  double platform_rx_max = 0;
  for (size_t row = 0; row < s.system().size(); ++row) {
    if (s.series()[s.system().series(row)].kind == MetricKind::kNetRxPlatform) {
      platform_rx_max = std::max(platform_rx_max, s.system().value(row));
    }
  }
  EXPECT_EQ(platform_rx_max, 52428800.0);

  const EventColumns& e = s.events();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(Events(s), (std::set<EventTuple>{
                           {"probe1", "FileRotationProbe", 1600000040500000, 1600000041000000},
                           {"probe2", "FileRotationProbe", 1600000041500000, 1600000042000000},
                           {"probe3", "FileRotationProbe", 1600000042500000, 1600000043000000},
                       }));
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(s.str(e.node[i]), "7311");
    EXPECT_EQ(e.step[i], 1);  // an integer step_num
  }
  EXPECT_EQ(r.diagnostics.total(), 0);
  EXPECT_EQ(s.files().size(), 6u);
  EXPECT_GT(r.bytes_read, 0u);
}

// TRAIN/EVAL steps with string step numbers and args.pid in an old-style
// file, a current-writer file (phase re-declared on pid 0 before every event,
// an instant event) and a model_timeline file of data-iterator events; node
// "217-algo-1" becomes "algo-1-217".
TEST(FormatsTest, StepsJobHasTrainEvalStepsAndDataIteratorEvents) {
  IngestResult r = ImportJob("steps");
  const MetricStore& s = r.store;
  EXPECT_EQ(s.system().size(), 0u);
  EXPECT_EQ(s.events().size(), 16u);  // 7 + 3 + 6
  EXPECT_EQ(CountName(s, "Step:ModeKeys.TRAIN"), 7u);
  EXPECT_EQ(CountName(s, "Step:ModeKeys.EVAL"), 2u);
  EXPECT_EQ(CountName(s, "dataset::GetNext"), 4u);
  EXPECT_EQ(CountName(s, "IteratorGetNextOp::DoCompute"), 2u);
  const EventColumns& e = s.events();
  int64_t max_train = 0;
  std::set<int64_t> train_steps;
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_EQ(s.str(e.node[i]), "algo-1-217");
    const std::string_view name = s.str(e.name[i]);
    if (name == "Step:ModeKeys.TRAIN") {
      EXPECT_EQ(s.str(e.phase[i]), "Step:ModeKeys.TRAIN");
      EXPECT_EQ(e.os_pid[i], 217);
      max_train = std::max(max_train, e.end_us[i] - e.start_us[i]);
      train_steps.insert(e.step[i]);
    }
    if (name == "Net") {
      EXPECT_EQ(s.str(e.phase[i]), "Forward");
      EXPECT_EQ(e.step[i], 5);
      EXPECT_EQ(e.start_us[i], 1600000106020000);
    }
    if (name == "dataset::GetNext") {
      EXPECT_EQ(s.str(e.phase[i]), "DataIterator");
    }
  }
  EXPECT_EQ(max_train, 3000000);  // step 0
  EXPECT_EQ(train_steps, (std::set<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(r.diagnostics.count(Issue::kIgnoredPhase), 1);  // the instant event
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

// A file without base time inherits the previous file's; a second base-time
// block re-times the events after it.
TEST(FormatsTest, ModelTimelineJobInheritsBaseTimeAndHonoursASecondBlock) {
  IngestResult r = ImportJob("model_timeline");
  const MetricStore& s = r.store;
  EXPECT_EQ(CountName(s, "dataset::GetNext"), 5u);
  EXPECT_EQ(CountName(s, "kAllReduce"), 3u);
  EXPECT_EQ(Events(s), (std::set<EventTuple>{
                           {"dataset::GetNext", "DataIterator", 1600000200100000, 1600000200300000},
                           {"dataset::GetNext", "DataIterator", 1600000200400000, 1600000200600000},
                           {"dataset::GetNext", "DataIterator", 1600000200800000, 1600000201000000},
                           // Second file: no base time of its own.
                           {"kAllReduce", "NcclManager", 1600000201300000, 1600000201500000},
                           // Third file: base ...300 s, then ...302 s.
                           {"dataset::GetNext", "DataIterator", 1600000300100000, 1600000300200000},
                           {"kAllReduce", "NcclManager", 1600000300150000, 1600000300200000},
                           {"dataset::GetNext", "DataIterator", 1600000302200000, 1600000302500000},
                           {"kAllReduce", "NcclManager", 1600000302000000, 1600000302100000},
                       }));
  EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 1);
  EXPECT_EQ(r.diagnostics.count(Issue::kRepeatedBaseTime), 1);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

// Horovod files: one B/E pair completes (the E has an empty name), two B
// never end, one E has no B, two X events last over 24 h, two instant events.
TEST(FormatsTest, HorovodJobPairsBeginEndAndExcludesAbsurdDurations) {
  IngestResult r = ImportJob("horovod");
  const MetricStore& s = r.store;
  EXPECT_EQ(
      Events(s),
      (std::set<EventTuple>{
          {"NEGOTIATE_ALLREDUCE", "allreduce.dense_kernel_0", 1600000400001000, 1600000400006000},
          {"ALLREDUCE", "allreduce.dense_kernel_0", 1600000400006000, 1600000400406000},
          {"MEMCPY_IN_FUSION_BUFFER", "allreduce.dense_bias_0", 1600000400500000, 1600000400900000},
      }));
  EXPECT_EQ(s.str(s.events().node[0]), "4120-hvd-host.example.net");
  EXPECT_EQ(r.diagnostics.count(Issue::kAbsurdDuration), 2);
  EXPECT_EQ(r.diagnostics.count(Issue::kUnmatchedBegin), 2);
  EXPECT_EQ(r.diagnostics.count(Issue::kUnmatchedEnd), 1);
  EXPECT_EQ(r.diagnostics.count(Issue::kIgnoredPhase), 2);
  // Records: 4 X + 1 pair + 2 open B + 1 lone E + 2 instants; 3 kept.
  EXPECT_EQ(RecordsRead(s), 10);
  EXPECT_EQ(RecordsSkipped(s), 7);
}

// trace.json.gz with its .metadata four levels up: 6 X events, one an exact
// duplicate of another, on the metadata's base time; the trailing {} has no
// phase.
TEST(FormatsTest, TfProfilerJobKeepsDistinctEventsOnTheMetadataBaseTime) {
  IngestResult r = ImportJob("tf_profiler");
  const MetricStore& s = r.store;
  EXPECT_EQ(Events(s),
            (std::set<EventTuple>{
                {"ExecutorState::Process", "/host:CPU", 1600000500001500, 1600000500001540},
                {"MatMul", "/host:CPU", 1600000500001600, 1600000500001625},
                {"IteratorGetNext", "/host:CPU", 1600000500001650, 1600000500001950},
                {"MatMul", "/host:CPU", 1600000500002000, 1600000500002025},
                {"Relu", "/host:CPU", 1600000500002100, 1600000500002105},
            }));
  EXPECT_EQ(s.str(s.events().node[0]), "tfhost");
  EXPECT_EQ(r.diagnostics.count(Issue::kDuplicateEvent), 1);
  EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 0);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

// Float timestamps, a GPU process without events and no .metadata: times
// are relative to the epoch (truncated to whole microseconds).
TEST(FormatsTest, TfTraceWithoutMetadataIsNearTheEpoch) {
  IngestResult r = ImportJob("tf_no_metadata");
  const MetricStore& s = r.store;
  EXPECT_EQ(Events(s), (std::set<EventTuple>{
                           {"EagerExecute", "/host:CPU", 73, 86},
                           {"MatMul", "/host:CPU", 90, 94},
                           {"IteratorGetNext", "/host:CPU", 1204, 1454},
                       }));
  EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 1);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

// A killed writer: the last line lacks "Timestamp" and the closing brace.
TEST(FormatsTest, TruncatedLastSystemLineIsSkippedAndCounted) {
  IngestResult r = ImportJob("system_truncated");
  EXPECT_EQ(r.store.system().size(), 5u);
  EXPECT_EQ(r.diagnostics.total(), 1);
  ASSERT_EQ(r.diagnostics.count(Issue::kMalformedLine), 1);
  EXPECT_EQ(r.diagnostics.examples(Issue::kMalformedLine)[0].line, 6);
  ASSERT_EQ(r.store.files().size(), 1u);
  EXPECT_EQ(r.store.files()[0].records_skipped, 1);
}

TEST(FormatsTest, NanosecondNamedModelTimelineIsReadLikeAnyOther) {
  IngestResult r = ImportJob("ns_name");
  const MetricStore& s = r.store;
  ASSERT_EQ(s.events().size(), 5u);
  EXPECT_EQ(CountName(s, "dataset::GetNext"), 5u);
  EXPECT_EQ(*std::min_element(s.events().start_us.begin(), s.events().start_us.end()),
            1600000700010000);
  EXPECT_EQ(s.str(s.events().node[0]), "1234-nshost");
  EXPECT_EQ(r.diagnostics.total(), 0);
}

TEST(FormatsTest, ResultIsIdenticalForAnyNumberOfWorkers) {
  for (const char* job : {"steps", "model_timeline", "system_metrics"}) {
    SCOPED_TRACE(job);
    IngestResult a = ImportJob(job, 1);
    IngestResult b = ImportJob(job, 4);
    const EventColumns& ea = a.store.events();
    const EventColumns& eb = b.store.events();
    ASSERT_EQ(ea.size(), eb.size());
    EXPECT_EQ(ea.start_us, eb.start_us);
    EXPECT_EQ(ea.end_us, eb.end_us);
    for (size_t i = 0; i < ea.size(); ++i) {
      ASSERT_EQ(a.store.str(ea.name[i]), b.store.str(eb.name[i])) << i;
    }
    const SystemColumns& sa = a.store.system();
    const SystemColumns& sb = b.store.system();
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t row = 0; row < sa.size(); ++row) {
      ASSERT_EQ(sa.ts(row), sb.ts(row)) << row;
      ASSERT_EQ(sa.value(row), sb.value(row)) << row;
      ASSERT_EQ(sa.series(row), sb.series(row)) << row;
    }
  }
}

}  // namespace
}  // namespace smr
