// Chrome-trace importer: event semantics (docs/formats.md §3.2-3.3) and the
// corruption classes of §4, on inline smdebug-style files.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "smr/ingest.h"

namespace smr {
namespace {

constexpr char kBase1000[] =
    R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 1000}},)";

InputFile TraceFile(FileKind kind = FileKind::kPythonTimeline,
                    const std::string& node = "0-algo-1") {
  InputFile f;
  f.rel_path = "framework/pevents/x/1_" + node + "_pythontimeline.json";
  f.path = "/x/" + f.rel_path;
  f.kind = kind;
  f.node = node;
  return f;
}

struct Imported {
  MetricStore store;
  Diagnostics diag;
};

Imported Import(const std::string& text, const InputFile& file = TraceFile()) {
  StoreBuilder b;
  Imported r;
  TraceParseState state;
  ImportChromeTrace(file, text, &state, &b, &r.diag);
  r.store = b.Build();
  return r;
}

// smdebug's writer layout: "[\n" + "event,\n"... + "event\n]".
std::string Array(std::initializer_list<std::string> events) {
  std::string s = "[\n";
  size_t i = 0;
  for (const std::string& e : events) {
    std::string line = e;
    if (!line.empty() && line.back() == ',') line.pop_back();
    s += line;
    s += (++i < events.size()) ? ",\n" : "\n";
  }
  return s + "]\n";
}

std::string Str(const MetricStore& s, StrId id) { return std::string(s.str(id)); }

TEST(ChromeTraceImporterTest, CompleteEventGetsBaseTimePhaseAndArgs) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "process_name", "ph": "M", "pid": 1, "args": {"name": "Step:ModeKeys.TRAIN"}})",
      R"({"name": "Step:ModeKeys.TRAIN", "pid": 1, "ph": "X", "ts": 5, "dur": 10, "args": {"pid": 905, "step_num": "3", "thread_id": 77}})",
  }));
  const EventColumns& e = r.store.events();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.start_us[0], 1005);
  EXPECT_EQ(e.end_us[0], 1015);
  EXPECT_EQ(Str(r.store, e.name[0]), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(Str(r.store, e.phase[0]), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(Str(r.store, e.node[0]), "algo-1-0");  // 0-algo-1 rewritten
  EXPECT_EQ(e.step[0], 3);
  EXPECT_EQ(e.os_pid[0], 905);
  EXPECT_EQ(e.tid[0], 77);
  EXPECT_EQ(e.source[0], TraceSource::kPythonTimeline);
  EXPECT_EQ(r.diag.total(), 0);
}

TEST(ChromeTraceImporterTest, NodeIdAlgoSuffixIsRewrittenOthersKept) {
  Imported a = Import(Array({kBase1000, R"({"name":"a","ph":"X","pid":1,"ts":0,"dur":1})"}),
                      TraceFile(FileKind::kPythonTimeline, "151-algo-1"));
  EXPECT_EQ(Str(a.store, a.store.events().node[0]), "algo-1-151");
  Imported b = Import(Array({kBase1000, R"({"name":"a","ph":"X","pid":1,"ts":0,"dur":1})"}),
                      TraceFile(FileKind::kPythonTimeline, "905-b88ab1bb8259"));
  EXPECT_EQ(Str(b.store, b.store.events().node[0]), "905-b88ab1bb8259");
}

TEST(ChromeTraceImporterTest, UnmappedPidIsUnknownAndLatestProcessNameWins) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "a", "pid": 3, "ph": "X", "ts": 1, "dur": 1})",
      R"({"name": "process_name", "ph": "M", "pid": 3, "args": {"name": "Forward"}})",
      R"({"name": "b", "pid": 3, "ph": "X", "ts": 2, "dur": 1})",
      R"({"name": "process_name", "ph": "M", "pid": 3, "args": {"name": "Backward"}})",
      R"({"name": "c", "pid": 3, "ph": "X", "ts": 3, "dur": 1})",
  }));
  const EventColumns& e = r.store.events();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(Str(r.store, e.phase[0]), "Unknown");
  EXPECT_EQ(Str(r.store, e.phase[1]), "Forward");
  EXPECT_EQ(Str(r.store, e.phase[2]), "Backward");
}

