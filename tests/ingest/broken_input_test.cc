// Messy input never aborts, nothing good is lost, and every skip is counted
// (docs/data-quality.md). The small cases live in tests/data/broken/<case>/
// with their expected counts in expected.json; the big or special ones
// (10 MB line, symlinks, permissions, non-UTF-8 names, many files, a sparse
// file over 4 GiB) are made in a temporary directory here.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {
namespace fs = std::filesystem;

const std::string kCorpus = std::string(SMR_SOURCE_DIR) + "/tests/data/broken";

using testing::ReadFile;

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// A fresh folder for this test, removed when it goes (tests/testing/scratch.h).
class TempDir : public testing::ScopedScratchDir {
 public:
  fs::path Write(const std::string& rel, std::string_view data) const {
    return testing::WriteFile(path() / rel, data);
  }
};

std::string SysLine(double ts, double value = 1.0, const std::string& node = "algo-1") {
  std::ostringstream o;
  o.precision(17);
  o << R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":)" << value
    << R"(,"NodeId":")" << node << R"(","Timestamp":)" << ts << "}";
  return o.str();
}

struct Imported {
  Discovery discovery;
  IngestResult result;
};

Imported ImportDir(const std::string& dir) {
  Imported r;
  StatusOr<Discovery> d = DiscoverInputs(dir);
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return r;
  r.discovery = std::move(*d);
  r.result = ImportAll(r.discovery, IngestOptions{2});
  return r;
}

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
    EXPECT_EQ(dq.records_kept,
              static_cast<int64_t>(store.system().size() + store.events().size()));
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
  model.sections.push_back(DataQualitySection(
      BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics)));
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

