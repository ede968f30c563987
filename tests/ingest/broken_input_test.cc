// Messy input never aborts, nothing good is lost, and every skip is counted
// (docs/data-quality.md). The small cases live in tests/data/broken/<case>/
// with their expected counts in expected.json; a million good lines and a
// 10 MB line are made here (messy folder trees: broken_filesystem_test.cc).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smr/data_quality.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/pipeline.h"
#include "smr/render.h"
#include "src/report/data_quality_section.h"
#include "tests/ingest/broken_input_util.h"
#include "tests/testing/files.h"

namespace smr {
namespace {
namespace fs = std::filesystem;

const std::string kCorpus = std::string(SMR_SOURCE_DIR) + "/tests/data/broken";

using testing::ReadFile;
using namespace broken_input;  // NOLINT: test helpers

std::vector<std::string> CorpusCases() {
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    if (e.is_directory()) cases.push_back(e.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST(BrokenInputTest, CorpusHasACaseForEveryArea) {
  std::vector<std::string> cases = CorpusCases();
  EXPECT_GE(cases.size(), 11u);
}

TEST(BrokenInputTest, EveryCorpusCaseHasItsExpectedCounts) {
  for (const std::string& name : CorpusCases()) {
    SCOPED_TRACE(name);
    const fs::path dir = fs::path(kCorpus) / name;
    nlohmann::json expected = nlohmann::json::parse(ReadFile(dir / "expected.json"));
    Imported r = ImportDir(dir.string());
    const MetricStore& store = r.result.store;
    const Diagnostics& diag = r.result.diagnostics;
    EXPECT_EQ(store.system().size(), expected["system_samples"].get<size_t>());
    EXPECT_EQ(store.events().size(), expected["events"].get<size_t>());
    EXPECT_EQ(r.discovery.ignored.size(), expected["ignored"].get<size_t>());
    for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
      const Issue issue = static_cast<Issue>(i);
      const char* key = GetIssueInfo(issue).key;
      int64_t want = expected["issues"].value(key, int64_t{0});
      EXPECT_EQ(diag.count(issue), want) << key;
    }
    if (expected.contains("system_ts")) {
      std::vector<double> ts;
      for (size_t r = 0; r < store.system().size(); ++r) ts.push_back(store.system().ts(r));
      std::sort(ts.begin(), ts.end());
      EXPECT_EQ(ts, expected["system_ts"].get<std::vector<double>>());
    }
    if (expected.contains("event_names")) {
      std::vector<std::string> names;
      for (StrId id : store.events().name) names.emplace_back(store.str(id));
      std::sort(names.begin(), names.end());
      EXPECT_EQ(names, expected["event_names"].get<std::vector<std::string>>());
    }
    if (expected.contains("event_starts")) {
      std::vector<int64_t> starts(store.events().start_us.begin(), store.events().start_us.end());
      std::sort(starts.begin(), starts.end());
      EXPECT_EQ(starts, expected["event_starts"].get<std::vector<int64_t>>());
    }
    DataQuality dq = BuildDataQuality(r.discovery, store, diag);
    if (expected.contains("records_read")) {
      EXPECT_EQ(dq.records_read, expected["records_read"].get<int64_t>());
      EXPECT_EQ(dq.records_skipped, expected["records_skipped"].get<int64_t>());
    }
    EXPECT_EQ(dq.records_kept, static_cast<int64_t>(store.system().size() + store.events().size()));
    // Every record read is either kept or skipped for a counted reason.
    for (const FileStats& f : store.files()) {
      EXPECT_EQ(f.records_read, f.records_kept + f.records_skipped) << f.rel_path;
    }
    EXPECT_TRUE(IsValidUtf8(DataQualityToJson(dq)));
  }
}

TEST(BrokenInputTest, TimeCaseReportsGapOutOfOrderRangesAndEmptyNode) {
  Imported r = ImportDir(kCorpus + "/time");
  DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
  ASSERT_EQ(dq.nodes.size(), 3u);
  const DqNode& a1 = dq.nodes[0];
  EXPECT_EQ(a1.node, "algo-1");
  EXPECT_DOUBLE_EQ(a1.median_interval_s, 0.5);
  EXPECT_EQ(a1.out_of_order_samples, 1);
  EXPECT_NEAR(a1.max_backward_jump_s, 2.25, 1e-6);
  ASSERT_EQ(a1.gaps.size(), 1u);
  EXPECT_NEAR(a1.gaps[0].length_s(), 25.5, 1e-6);
  EXPECT_EQ(dq.nodes[1].node, "algo-2");
  EXPECT_NEAR(dq.nodes[1].first_s - a1.first_s, 200, 1e-6);
  EXPECT_EQ(dq.nodes[2].node, "algo-3");
  EXPECT_EQ(dq.nodes[2].system_samples, 0);
  EXPECT_TRUE(dq.nodes[2].system_files);
  int notes = 0;
  for (const std::string& n : dq.notes) {
    if (n.find("algo-2") != std::string::npos || n.find("algo-3") != std::string::npos) ++notes;
  }
  EXPECT_EQ(notes, 2);
  EXPECT_FALSE(dq.clean);
}

TEST(BrokenInputTest, RunBuildSucceedsOnEveryCorpusCase) {
  for (const std::string& name : CorpusCases()) {
    SCOPED_TRACE(name);
    TempDir out;
    BuildOptions opts;
    opts.input_dir = kCorpus + "/" + name;
    opts.out_dir = (out.path() / "report").string();
    opts.pdf = name == "system_bad_lines";  // one PDF is enough
    opts.quiet = true;
    StatusOr<BuildSummary> s = RunBuild(opts, nullptr);
    ASSERT_TRUE(s.ok()) << s.status().message();
    const std::string html = ReadFile(out.path() / "report" / "profiler-report.html");
    EXPECT_NE(html.find("Data quality"), std::string::npos);
    EXPECT_TRUE(IsValidUtf8(html));
    // The section's summary line and data-quality.json carry the counts.
    Imported r = ImportDir(opts.input_dir);
    const DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
    EXPECT_NE(html.find(dq.summary), std::string::npos) << dq.summary;
    const fs::path dq_json = out.path() / "report" / "data-quality.json";
    ASSERT_TRUE(fs::exists(dq_json));
    nlohmann::json expected =
        nlohmann::json::parse(ReadFile(fs::path(kCorpus) / name / "expected.json"));
    nlohmann::json j = nlohmann::json::parse(ReadFile(dq_json));
    EXPECT_EQ(j["totals"]["records_kept"].get<size_t>(),
              expected["system_samples"].get<size_t>() + expected["events"].get<size_t>());
    for (const auto& [key, count] : expected["issues"].items()) {
      bool found = false;
      for (const auto& reason : j["reasons"]) {
        if (reason["key"] == key) {
          found = true;
          EXPECT_EQ(reason["count"], count) << key;
        }
      }
      EXPECT_TRUE(found) << key;
    }
  }
}

TEST(BrokenInputTest, NothingReadableStillBuildsAReport) {
  TempDir t;
  t.Write("system/1600000000.algo-1.json", "garbage\n{\"Type\":\n");
  t.Write("system/1600000060.algo-1.json", "");
  t.Write("framework/pevents/x/1600000000000000_1-algo-1_pythontimeline.json", "[\n{\"na");
  TempDir out;
  BuildOptions opts;
  opts.input_dir = t.path().string();
  opts.out_dir = (out.path() / "report").string();
  opts.quiet = true;
  StatusOr<BuildSummary> s = RunBuild(opts, nullptr);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(fs::exists(out.path() / "report" / "profiler-report.html"));
  EXPECT_TRUE(fs::exists(out.path() / "report" / "profiler-report.pdf"));
  EXPECT_GE(s->warnings, 2);  // two malformed lines (the empty file is informational)
  Imported r = ImportDir(t.path().string());
  DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
  EXPECT_EQ(dq.records_kept, 0);
  EXPECT_FALSE(dq.clean);
  EXPECT_NE(std::find(dq.notes.begin(), dq.notes.end(), "No records could be read from the input."),
            dq.notes.end());
}

TEST(BrokenInputTest, DataQualitySectionRendersTheCountsAsHtml) {
  Imported r = ImportDir(kCorpus + "/system_bad_lines");
  ReportModel model;
  model.sections.push_back(
      DataQualitySection(BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics)));
  StatusOr<std::string> html = RenderHtml(model, FindTemplateDir(""));
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_TRUE(IsValidUtf8(*html));
  // The summary line with the hand-computed counts of expected.json.
  EXPECT_NE(html->find("kept 4 of 15 records, skipped 11"), std::string::npos);
  for (const char* reason : {"line is not a valid JSON object", "line contains invalid UTF-8",
                             "exact duplicate system sample (dropped)"}) {
    EXPECT_NE(html->find(reason), std::string::npos) << reason;
  }
  // file:line of the first malformed line (line 2: truncated).
  EXPECT_NE(html->find("1600000000.algo-1.json:2:"), std::string::npos);
}

TEST(BrokenInputTest, MillionGoodLinesImportQuickly) {
  std::string text;
  const char* names[] = {"cpu0", "cpu1", "gpu0", "gpu1"};
  for (int i = 0; i < 250000; ++i) {
    for (const char* n : names) {
      text += R"({"Type":"cpu","Name":")";
      text += n;
      text += R"(","Dimension":"CPUUtilization","Value":)" + std::to_string(i % 100) +
              R"(,"NodeId":"algo-1","Timestamp":)" + std::to_string(1600000000 + i) + ".25}\n";
    }
  }
  InputFile f;
  f.kind = FileKind::kSystem;
  f.rel_path = "system/1600000000.algo-1.json";
  StoreBuilder b;
  Diagnostics d;
  const auto start = std::chrono::steady_clock::now();
  ImportSystemMetrics(f, text, &b, &d);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MetricStore store = b.Build();
  EXPECT_EQ(store.system().size(), 1000000u);
  EXPECT_EQ(d.total(), 0);
  // Recorded for reading (~0.2 s), not asserted: wall time depends on the
  // machine's load (performance is measured by bench/, docs/performance.md).
  RecordProperty("seconds_per_million_lines", std::to_string(secs));
}

TEST(BrokenInputTest, TenMegabyteLineIsSkippedAndNeighboursKept) {
  TempDir t;
  std::string junk(10 << 20, 'x');
  t.Write("system/1600000000.algo-1.json",
          SysLine(1600000000.0) + "\n" + junk + "\n" + SysLine(1600000000.5) + "\n");
  Imported r = ImportDir(t.path().string());
  EXPECT_EQ(r.result.store.system().size(), 2u);
  EXPECT_EQ(r.result.diagnostics.count(Issue::kMalformedLine), 1);
  ASSERT_EQ(r.result.diagnostics.examples(Issue::kMalformedLine).size(), 1u);
  EXPECT_EQ(r.result.diagnostics.examples(Issue::kMalformedLine)[0].line, 2);
  EXPECT_LT(r.result.diagnostics.examples(Issue::kMalformedLine)[0].excerpt.size(), 200u);
}

}  // namespace
}  // namespace smr
