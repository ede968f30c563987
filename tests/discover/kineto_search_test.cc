// Discovery of PyTorch-profiler (Kineto) traces (src/discover/kineto_search.h):
// by name or content, alone or beside a SageMaker profiler-output, never
// inside its system/ and framework/ folders, hidden folders or sm-report's
// own output folders, up to three folder levels deep.
#include "src/discover/kineto_search.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "tests/testing/files.h"
#include "tests/testing/gzip.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

using testing::Gzip;

namespace fs = std::filesystem;
using discover_internal::LooksLikeKinetoText;

const char kCurrent[] =
    R"({"schemaVersion": 1, "deviceProperties": [], "traceEvents": [{"ph": "X"}]})";
const char kLegacy[] =
    R"([{"ph": "X", "cat": "Operator", "name": "aten::conv2d", "pid": 1, "tid": "1"}])";

std::vector<std::string> KinetoPaths(const Discovery& d) {
  std::vector<std::string> out;
  for (const InputFile& f : d.files) {
    if (f.kind == FileKind::kKineto) out.push_back(f.rel_path);
  }
  return out;
}

TEST(KinetoSniffTest, KinetoShapesAndOthers) {
  EXPECT_TRUE(LooksLikeKinetoText(kCurrent));
  EXPECT_TRUE(LooksLikeKinetoText(kLegacy));
  EXPECT_TRUE(LooksLikeKinetoText("\xEF\xBB\xBF \n" + std::string(kLegacy)));
  EXPECT_TRUE(LooksLikeKinetoText(R"({"traceEvents": [{"ph": "X", "cat": "cpu_op")"));
  EXPECT_TRUE(LooksLikeKinetoText(R"({"traceEvents": [], "baseTimeNanoseconds": 1})"));
  // Chrome traces of other tools, other JSON.
  EXPECT_FALSE(LooksLikeKinetoText(R"({"traceEvents": [{"ph": "X", "cat": "v8"}]})"));
  EXPECT_FALSE(LooksLikeKinetoText(R"([{"ph": "X", "cat": "toplevel"}])"));
  EXPECT_FALSE(LooksLikeKinetoText(R"({"schemaVersion": 1})"));
  EXPECT_FALSE(LooksLikeKinetoText(R"({"Dimension": "CPUUtilization", "Value": 1})"));
  EXPECT_FALSE(LooksLikeKinetoText(""));
  EXPECT_FALSE(LooksLikeKinetoText("cpu_op"));
}

TEST(KinetoSearchTest, KinetoTracesAloneByNameAndContent) {
  testing::ScopedScratchDir dir("kineto_alone");
  const fs::path root = dir.path();
  testing::WriteFile(root / "rank-1.pt.trace.json.gz", "x");  // by name only
  testing::WriteFile(root / "rank-0.pt.trace.json", "x");
  testing::WriteFile(root / "runs/worker0.json", kLegacy);  // by content
  testing::WriteFile(root / "runs/sampled.json.gz", Gzip(kCurrent));
  testing::WriteFile(root / "runs/config.json", R"({"lr": 0.1})");  // not a trace
  testing::WriteFile(root / "runs/other.json.gz", Gzip(R"({"a": 1})"));
  testing::WriteFile(root / "notes.txt", kCurrent);  // not .json
  auto d = DiscoverInputs(root.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->root, root.string());
  EXPECT_EQ(KinetoPaths(*d),
            (std::vector<std::string>{"rank-0.pt.trace.json", "rank-1.pt.trace.json.gz",
                                      "runs/sampled.json.gz", "runs/worker0.json"}));
  EXPECT_EQ(d->files.size(), 4u);
  EXPECT_EQ(d->files[0].node, "rank-0");
  EXPECT_EQ(d->files[0].path, (root / "rank-0.pt.trace.json").string());
  EXPECT_EQ(d->files[0].size_bytes, 1u);
  EXPECT_TRUE(d->ignored.empty());
}