TEST(ChromeTraceImporterTest, SecondBaseTimeBlockAppliesToLaterEvents) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 1, "dur": 1})",
      R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 5000}})",
      R"({"name": "b", "pid": 1, "ph": "X", "ts": 1, "dur": 1})",
  }));
  ASSERT_EQ(r.store.events().size(), 2u);
  EXPECT_EQ(r.store.events().start_us[0], 1001);
  EXPECT_EQ(r.store.events().start_us[1], 5001);
}

TEST(ChromeTraceImporterTest, MissingDurationIsCountedAndSkipped) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 1})",
      R"({"name": "b", "pid": 1, "ph": "X", "ts": 2, "dur": 3})",
  }));
  ASSERT_EQ(r.store.events().size(), 1u);
  EXPECT_EQ(Str(r.store, r.store.events().name[0]), "b");
  EXPECT_EQ(r.diag.count(Issue::kMissingDuration), 1);
  EXPECT_EQ(r.diag.examples(Issue::kMissingDuration)[0].line, 3);
}

TEST(ChromeTraceImporterTest, BeginEndPairsMatchLifoPerPidAndTakeEndArgs) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "outer", "pid": 1, "ph": "B", "ts": 10})",
      R"({"name": "other", "pid": 2, "ph": "B", "ts": 11})",
      R"({"name": "inner", "pid": 1, "ph": "B", "ts": 12})",
      R"({"name": "", "pid": 1, "ph": "E", "ts": 15, "args": {"step_num": 4}})",
      R"({"pid": 1, "ph": "E", "ts": 20})",
      R"({"name": "", "pid": 2, "ph": "E", "ts": 30})",
  }));
  const EventColumns& e = r.store.events();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(Str(r.store, e.name[0]), "inner");
  EXPECT_EQ(e.start_us[0], 1012);
  EXPECT_EQ(e.end_us[0], 1015);
  EXPECT_EQ(e.step[0], 4);
  EXPECT_EQ(Str(r.store, e.name[1]), "outer");
  EXPECT_EQ(e.start_us[1], 1010);
  EXPECT_EQ(e.end_us[1], 1020);
  EXPECT_EQ(e.step[1], -1);
  EXPECT_EQ(Str(r.store, e.name[2]), "other");
  EXPECT_EQ(r.diag.total(), 0);
}

TEST(ChromeTraceImporterTest, UnmatchedEndAndBeginAreCounted) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "", "pid": 4, "ph": "E", "ts": 5})",
      R"({"name": "open1", "pid": 1, "ph": "B", "ts": 10})",
      R"({"name": "open2", "pid": 2, "ph": "B", "ts": 11})",
      R"({"name": "", "pid": 3, "ph": "E", "ts": 12})",
  }));
  EXPECT_EQ(r.store.events().size(), 0u);
  EXPECT_EQ(r.diag.count(Issue::kUnmatchedEnd), 2);
  EXPECT_EQ(r.diag.count(Issue::kUnmatchedBegin), 2);
}

TEST(ChromeTraceImporterTest, EndBeforeBeginIsANegativeDuration) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "x", "pid": 1, "ph": "B", "ts": 10})",
      R"({"name": "", "pid": 1, "ph": "E", "ts": 5})",
      R"({"name": "y", "pid": 1, "ph": "X", "ts": 10, "dur": -3})",
  }));
  EXPECT_EQ(r.store.events().size(), 0u);
  EXPECT_EQ(r.diag.count(Issue::kNegativeDuration), 2);
}

