// Messy input trees never abort and every file left out is listed with its
// reason (docs/data-quality.md): symlinks of every shape, a directory named
// like a data file, permissions, non-UTF-8 names, many files and a sparse file
// over 4 GiB, all made in a temporary directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "smr/data_quality.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/pipeline.h"
#include "src/report/data_quality_section.h"
#include "tests/ingest/broken_input_util.h"
#include "tests/testing/files.h"

namespace smr {
namespace {
namespace fs = std::filesystem;

using testing::ReadFile;
using namespace broken_input;  // NOLINT: test helpers

TEST(BrokenInputTest, SymlinksNeverLeaveTheRootAndLoopsEnd) {
  TempDir outside;
  outside.Write("1600000000.algo-9.json", SysLine(1600000000.0, 1, "algo-9") + "\n");
  TempDir t;
  t.Write("system/a/1600000000.algo-1.json", SysLine(1600000000.0) + "\n");
  fs::create_directory_symlink("..", t.path() / "system/a/up");      // loop
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

// A small job in `t`: 2 + 1 + 1 system lines in three files of two hours,
// 2 + 1 trace events in two files. Returns the first hour's folder.
std::string WriteSmallJob(const TempDir& t) {
  const std::string hour = "system/incremental/2020091312/";
  t.Write(hour + "1600000000.algo-1.json",
          SysLine(1600000000.0) + "\n" + SysLine(1600000000.5) + "\n");
  t.Write(hour + "1600000060.algo-1.json", SysLine(1600000060.0) + "\n");
  t.Write("system/incremental/2020091313/1600003600.algo-2.json",
          SysLine(1600003600.0, 2.0, "algo-2") + "\n");
  const std::string base = R"({"name": "process_name", "ph": "M", "pid": 0, )"
                           R"("args": {"start_time_since_epoch_in_micros": 1600000000000000}})";
  t.Write("framework/pevents/2020091312/1600000000000100_1-algo-1_pythontimeline.json",
          "[\n" + base + ",\n" + R"({"name": "a", "pid": 1, "ph": "X", "ts": 10, "dur": 5})" +
              ",\n" + R"({"name": "b", "pid": 1, "ph": "X", "ts": 20, "dur": 5})" + "\n]\n");
  t.Write(
      "framework/pevents/2020091312/1600000000000200_1-algo-1_model_timeline.json",
      "[\n" + base + ",\n" + R"({"name": "c", "pid": 1, "ph": "X", "ts": 30, "dur": 5})" + "\n]\n");
  return hour;
}

// Links into the job of every shape: loops at several depths, links to
// sibling folders and to a file, in system/ and in framework/ (8 in all).
void LinkEveryWay(const fs::path& root, const std::string& hour) {
  fs::create_directory_symlink("..", root / "system/loop");
  fs::create_directory_symlink("../..", root / "system/incremental/loop");
  fs::create_directory_symlink("../../..", root / "framework/pevents/2020091312/x");
  fs::create_directory_symlink(root, root / "framework/pevents/root");
  fs::create_directory_symlink("../framework", root / "system/alias");
  fs::create_directory_symlink("2020091312", root / "system/incremental/2020091314");
  fs::create_directory_symlink("../../system", root / "framework/pevents/sys");
  fs::create_symlink("../../../" + hour + "1600000000.algo-1.json",
                     root / "framework/pevents/2020091312/1600000000.algo-1.json");
}

// Symlinks of every shape (loops at several depths, links to sibling
// folders and to files, in system/ and in framework/) neither lose nor
// double a record, and each one is listed with its reason.
TEST(BrokenInputTest, SymlinksNeitherLoseNorDoubleRecords) {
  TempDir t;
  const std::string hour = WriteSmallJob(t);
  // Without links: 2 + 1 + 1 system lines, 2 + 1 trace events.
  Imported plain = ImportDir(t.path().string());
  ASSERT_EQ(plain.discovery.files.size(), 5u);
  EXPECT_EQ(plain.result.store.system().size(), 4u);
  EXPECT_EQ(plain.result.store.events().size(), 3u);

  LinkEveryWay(t.path(), hour);
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
  EXPECT_EQ(dq.summary,
            "Read 5 of 5 data files; kept 7 of 7 records, skipped 0; "
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
  t.Write(std::string("system/dir\xc3\x28/1600000060.algo-1.json"),
          "{bad line\n" + SysLine(1600000060.0) + "\n");
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
  const std::string json =
      DataQualityToJson(BuildDataQuality(r.discovery, r.result.store, r.result.diagnostics));
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