TEST(KinetoSearchTest, BesideAProfilerOutputButNeverInsideItsDataFolders) {
  testing::ScopedScratchDir dir("kineto_beside");
  const fs::path job = dir.path();
  testing::WriteFile(job / "profiler-output/system/incremental/2020071317/1594662600.algo-1.json",
                     "x");
  testing::WriteFile(job / "profiler-output/framework/pevents/rank-9.pt.trace.json", "x");
  testing::WriteFile(job / "profiler-output/system/rank-8.pt.trace.json", "x");
  testing::WriteFile(job / "profiler-output/torch/rank-0.pt.trace.json.gz", "x");
  testing::WriteFile(job / "traces/rank-1.pt.trace.json.gz", "x");
  auto d = DiscoverInputs(job.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->root, (job / "profiler-output").string());
  EXPECT_EQ(KinetoPaths(*d),
            (std::vector<std::string>{"profiler-output/torch/rank-0.pt.trace.json.gz",
                                      "traces/rank-1.pt.trace.json.gz"}));
  // SageMaker files come first.
  ASSERT_EQ(d->files.size(), 3u);
  EXPECT_EQ(d->files[0].kind, FileKind::kSystem);
  // The traces inside system/ and framework/ are SageMaker paths: not Kineto.
  for (const InputFile& f : d->files) EXPECT_EQ(f.rel_path.find("rank-9"), std::string::npos);
}

TEST(KinetoSearchTest, HiddenOutputAndTooDeepFoldersAreNotSearched) {
  testing::ScopedScratchDir dir("kineto_skip");
  const fs::path root = dir.path();
  testing::WriteFile(root / "a/b/c/deep.pt.trace.json", "x");      // 3 levels: found
  testing::WriteFile(root / "a/b/c/d/deeper.pt.trace.json", "x");  // 4 levels: not
  testing::WriteFile(root / ".cache/hidden.pt.trace.json", "x");
  testing::WriteFile(root / ".hidden.pt.trace.json", "x");
  testing::WriteFile(root / "report/findings.json", "{}");
  testing::WriteFile(root / "report/copy.pt.trace.json", "x");
  testing::WriteFile(root / "html/profiler-report.html", "<html>");
  testing::WriteFile(root / "html/copy.pt.trace.json", "x");
  auto d = DiscoverInputs(root.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(KinetoPaths(*d), (std::vector<std::string>{"a/b/c/deep.pt.trace.json"}));
}

TEST(KinetoSearchTest, NoDataOfAnyFormatSaysWhatWasLookedFor) {
  testing::ScopedScratchDir dir("kineto_none");
  testing::WriteFile(dir.path() / "runs/config.json", R"({"lr": 0.1})");
  auto d = DiscoverInputs(dir.path().string());
  ASSERT_FALSE(d.ok());
  const std::string& m = d.status().message();
  EXPECT_NE(m.find("no profiler data found"), std::string::npos);
  EXPECT_NE(m.find("profiler-output/"), std::string::npos);
  EXPECT_NE(m.find("PyTorch-profiler (Kineto) traces"), std::string::npos);
  EXPECT_NE(m.find("*.pt.trace.json"), std::string::npos);
}

TEST(KinetoSearchTest, SymlinkNamedLikeATraceIsListedNotFollowed) {
  testing::ScopedScratchDir dir("kineto_link");
  const fs::path root = dir.path();
  testing::WriteFile(root / "real/rank-0.pt.trace.json", "x");
  std::error_code ec;
  fs::create_symlink(root / "real/rank-0.pt.trace.json", root / "link.pt.trace.json", ec);
  ASSERT_FALSE(ec) << ec.message();
  auto d = DiscoverInputs(root.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(KinetoPaths(*d), (std::vector<std::string>{"real/rank-0.pt.trace.json"}));
  ASSERT_EQ(d->ignored.size(), 1u);
  EXPECT_EQ(d->ignored[0].first, "link.pt.trace.json");
}

}  // namespace
}  // namespace smr