TEST(ChromeTraceImporterTest, InstantCounterUnknownAndMissingPhasesAreIgnored) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "CYCLE_START", "pid": 1, "ph": "i", "ts": 0, "s": "g"})",
      R"({"name": "mark", "pid": 1, "ph": "I", "ts": 0})",
      R"({"name": "ctr", "pid": 1, "ph": "C", "ts": 0, "args": {"v": 1}})",
      R"({"name": "weird", "pid": 1, "ph": "Z", "ts": 0})",
      R"({"name": "noph", "pid": 1, "ts": 0, "dur": 1})",
      R"({})",
  }));
  EXPECT_EQ(r.store.events().size(), 0u);
  EXPECT_EQ(r.diag.count(Issue::kIgnoredPhase), 6);
  EXPECT_EQ(r.diag.total_data_loss(), 0);
}

TEST(ChromeTraceImporterTest, FloatTimestampsAndArgsVariantsAreRead) {
  Imported r = Import(Array({
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 116.457, "dur": 2.5, "tid": 9, "args": {"step_num": 7, "worker_id": 2, "num_workers": 4, "pin_memory": "True"}})",
      R"({"name": "b", "pid": 1, "ph": "X", "ts": 200, "dur": 1, "args": {"step_num": "x", "pin_memory": false}})",
  }));
  const EventColumns& e = r.store.events();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e.start_us[0], 116);
  EXPECT_EQ(e.end_us[0], 118);  // 118.957 truncated
  EXPECT_EQ(e.tid[0], 9);
  EXPECT_EQ(e.step[0], 7);
  EXPECT_EQ(e.worker_id[0], 2);
  EXPECT_EQ(e.num_workers[0], 4);
  EXPECT_EQ(e.pin_memory[0], 1);
  EXPECT_EQ(e.step[1], -1);
  EXPECT_EQ(e.pin_memory[1], 0);
  EXPECT_EQ(e.worker_id[1], -1);
  // No base time in the file and no earlier file: base 0, reported.
  EXPECT_EQ(r.diag.count(Issue::kNoBaseTime), 1);
}

TEST(ChromeTraceImporterTest, FileWithoutBaseInheritsPreviousFileOfSameKind) {
  const std::string with_base = Array({
      R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 7000}})",
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 1, "dur": 1})",
  });
  const std::string without = Array({R"({"name": "b", "pid": 1, "ph": "X", "ts": 2, "dur": 1})"});
  StoreBuilder b;
  Diagnostics diag;
  TraceParseState state;
  ImportChromeTrace(TraceFile(FileKind::kPythonTimeline), with_base, &state, &b, &diag);
  ImportChromeTrace(TraceFile(FileKind::kPythonTimeline), without, &state, &b, &diag);
  ImportChromeTrace(TraceFile(FileKind::kModelTimeline), without, &state, &b, &diag);
  MetricStore s = b.Build();
  ASSERT_EQ(s.events().size(), 3u);
  EXPECT_EQ(s.events().start_us[0], 7001);
  EXPECT_EQ(s.events().start_us[1], 7002);  // inherited
  EXPECT_EQ(s.events().start_us[2], 2);     // other kind: nothing to inherit
  EXPECT_EQ(diag.count(Issue::kNoBaseTime), 2);
}

TEST(ChromeTraceImporterTest, UnterminatedArrayKeepsCompleteEvents) {
  // Writer killed after a full event: file ends in ",\n".
  std::string text = "[\n" + std::string(kBase1000) + "\n" +
                     R"({"name": "a", "pid": 1, "ph": "X", "ts": 1, "dur": 1},)" + "\n";
  Imported r = Import(text);
  EXPECT_EQ(r.store.events().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kTruncatedTrace), 1);
  // Killed in the middle of an event.
  Imported r2 = Import(text + R"({"name": "b", "pid": 1, "ph": "X", "ts")");
  EXPECT_EQ(r2.store.events().size(), 1u);
  EXPECT_EQ(r2.diag.count(Issue::kTruncatedTrace), 1);
  EXPECT_EQ(r2.diag.count(Issue::kMalformedEvent), 0);
}

