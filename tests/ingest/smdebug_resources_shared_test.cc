// Ingest on the real smdebug test resources (shared-data tests: they run
// only when the optional shared folder exists, see tests/CMakeLists.txt):
// the counts smdebug 1.0.34 itself reports for each resource directory, and
// determinism across worker counts. Every format variation used here is also
// covered by the hand-written jobs of tests/data/formats (formats_test.cc).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/discover.h"
#include "smr/ingest.h"
#include "tests/testing/files.h"

namespace smr {
namespace {

using testing::ReadFile;

struct Imported {
  MetricStore store;
  Diagnostics diag;
};

// One model-timeline file of node `node`, imported on its own.
Imported ImportTrace(const std::string& text, const std::string& node) {
  InputFile f;
  f.rel_path = "framework/pevents/x/1_" + node + "_model_timeline.json";
  f.path = "/x/" + f.rel_path;
  f.kind = FileKind::kModelTimeline;
  f.node = node;
  StoreBuilder b;
  Imported r;
  TraceParseState state;
  ImportChromeTrace(f, text, &state, &b, &r.diag);
  r.store = b.Build();
  return r;
}

// One system-metrics file of algo-1, imported on its own.
Imported ImportSystem(const std::string& text) {
  InputFile f;
  f.path = "/x/system/1591160699.algo-1.json";
  f.rel_path = "system/1591160699.algo-1.json";
  f.kind = FileKind::kSystem;
  f.node = "algo-1";
  StoreBuilder b;
  Imported r;
  ImportSystemMetrics(f, text, &b, &r.diag);
  r.store = b.Build();
  return r;
}

std::string Resource(const std::string& rel) {
  return std::string(SMR_SHARED_DIR) + "/smdebug-resources/" + rel;
}

IngestResult ImportDir(const std::string& rel, int jobs = 2) {
  auto d = DiscoverInputs(Resource(rel));
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

size_t CountName(const MetricStore& s, std::string_view name) {
  size_t n = 0;
  for (StrId id : s.events().name) {
    if (s.str(id) == name) ++n;
  }
  return n;
}

TEST(ImportAllSharedTest, TestTracesHave78SystemAnd4FrameworkEvents) {
  IngestResult r = ImportDir("test_traces");
  EXPECT_EQ(r.store.system().size(), 78u);
  EXPECT_EQ(CountType(r.store, "cpu"), 68u);
  EXPECT_EQ(CountType(r.store, "gpu"), 10u);
  ASSERT_EQ(r.store.events().size(), 4u);
  const EventColumns& e = r.store.events();
  EXPECT_EQ(r.store.str(e.name[0]), "event1");
  EXPECT_EQ(r.store.str(e.phase[0]), "RotationPolicyTest_file_size");
  EXPECT_EQ(r.store.str(e.node[0]), "4487");
  EXPECT_EQ(e.step[0], 1);
  EXPECT_EQ(e.end_us[0] - e.start_us[0], 1000000);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
  EXPECT_EQ(r.store.files().size(), 7u);
  EXPECT_GT(r.bytes_read, 0u);
}

TEST(ImportAllSharedTest, MergeTracesHave702EventsWith30TrainAnd10EvalSteps) {
  IngestResult r = ImportDir("merge_traces");
  EXPECT_EQ(r.store.system().size(), 0u);
  EXPECT_EQ(r.store.events().size(), 702u);
  EXPECT_EQ(CountName(r.store, "Step:ModeKeys.TRAIN"), 30u);
  EXPECT_EQ(CountName(r.store, "Step:ModeKeys.EVAL"), 10u);
  EXPECT_EQ(CountName(r.store, "dataset::GetNext"), 622u);
  EXPECT_EQ(CountName(r.store, "IteratorGetNextOp::DoCompute"), 40u);
  // The longest TRAIN step of docs/formats.md §7 (step 0).
  int64_t max_train = 0;
  const EventColumns& e = r.store.events();
  for (size_t i = 0; i < e.size(); ++i) {
    if (r.store.str(e.name[i]) == "Step:ModeKeys.TRAIN") {
      max_train = std::max(max_train, e.end_us[i] - e.start_us[i]);
      EXPECT_EQ(e.os_pid[i], 905);
      EXPECT_EQ(r.store.str(e.node[i]), "905-b88ab1bb8259");
    }
  }
  EXPECT_EQ(max_train, 9020725);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

TEST(ImportAllSharedTest, ModelTimelineTracesHave109Events) {
  IngestResult r = ImportDir("model_timeline_traces");
  EXPECT_EQ(r.store.events().size(), 109u);
  EXPECT_EQ(CountName(r.store, "kAllReduce"), 9u);
  EXPECT_EQ(CountName(r.store, "dataset::GetNext"), 100u);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

// smdebug reads 19 events from the Horovod directory: the file with the
// events holds 19 X events with ~9.4-day durations; its 4
// NEGOTIATE_ALLREDUCE B events (pids 1, 2, 12, 13) never get an E on their
// pid, and its 2 E events are on pid 14, which has no open B, so no B/E pair
// completes; the CYCLE_START instant events are ignored. The first file has
// only an instant event. We count the same 19 but exclude them from
// analysis as absurd (> 24 h, docs/data-quality.md).
TEST(ImportAllSharedTest, HorovodTracesHave19AbsurdEvents) {
  IngestResult r = ImportDir("horovod_timeline_traces");
  EXPECT_EQ(r.store.events().size(), 0u);
  EXPECT_EQ(r.diagnostics.count(Issue::kAbsurdDuration), 19);
  EXPECT_EQ(r.diagnostics.count(Issue::kUnmatchedBegin), 4);
  EXPECT_EQ(r.diagnostics.count(Issue::kUnmatchedEnd), 2);
  EXPECT_EQ(r.diagnostics.count(Issue::kIgnoredPhase), 2);
  // Records: 19 X + 4 B never ended + 2 lone E + 2 instant events (one
  // per file); metadata is not a record. None is kept.
  int64_t read = 0, skipped = 0;
  for (const FileStats& f : r.store.files()) {
    read += f.records_read;
    skipped += f.records_skipped;
  }
  EXPECT_EQ(read, 27);
  EXPECT_EQ(skipped, 27);
}

int64_t FirstXTs(const std::string& gz_path) {
  bool ok = false;
  std::string json = Gunzip(ReadFile(gz_path), &ok);
  EXPECT_TRUE(ok);
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  for (const auto& ev : doc["traceEvents"]) {
    if (ev.contains("ph") && ev["ph"] == "X") return ev["ts"].get<int64_t>();
  }
  return -1;
}

// 798 X events, one of them an exact duplicate (same name, pid, tid, ts and
// dur): smdebug's pandas layer keeps 797 rows (docs/formats.md §7) and so do we.
TEST(ImportAllSharedTest, TfProfilerTraceHas797DistinctEventsOnMetadataBaseTime) {
  IngestResult r = ImportDir("tfprofiler_timeline_traces");
  ASSERT_EQ(r.store.events().size(), 797u);
  EXPECT_EQ(r.diagnostics.count(Issue::kDuplicateEvent), 1);
  int64_t first_ts =
      FirstXTs(Resource("tfprofiler_timeline_traces/framework/tensorflow/detailed_profiling/"
                        "2020080513/000000000/plugins/profile/2020_08_05_13_37_44/"
                        "8c859046be41.ant.amazon.com.trace.json.gz"));
  ASSERT_GE(first_ts, 0);
  EXPECT_EQ(r.store.events().start_us[0], 1596659864545103LL + first_ts);
  EXPECT_EQ(r.store.str(r.store.events().node[0]), "8c859046be41");
  EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 0);
  EXPECT_EQ(r.diagnostics.total_data_loss(), 0);
}

TEST(ImportAllSharedTest, TfTraceWithoutMetadataHas256EventsNearEpoch) {
  IngestResult r = ImportDir("tfprofiler_local_missing_metadata");
  ASSERT_EQ(r.store.events().size(), 256u);
  int64_t min_start = r.store.events().start_us[0];
  for (int64_t s : r.store.events().start_us) min_start = std::min(min_start, s);
  EXPECT_EQ(min_start, 116);  // 116.457 us after the epoch (docs/formats.md §7)
  EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 1);
}

TEST(ImportAllSharedTest, ResultIsIdenticalForAnyNumberOfWorkers) {
  IngestResult a = ImportDir("merge_traces", 1);
  IngestResult b = ImportDir("merge_traces", 3);
  ASSERT_EQ(a.store.events().size(), b.store.events().size());
  EXPECT_EQ(a.store.events().start_us, b.store.events().start_us);
  EXPECT_EQ(a.store.events().end_us, b.store.events().end_us);
  for (size_t i = 0; i < a.store.events().size(); ++i) {
    ASSERT_EQ(a.store.str(a.store.events().name[i]), b.store.str(b.store.events().name[i]));
  }
  IngestResult c = ImportDir("test_traces", 1);
  IngestResult d = ImportDir("test_traces", 4);
  ASSERT_EQ(c.store.system().size(), d.store.system().size());
  for (size_t r = 0; r < c.store.system().size(); ++r) {
    ASSERT_EQ(c.store.system().ts(r), d.store.system().ts(r)) << r;
    ASSERT_EQ(c.store.system().value(r), d.store.system().value(r)) << r;
    ASSERT_EQ(c.store.system().series(r), d.store.system().series(r)) << r;
  }
}

TEST(ChromeTraceImporterSharedTest, NanosecondNamedModelTimelineHas49Events) {
  const std::string text =
      ReadFile(Resource("1589314018481947000_1234-testhost_model_timeline.json"));
  ASSERT_FALSE(text.empty());
  Imported r = ImportTrace(text, "1234-testhost");
  EXPECT_EQ(r.store.events().size(), 49u);
  for (size_t i = 0; i < r.store.events().size(); ++i) {
    EXPECT_EQ(r.store.str(r.store.events().name[i]), "dataset::GetNext");
  }
  EXPECT_EQ(r.diag.total_data_loss(), 0);
}

TEST(SystemMetricsImporterSharedTest, CorruptFileKeepsThirteenAndCountsOne) {
  const std::string text = ReadFile(Resource("1591160699.algo-1.json.corrupt"));
  ASSERT_FALSE(text.empty());
  Imported r = ImportSystem(text);
  EXPECT_EQ(r.store.system().size(), 13u);
  EXPECT_EQ(r.diag.total(), 1);
  EXPECT_EQ(r.diag.count(Issue::kMalformedLine), 1);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedLine)[0].line, 14);
  EXPECT_EQ(r.store.files()[0].records_skipped, 1);
}

}  // namespace
}  // namespace smr