TEST(BrokenInputTest, SymlinksNeverLeaveTheRootAndLoopsEnd) {
  TempDir outside;
  outside.Write("1600000000.algo-9.json", SysLine(1600000000.0, 1, "algo-9") + "\n");
  TempDir t;
  t.Write("system/a/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  fs::create_directory_symlink("..", t.path() / "system/a/up");     // loop
  fs::create_symlink("self.json", t.path() / "system/a/self.json");  // ELOOP
  fs::create_directory_symlink(outside.path(), t.path() / "system/outside");
  fs::create_symlink(outside.path() / "1600000000.algo-9.json",
                     t.path() / "system/1600000000.algo-9.json");
  fs::create_symlink("missing.json", t.path() / "system/1600000060.algo-1.json");
  Imported r = ImportDir(t.path().string());
  EXPECT_EQ(r.result.store.system().size(), 1u);  // only algo-1's own line
  EXPECT_EQ(r.discovery.files.size(), 1u);
  std::vector<std::string> reasons;
  for (const auto& [path, why] : r.discovery.ignored) reasons.push_back(path + ": " + why);
  auto has = [&](const std::string& needle) {
    return std::any_of(reasons.begin(), reasons.end(),
                       [&](const std::string& s) { return s.find(needle) != std::string::npos; });
  };
  EXPECT_TRUE(has("system/a/up: symlink to an ancestor directory (loop), skipped"))
      << ::testing::PrintToString(reasons);
  EXPECT_TRUE(has("system/a/self.json: broken symlink"));
  EXPECT_TRUE(has("system/outside: symlink points outside"));
  EXPECT_TRUE(has("system/1600000000.algo-9.json: symlink points outside"));
  EXPECT_TRUE(has("system/1600000060.algo-1.json: broken symlink"));
}

// Symlinks of every shape (loops at several depths, links to sibling
// folders and to files, in system/ and in framework/) neither lose nor
// double a record, and each one is listed with its reason.
TEST(BrokenInputTest, SymlinksNeitherLoseNorDoubleRecords) {
  TempDir t;
  const std::string hour = "system/incremental/2020091312/";
  t.Write(hour + "1600000000.algo-1.json",
          SysLine(1600000000.0) + "\n" + SysLine(1600000000.5) + "\n");
  t.Write(hour + "1600000060.algo-1.json", SysLine(1600000060.0) + "\n");
  t.Write("system/incremental/2020091313/1600003600.algo-2.json",
          SysLine(1600003600.0, 2.0, "algo-2") + "\n");
  const std::string base =
      R"({"name": "process_name", "ph": "M", "pid": 0, )"
      R"("args": {"start_time_since_epoch_in_micros": 1600000000000000}})";
  t.Write("framework/pevents/2020091312/1600000000000100_1-algo-1_pythontimeline.json",
          "[\n" + base + ",\n" + R"({"name": "a", "pid": 1, "ph": "X", "ts": 10, "dur": 5})" +
              ",\n" + R"({"name": "b", "pid": 1, "ph": "X", "ts": 20, "dur": 5})" + "\n]\n");
  t.Write("framework/pevents/2020091312/1600000000000200_1-algo-1_model_timeline.json",
          "[\n" + base + ",\n" + R"({"name": "c", "pid": 1, "ph": "X", "ts": 30, "dur": 5})" +
              "\n]\n");
  // Without links: 2 + 1 + 1 system lines, 2 + 1 trace events.
  Imported plain = ImportDir(t.path().string());
  ASSERT_EQ(plain.discovery.files.size(), 5u);
  EXPECT_EQ(plain.result.store.system().size(), 4u);
  EXPECT_EQ(plain.result.store.events().size(), 3u);

  const fs::path root = t.path();
  fs::create_directory_symlink("..", root / "system/loop");
  fs::create_directory_symlink("../..", root / "system/incremental/loop");
  fs::create_directory_symlink("../../..", root / "framework/pevents/2020091312/x");
  fs::create_directory_symlink(root, root / "framework/pevents/root");
  fs::create_directory_symlink("../framework", root / "system/alias");
  fs::create_directory_symlink("2020091312", root / "system/incremental/2020091314");
  fs::create_directory_symlink("../../system", root / "framework/pevents/sys");
  fs::create_symlink("../../../" + hour + "1600000000.algo-1.json",
                     root / "framework/pevents/2020091312/1600000000.algo-1.json");
  Imported linked = ImportDir(t.path().string());
  const MetricStore& store = linked.result.store;
  ASSERT_EQ(linked.discovery.files.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(linked.discovery.files[i].rel_path, plain.discovery.files[i].rel_path);
    EXPECT_EQ(linked.discovery.files[i].kind, plain.discovery.files[i].kind);
  }
  EXPECT_EQ(store.system().size(), 4u);
  EXPECT_EQ(store.events().size(), 3u);
  EXPECT_EQ(linked.result.diagnostics.count(Issue::kDuplicateFile), 0);
  EXPECT_EQ(linked.result.diagnostics.total(), 0);

  DataQuality dq = BuildDataQuality(linked.discovery, store, linked.result.diagnostics);
  EXPECT_EQ(dq.files_read, 5);
  EXPECT_EQ(dq.records_kept, 7);
  EXPECT_EQ(dq.files_not_read, 8);
  EXPECT_EQ(dq.links_skipped, 8);
  EXPECT_FALSE(dq.clean);
  EXPECT_EQ(dq.summary, "Read 5 of 5 data files; kept 7 of 7 records, skipped 0; "
                        "8 symlinks skipped.");
  const std::string loop = "symlink to an ancestor directory (loop), skipped";
  const std::vector<std::pair<std::string, std::string>> want = {
      {"framework/pevents/2020091312/1600000000.algo-1.json",
       "symlink to a file already read via its real path (" + hour +
           "1600000000.algo-1.json), skipped"},
      {"framework/pevents/2020091312/x", loop},
      {"framework/pevents/root", loop},
      {"framework/pevents/sys",
       "symlink to a directory already read via its real path (system), skipped"},
      {"system/alias",
       "symlink to a directory already read via its real path (framework), skipped"},
      {"system/incremental/2020091314",
       "symlink to a directory already read via its real path "
       "(system/incremental/2020091312), skipped"},
      {"system/incremental/loop", loop},
      {"system/loop", loop},
  };
  std::vector<std::pair<std::string, std::string>> listed;
  for (const DqFileNotRead& f : dq.not_read) listed.emplace_back(f.path, f.reason);
  EXPECT_EQ(listed, want);

  nlohmann::json j = nlohmann::json::parse(DataQualityToJson(dq));
  EXPECT_EQ(j["totals"]["links_skipped"], 8);
  EXPECT_EQ(j["totals"]["files_not_read"], 8);
  ASSERT_EQ(j["not_read"].size(), 8u);
  EXPECT_EQ(j["not_read"][7]["path"], "system/loop");
  EXPECT_EQ(j["not_read"][7]["reason"], loop);

  Section s = DataQualitySection(dq);
  const Table* table = nullptr;
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kTable && b.table.caption == "Files and symlinks not read as data") {
      table = &b.table;
    }
  }
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rows.size(), 8u);
  EXPECT_EQ(table->rows[7], (std::vector<std::string>{"system/loop", loop}));
}