TEST(ChromeTraceImporterTest, TraceEventsObjectIsReadOtherObjectIsNotAnArray) {
  Imported r =
      Import(R"({"traceEvents": [{"name": "a", "ph": "X", "pid": 1, "ts": 1, "dur": 1}]})");
  EXPECT_EQ(r.store.events().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kNotAnArray), 0);
  Imported other = Import(R"({"events": [{"name": "a", "ph": "X", "pid": 1, "ts": 1, "dur": 1}]})");
  EXPECT_EQ(other.store.events().size(), 0u);
  EXPECT_EQ(other.diag.count(Issue::kNotAnArray), 1);
}

TEST(ChromeTraceImporterTest, MalformedLineInTheMiddleIsSkipped) {
  Imported r = Import(Array({
      kBase1000,
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 1, "dur": 1})",
      R"({"name": "broken", "pid": 1, "ph": "X", "ts": 2, "dur": })",
      R"([1, 2])",
      R"({"name": "c", "pid": 1, "ph": "X", "ts": 3, "dur": 1})",
  }));
  EXPECT_EQ(r.store.events().size(), 2u);
  EXPECT_EQ(r.diag.count(Issue::kMalformedEvent), 2);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedEvent)[0].line, 4);
}

TEST(ChromeTraceImporterTest, SingleLineAndPrettyPrintedArraysAreParsedWhole) {
  Imported one = Import(
      R"([{"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 1000}}, {"name": "a", "pid": 1, "ph": "X", "ts": 1, "dur": 1}, {"name": "b", "pid": 1, "ph": "X", "ts": 2, "dur": 1}])");
  ASSERT_EQ(one.store.events().size(), 2u);
  EXPECT_EQ(one.store.events().start_us[1], 1002);
  EXPECT_EQ(one.diag.total_data_loss(), 0);
  Imported pretty = Import(
      "[\n  {\n    \"name\": \"a\",\n    \"ph\": \"X\",\n"
      "    \"pid\": 1, \"ts\": 1, \"dur\": 1\n  }\n]\n");
  EXPECT_EQ(pretty.store.events().size(), 1u);
  EXPECT_EQ(pretty.diag.total_data_loss(), 0);
}

TEST(ChromeTraceImporterTest, DurationsOverADayAreCountedAndExcluded) {
  Imported r = Import(
      Array(
          {R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 1592860687560103}})",
           R"({"name": "4", "pid": 1, "ph": "X", "ts": 8440610, "dur": 812355471858})",
           R"({"name": "day", "pid": 1, "ph": "X", "ts": 1, "dur": 86400000000})"}),
      TraceFile(FileKind::kHorovodTimeline, "88359-host"));
  ASSERT_EQ(r.store.events().size(), 1u);  // exactly 24 h is still kept
  EXPECT_EQ(r.store.events().end_us[0] - r.store.events().start_us[0], 86400000000LL);
  EXPECT_EQ(r.store.events().source[0], TraceSource::kHorovodTimeline);
  EXPECT_EQ(r.diag.count(Issue::kAbsurdDuration), 1);
  ASSERT_EQ(r.diag.examples(Issue::kAbsurdDuration).size(), 1u);
  EXPECT_EQ(r.diag.examples(Issue::kAbsurdDuration)[0].line, 3);
}

TEST(ChromeTraceImporterTest, OverflowingTimesAreRejectedNotWrapped) {
  Imported r = Import(Array({
      R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": 9223372036854775000}})",
      R"({"name": "a", "pid": 1, "ph": "X", "ts": 1000, "dur": 1})",
  }));
  EXPECT_EQ(r.store.events().size(), 0u);
  EXPECT_EQ(r.diag.count(Issue::kMalformedEvent), 1);
}

}  // namespace
}  // namespace smr
