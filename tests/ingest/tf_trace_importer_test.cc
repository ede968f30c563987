// TensorFlow trace.json.gz importer and Gunzip (docs/formats.md §1.3, §3.5).
#include <string>

#include <gtest/gtest.h>

#include "smr/ingest.h"
#include "tests/testing/gzip.h"

namespace smr {
namespace {

using testing::Gzip;

InputFile TfFile(bool has_metadata, int64_t base_us) {
  InputFile f;
  f.rel_path =
      "framework/tensorflow/detailed_profiling/h/0/plugins/profile/p/"
      "ip-172-31-19-241.trace.json.gz";
  f.path = "/x/" + f.rel_path;
  f.kind = FileKind::kTfTrace;
  f.node = "ip-172-31-19-241";
  f.has_metadata = has_metadata;
  f.base_time_us = base_us;
  return f;
}

const char kTrace[] =
    R"({"displayTimeUnit":"ns","metadata":{"highres-ticks":true},"traceEvents":[)"
    R"({"ph":"M","pid":49,"name":"process_name","args":{"name":"/host:CPU"}},)"
    R"({"ph":"M","pid":49,"tid":7,"name":"thread_name","args":{"name":"tf_Compute"}},)"
    R"({"pid":49,"tid":7,"ts":21307,"name":"ExecutorState::Process","ph":"X","dur":28,"args":{"id":"-1","iter_num":"0"}},)"
    R"({"pid":50,"tid":8,"ts":116.457,"name":"Kernel","ph":"X","dur":1.5},)"
    R"({}]})";

TEST(GunzipTest, RoundTripsAndReportsTruncation) {
  std::string text(100000, 'a');
  for (size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  std::string gz = Gzip(text);
  bool ok = false;
  EXPECT_EQ(Gunzip(gz, &ok), text);
  EXPECT_TRUE(ok);
  std::string partial = Gunzip(gz.substr(0, gz.size() / 2), &ok);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(partial.empty());
  EXPECT_EQ(partial, text.substr(0, partial.size()));
  Gunzip("not gzip at all", &ok);
  EXPECT_FALSE(ok);
}

TEST(TfTraceImporterTest, EventsGetMetadataBaseTimeAndFileNode) {
  StoreBuilder b;
  Diagnostics diag;
  ImportTfTrace(TfFile(true, 1596659864545103LL), Gzip(kTrace), &b, &diag);
  MetricStore s = b.Build();
  const EventColumns& e = s.events();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e.start_us[0], 1596659864545103LL + 21307);
  EXPECT_EQ(e.end_us[0], 1596659864545103LL + 21307 + 28);
  EXPECT_EQ(s.str(e.phase[0]), "/host:CPU");
  EXPECT_EQ(s.str(e.phase[1]), "Unknown");
  EXPECT_EQ(s.str(e.node[0]), "ip-172-31-19-241");
  EXPECT_EQ(e.tid[0], 7);
  EXPECT_EQ(e.source[0], TraceSource::kTfTrace);
  EXPECT_EQ(diag.total_data_loss(), 0);
  EXPECT_EQ(diag.count(Issue::kNoBaseTime), 0);
  EXPECT_EQ(diag.count(Issue::kIgnoredPhase), 1);  // the trailing {}
}

TEST(TfTraceImporterTest, MissingMetadataMeansBaseZeroAndIsReported) {
  StoreBuilder b;
  Diagnostics diag;
  ImportTfTrace(TfFile(false, 0), Gzip(kTrace), &b, &diag);
  MetricStore s = b.Build();
  ASSERT_EQ(s.events().size(), 2u);
  EXPECT_EQ(s.events().start_us[1], 116);
  EXPECT_EQ(diag.count(Issue::kNoBaseTime), 1);
}

TEST(TfTraceImporterTest, TruncatedGzipKeepsCompleteEvents) {
  // Many events so that half the gzip still inflates a good number of them.
  std::string json = R"({"traceEvents":[)";
  for (int i = 0; i < 2000; ++i) {
    json += R"({"pid":1,"tid":2,"ts":)" + std::to_string(i * 10) + R"(,"name":"op)" +
            std::to_string(i * 7919 % 1000) + R"(","ph":"X","dur":5,"args":{"k":"v"}},)";
  }
  json += "{}]}";
  std::string gz = Gzip(json);
  StoreBuilder b;
  Diagnostics diag;
  ImportTfTrace(TfFile(true, 0), gz.substr(0, gz.size() / 2), &b, &diag);
  MetricStore s = b.Build();
  EXPECT_EQ(diag.count(Issue::kGzipError), 1);
  EXPECT_EQ(diag.count(Issue::kTruncatedTrace), 1);
  EXPECT_GT(s.events().size(), 100u);
  EXPECT_LT(s.events().size(), 2000u);
  // Events are kept in order from the start.
  for (size_t i = 0; i < s.events().size(); ++i) {
    EXPECT_EQ(s.events().start_us[i], static_cast<int64_t>(i) * 10);
  }
}

TEST(TfTraceImporterTest, GarbageIsReportedNotFatal) {
  StoreBuilder b;
  Diagnostics diag;
  ImportTfTrace(TfFile(true, 0), "garbage", &b, &diag);
  MetricStore s = b.Build();
  EXPECT_EQ(s.events().size(), 0u);
  EXPECT_EQ(diag.count(Issue::kGzipError), 1);
}

}  // namespace
}  // namespace smr