// Works for root too (CI): a directory named like a data file and a
// dangling link both fail to read for anyone.
TEST(BrokenInputTest, DirectoryNamedLikeDataAndDanglingLinkAreReported) {
  TempDir t;
  t.Write("system/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  fs::create_directories(t.path() / "system/1600000060.algo-1.json");
  fs::create_symlink("nowhere", t.path() / "system/1600000120.algo-1.json");
  Imported r = ImportDir(t.path().string());
  EXPECT_EQ(r.result.store.system().size(), 1u);
  ASSERT_EQ(r.discovery.ignored.size(), 2u);
  EXPECT_EQ(r.discovery.ignored[0].first, "system/1600000060.algo-1.json");
  EXPECT_NE(r.discovery.ignored[0].second.find("directory named like a data file"),
            std::string::npos);
  EXPECT_NE(r.discovery.ignored[1].second.find("broken symlink"), std::string::npos);
  DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
  EXPECT_EQ(dq.files_not_read, 2);
}

TEST(BrokenInputTest, UnreadableFileIsCountedNotFatal) {
  if (geteuid() == 0) GTEST_SKIP() << "root can read a mode-000 file";
  TempDir t;
  t.Write("system/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  fs::path bad = t.Write("system/1600000060.algo-1.json", SysLine(1600000060.0) + "\n");
  fs::permissions(bad, fs::perms::none);
  Imported r = ImportDir(t.path().string());
  EXPECT_EQ(r.result.store.system().size(), 1u);
  EXPECT_EQ(r.result.diagnostics.count(Issue::kUnreadableFile), 1);
  DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
  EXPECT_EQ(dq.files_read, 1);
  ASSERT_EQ(dq.not_read.size(), 1u);
  EXPECT_EQ(dq.not_read[0].path, "system/1600000060.algo-1.json");
}

TEST(BrokenInputTest, NonUtf8FileNamesKeepOutputsValidUtf8) {
  TempDir t;
  t.Write("system/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  t.Write(std::string("system/caf\xe9-\xff.json"), "junk\n");
  t.Write(std::string("system/dir\xc3\x28/1600000060.algo-1.json"), "{bad line\n" +
                                                                     SysLine(1600000060.0) + "\n");
  TempDir out;
  BuildOptions opts;
  opts.input_dir = t.path().string();
  opts.out_dir = (out.path() / "report").string();
  opts.pdf = false;
  opts.quiet = true;
  StatusOr<BuildSummary> s = RunBuild(opts, nullptr);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(IsValidUtf8(ReadFile(out.path() / "report" / "profiler-report.html")));
  Imported r = ImportDir(t.path().string());
  EXPECT_EQ(r.result.store.system().size(), 2u);
  const std::string json = DataQualityToJson(
      BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics));
  EXPECT_TRUE(IsValidUtf8(json));
  EXPECT_NE(json.find("system/caf\xEF\xBF\xBD-\xEF\xBF\xBD.json"), std::string::npos);
  EXPECT_NE(json.find("system/dir\xEF\xBF\xBD(/1600000060.algo-1.json"), std::string::npos);
}

TEST(BrokenInputTest, TwentyThousandSmallFilesAreAllRead) {
  TempDir t;
  constexpr int kFiles = 20000;
  for (int i = 0; i < kFiles; ++i) {
    const int64_t ts = 1600000000 + 60LL * i;
    t.Write("system/incremental/" + std::to_string(i / 1000) + "/" + std::to_string(ts) +
                ".algo-1.json",
            SysLine(static_cast<double>(ts)) + "\n");
  }
  Imported r = ImportDir(t.path().string());
  DataQuality dq = BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics);
  EXPECT_EQ(r.result.store.system().size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(dq.files_read, kFiles);
  EXPECT_TRUE(dq.clean) << dq.summary;
}

// A system file over 4 GiB (sparse: one line, 4 GiB of NUL bytes, one line):
// offsets past 2^32 must not wrap, and the NUL "line" is skipped unparsed.
// Reading 4 GiB takes 5-40 s on a busy 2-core machine, so it runs only with
// SMR_RUN_HUGE_TESTS=1.
TEST(BrokenInputTest, SparseFileOverFourGibKeepsLinesOnBothSides) {
  if (!std::getenv("SMR_RUN_HUGE_TESTS")) GTEST_SKIP() << "set SMR_RUN_HUGE_TESTS=1 to run";
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kb = 0, avail_kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit) {
    if (key == "MemAvailable:") avail_kb = kb;
  }
  if (avail_kb < 10LL * 1024 * 1024) GTEST_SKIP() << "needs 10 GB of free memory";
  TempDir t;
  const fs::path p = t.Write("system/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  const std::string tail = "\n" + SysLine(1600000000.5) + "\n";
  const off_t offset = (off_t{1} << 32) + 100;
  int fd = ::open(p.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, tail.data(), tail.size(), offset), static_cast<ssize_t>(tail.size()));
  ::close(fd);
  Imported r = ImportDir(t.path().string());
  ASSERT_EQ(r.discovery.files.size(), 1u);
  EXPECT_GT(r.discovery.files[0].size_bytes, uint64_t{1} << 32);
  EXPECT_EQ(r.result.store.system().size(), 2u);
  EXPECT_EQ(r.result.diagnostics.count(Issue::kMalformedLine), 1);
  ASSERT_EQ(r.result.store.files().size(), 1u);
  EXPECT_EQ(r.result.store.files()[0].bytes, static_cast<uint64_t>(offset) + tail.size());
  EXPECT_EQ(r.result.store.files()[0].records_read, 3);
}

}  // namespace
}  // namespace smr
