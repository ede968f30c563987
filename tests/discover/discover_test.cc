// Discovery tests: each builds a small directory tree in a temp dir.
#include "smr/discover.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

// A fresh folder for this test (tests/testing/scratch.h), removed when it
// goes; `suffix` names it for the reader of a kept scratch folder.
class TempTree {
 public:
  explicit TempTree(const std::string& suffix = "") : dir_(NameFor(suffix)) {}
  void Touch(const std::string& rel, const std::string& content = "x") {
    testing::WriteFile(dir_.path() / rel, content);
  }
  std::string path(const std::string& rel = "") const {
    return rel.empty() ? dir_.path().string() : (dir_.path() / rel).string();
  }

 private:
  static std::string NameFor(const std::string& suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string("discover_") + info->name() + suffix;
  }

  testing::ScopedScratchDir dir_;
};

std::vector<std::string> RelPaths(const Discovery& d) {
  std::vector<std::string> out;
  for (const InputFile& f : d.files) out.push_back(f.rel_path);
  return out;
}

bool IsIgnored(const Discovery& d, const std::string& rel) {
  for (const auto& [path, why] : d.ignored) {
    if (path == rel) return true;
  }
  return false;
}

TEST(DiscoverInputsTest, AcceptsProfilerOutputDirItself) {
  TempTree t;
  t.Touch("system/incremental/2020071317/1594662600.algo-1.json");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->root, t.path());
  ASSERT_EQ(d->files.size(), 1u);
  const InputFile& f = d->files[0];
  EXPECT_EQ(f.kind, FileKind::kSystem);
  EXPECT_EQ(f.node, "algo-1");
  EXPECT_EQ(f.name_ts_us, 1594662600LL * 1000000);
  EXPECT_EQ(f.rel_path, "system/incremental/2020071317/1594662600.algo-1.json");
}

TEST(DiscoverInputsTest, FindsProfilerOutputInsideJobPrefixBesideRuleOutput) {
  TempTree t;
  t.Touch("job-1/profiler-output/system/incremental/1594662600.algo-1.json");
  // The report's own folder is also called profiler-output but holds no
  // system/ or framework/ data.
  t.Touch(
      "job-1/rule-output/ProfilerReport-1/profiler-output/"
      "profiler-report.html");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->root, t.path("job-1/profiler-output"));
  EXPECT_EQ(d->files.size(), 1u);
}

TEST(DiscoverInputsTest, TwoJobsIsAnErrorListingBoth) {
  TempTree t;
  t.Touch("job-a/profiler-output/system/x/1594662600.algo-1.json");
  t.Touch(
      "job-b/profiler-output/framework/pevents/x/"
      "1594662624718694_0-algo-1_pythontimeline.json");
  auto d = DiscoverInputs(t.path());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find(t.path("job-a/profiler-output")), std::string::npos);
  EXPECT_NE(d.status().message().find(t.path("job-b/profiler-output")), std::string::npos);
}

TEST(DiscoverInputsTest, MissingDirectoryIsAnError) {
  auto d = DiscoverInputs("/nonexistent/smr/dir");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("does not exist"), std::string::npos);
}

TEST(DiscoverInputsTest, NoProfilerDataSaysWhatWasLookedFor) {
  TempTree t;
  t.Touch("something/else.txt");
  auto d = DiscoverInputs(t.path());
  ASSERT_FALSE(d.ok());
  const std::string& m = d.status().message();
  EXPECT_NE(m.find("system/"), std::string::npos);
  EXPECT_NE(m.find("framework/"), std::string::npos);
  EXPECT_NE(m.find("profiler-output/"), std::string::npos);
}

TEST(DiscoverInputsTest, ProfilerOutputDeeperThanThreeLevelsIsNotFound) {
  TempTree t;
  t.Touch("a/b/c/profiler-output/system/x/1594662600.algo-1.json");
  EXPECT_FALSE(DiscoverInputs(t.path()).ok());
}

TEST(DiscoverInputsTest, BadSystemNamesAreIgnoredWithReason) {
  TempTree t;
  t.Touch("system/incremental/160000000.algo-1.json");    // 9 digits
  t.Touch("system/incremental/1600000000.node-1.json");   // not algo-N
  t.Touch("system/incremental/16000000000.algo-1.json");  // 11 digits
  t.Touch("system/incremental/1600000000.algo-2.json");
  t.Touch("system/training_job_end.ts");  // expected marker
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(d->files[0].node, "algo-2");
  EXPECT_TRUE(IsIgnored(*d, "system/incremental/160000000.algo-1.json"));
  EXPECT_TRUE(IsIgnored(*d, "system/incremental/1600000000.node-1.json"));
  EXPECT_TRUE(IsIgnored(*d, "system/incremental/16000000000.algo-1.json"));
  EXPECT_FALSE(IsIgnored(*d, "system/training_job_end.ts"));
  EXPECT_EQ(d->ignored.size(), 3u);
}

TEST(DiscoverInputsTest, TraceNamesGiveKindNodeAndMicroseconds) {
  TempTree t;
  t.Touch(
      "framework/pevents/2020051923/"
      "1589930988000000_4487_0000_pythontimeline.json");
  t.Touch(
      "framework/pevents/2020051223/"
      "1589314018481947000_1234-testhost_model_timeline.json");
  t.Touch(
      "framework/pevents/2020070206/"
      "1593673051473228_88359-8c859046be41.ant.amazon.com_horovod_"
      "timeline.json");
  t.Touch(
      "framework/pevents/x/1600000000000000_0-algo-1_smdataparallel_"
      "timeline.json");
  t.Touch("framework/pevents/x/abc_0-algo-1_pythontimeline.json");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->files.size(), 4u);
  // Sorted by name timestamp (ns name converted to µs first).
  EXPECT_EQ(d->files[0].kind, FileKind::kModelTimeline);
  EXPECT_EQ(d->files[0].name_ts_us, 1589314018481947LL);
  EXPECT_EQ(d->files[0].node, "1234-testhost");
  EXPECT_EQ(d->files[1].kind, FileKind::kPythonTimeline);
  EXPECT_EQ(d->files[1].node, "4487");
  EXPECT_EQ(d->files[1].name_ts_us, 1589930988000000LL);
  EXPECT_EQ(d->files[2].kind, FileKind::kHorovodTimeline);
  EXPECT_EQ(d->files[2].node, "88359-8c859046be41.ant.amazon.com");
  EXPECT_EQ(d->files[3].kind, FileKind::kSmDataParallel);
  EXPECT_TRUE(IsIgnored(*d, "framework/pevents/x/abc_0-algo-1_pythontimeline.json"));
}

TEST(DiscoverInputsTest, OrderIsSystemThenFrameworkByTimestampThenPath) {
  TempTree t;
  t.Touch("system/b/1594662660.algo-1.json");
  t.Touch("system/a/1594662660.algo-2.json");
  t.Touch("system/a/1594662600.algo-1.json");
  t.Touch("framework/pevents/h/1000_0-algo-1_pythontimeline.json");
  t.Touch("framework/pevents/h/1000_0-algo-1_model_timeline.json");
  t.Touch("framework/pevents/h/999_0-algo-1_pythontimeline.json");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  std::vector<std::string> want = {
      "system/a/1594662600.algo-1.json",
      "system/a/1594662660.algo-2.json",
      "system/b/1594662660.algo-1.json",
      "framework/pevents/h/999_0-algo-1_pythontimeline.json",
      "framework/pevents/h/1000_0-algo-1_model_timeline.json",
      "framework/pevents/h/1000_0-algo-1_pythontimeline.json",
  };
  EXPECT_EQ(RelPaths(*d), want);
}

TEST(DiscoverInputsTest, TfTraceTakesBaseTimeFromMetadataFourLevelsUp) {
  TempTree t;
  const std::string step = "framework/tensorflow/detailed_profiling/2020080513/000000000/";
  t.Touch(step + "80807-host.ant.amazon.com_1596659864545103_1596659864854168.metadata", "");
  t.Touch(step + "events.out.tfevents.1596659864.host.profile-empty");
  t.Touch(step + "plugins/profile/2020_08_05_13_37_44/host.ant.amazon.com.trace.json.gz");
  t.Touch(step + "plugins/profile/2020_08_05_13_37_44/host.ant.amazon.com.overview_page.pb");
  t.Touch(
      "framework/tensorflow/detailed_profiling/2020080514/000000005/"
      "plugins/profile/p/other.trace.json.gz");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->files.size(), 2u);
  EXPECT_TRUE(d->ignored.empty());
  const InputFile& without = d->files[0];  // name_ts 0 sorts first
  EXPECT_EQ(without.node, "other");
  EXPECT_FALSE(without.has_metadata);
  EXPECT_EQ(without.base_time_us, 0);
  const InputFile& with = d->files[1];
  EXPECT_EQ(with.kind, FileKind::kTfTrace);
  EXPECT_EQ(with.node, "host");
  EXPECT_TRUE(with.has_metadata);
  EXPECT_EQ(with.base_time_us, 1596659864545103LL);
  EXPECT_EQ(with.name_ts_us, 1596659864854168LL);
}

TEST(DiscoverInputsTest, PythonStatsAreCountedWithTheirTimeRange) {
  TempTree t;
  // Old layout and current layout (docs/formats.md §1.5).
  t.Touch(
      "framework/tensorflow/cProfile/"
      "1596585363775342.0_1596585373504789.0_151-algo-1_-1/python_stats");
  t.Touch(
      "framework/pytorch/cprofile/0-algo-1/"
      "train-0-stepstart-1596585380000000.5_train-1-stepend-1596585390000000.0/"
      "python_stats.json");
  t.Touch("framework/pevents/x/1000_0-algo-1_pythontimeline.json.tmp");
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->files.size(), 0u);
  EXPECT_EQ(d->python_stats.count, 2);
  EXPECT_EQ(d->python_stats.first_start_us, 1596585363775342LL);
  EXPECT_EQ(d->python_stats.last_end_us, 1596585390000000LL);
  ASSERT_EQ(d->ignored.size(), 1u);
  EXPECT_NE(d->ignored[0].second.find(".tmp"), std::string::npos);
}

// ---- symlinks: every file is read once, by its real path ----

using KindedPaths = std::vector<std::pair<std::string, FileKind>>;
using Reasons = std::vector<std::pair<std::string, std::string>>;

KindedPaths Kinds(const Discovery& d) {
  KindedPaths out;
  for (const InputFile& f : d.files) out.emplace_back(f.rel_path, f.kind);
  return out;
}

const char kLoop[] = "symlink to an ancestor directory (loop), skipped";

std::string ReadVia(const std::string& what, const std::string& real) {
  return "symlink to a " + what + " already read via its real path (" + real + "), skipped";
}

// Three system files in two hour folders and two framework traces.
void WriteLinkFreeJob(TempTree* t) {
  t->Touch("system/incremental/2020091312/1600000000.algo-1.json");
  t->Touch("system/incremental/2020091312/1600000060.algo-1.json");
  t->Touch("system/incremental/2020091313/1600003600.algo-1.json");
  t->Touch("system/training_job_end.ts");
  t->Touch("framework/pevents/2020091312/1600000000000100_1-algo-1_pythontimeline.json");
  t->Touch("framework/pevents/2020091312/1600000000000200_1-algo-1_model_timeline.json");
}

// What discovery finds in WriteLinkFreeJob's tree (reader order).
const KindedPaths kLinkFreeFiles = {
    {"system/incremental/2020091312/1600000000.algo-1.json", FileKind::kSystem},
    {"system/incremental/2020091312/1600000060.algo-1.json", FileKind::kSystem},
    {"system/incremental/2020091313/1600003600.algo-1.json", FileKind::kSystem},
    {"framework/pevents/2020091312/1600000000000100_1-algo-1_pythontimeline.json",
     FileKind::kPythonTimeline},
    {"framework/pevents/2020091312/1600000000000200_1-algo-1_model_timeline.json",
     FileKind::kModelTimeline},
};

TEST(DiscoverSymlinkTest, LinkFreeJobIsTheReference) {
  TempTree t;
  WriteLinkFreeJob(&t);
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(Kinds(*d), kLinkFreeFiles);
  EXPECT_TRUE(d->ignored.empty());
  EXPECT_EQ(d->links_skipped, 0);
}

// `system/loop -> ..` used to lead into framework/ first: its traces were
// rejected as badly named system files and the real framework/ was then
// skipped as already read.
TEST(DiscoverSymlinkTest, LinksToAncestorsAtAnyDepthAreSkippedAsLoops) {
  TempTree t;
  WriteLinkFreeJob(&t);
  fs::create_directory_symlink("..", t.path("system/loop"));
  fs::create_directory_symlink("../..", t.path("system/incremental/loop"));
  fs::create_directory_symlink("../..", t.path("framework/pevents/up"));
  fs::create_directory_symlink("../../..", t.path("framework/pevents/2020091312/x"));
  fs::create_directory_symlink(".", t.path("framework/pevents/here"));
  fs::create_directory_symlink(t.path(), t.path("system/incremental/2020091312/root"));
  fs::create_directory_symlink("../../..", t.path("framework/pevents/x"));  // the root's parent
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(Kinds(*d), kLinkFreeFiles);
  const Reasons want = {
      {"framework/pevents/2020091312/x", kLoop},
      {"framework/pevents/here", kLoop},
      {"framework/pevents/up", kLoop},
      {"framework/pevents/x", "symlink points outside the input directory, not followed"},
      {"system/incremental/2020091312/root", kLoop},
      {"system/incremental/loop", kLoop},
      {"system/loop", kLoop},
  };
  EXPECT_EQ(d->ignored, want);
  EXPECT_EQ(d->links_skipped, 7);
}

TEST(DiscoverSymlinkTest, LinksToSiblingsAndFilesAreSkippedAndTargetsReadByRealPath) {
  TempTree t;
  WriteLinkFreeJob(&t);
  // In system/: a link to framework/, a second name for an hour folder, a
  // link whose name sorts before the real folder, a link to a file.
  fs::create_directory_symlink("../framework", t.path("system/alias"));
  fs::create_directory_symlink("2020091312", t.path("system/incremental/2020091314"));
  fs::create_directory_symlink("incremental", t.path("system/a"));
  fs::create_symlink("../2020091312/1600000060.algo-1.json",
                     t.path("system/incremental/2020091313/1600000060.algo-1.json"));
  // In framework/: a link to system/incremental and a system file linked
  // under a trace folder.
  fs::create_directory_symlink("../../system/incremental", t.path("framework/pevents/sys"));
  fs::create_symlink("../../../system/incremental/2020091312/1600000000.algo-1.json",
                     t.path("framework/pevents/2020091312/1600000000.algo-1.json"));
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(Kinds(*d), kLinkFreeFiles);
  const Reasons want = {
      {"framework/pevents/2020091312/1600000000.algo-1.json",
       ReadVia("file", "system/incremental/2020091312/1600000000.algo-1.json")},
      {"framework/pevents/sys", ReadVia("directory", "system/incremental")},
      {"system/a", ReadVia("directory", "system/incremental")},
      {"system/alias", ReadVia("directory", "framework")},
      {"system/incremental/2020091313/1600000060.algo-1.json",
       ReadVia("file", "system/incremental/2020091312/1600000060.algo-1.json")},
      {"system/incremental/2020091314", ReadVia("directory", "system/incremental/2020091312")},
  };
  EXPECT_EQ(d->ignored, want);
  EXPECT_EQ(d->links_skipped, 6);
}

// The name of a link decides nothing: whether it sorts before or after the
// real folder, the real path is read and the link skipped.
TEST(DiscoverSymlinkTest, RealPathWinsWhateverTheLinkIsCalled) {
  for (const std::string name : {"0", "hour", "zz"}) {
    SCOPED_TRACE(name);
    TempTree t("_" + name);
    WriteLinkFreeJob(&t);
    fs::create_directory_symlink("incremental", t.path("system/" + name));
    fs::create_directory_symlink("pevents/2020091312", t.path("framework/" + name));
    auto d = DiscoverInputs(t.path());
    ASSERT_TRUE(d.ok()) << d.status().message();
    EXPECT_EQ(Kinds(*d), kLinkFreeFiles);
    const Reasons want = {
        {"framework/" + name, ReadVia("directory", "framework/pevents/2020091312")},
        {"system/" + name, ReadVia("directory", "system/incremental")},
    };
    EXPECT_EQ(d->ignored, want);
  }
}

// A folder or file that lies in the input but outside system/ and
// framework/ has no real path there: it is read once, under the path of the
// first link to it (in name order).
TEST(DiscoverSymlinkTest, TargetReachedOnlyThroughLinksTakesTheFirstLinksPath) {
  TempTree t;
  WriteLinkFreeJob(&t);
  t.Touch("stash/2020091315/1600007200.algo-1.json");
  t.Touch("stash/trace.json");
  fs::create_directory_symlink("../../stash/2020091315", t.path("system/incremental/2020091315"));
  fs::create_directory_symlink("../../stash/2020091315", t.path("system/incremental/b"));
  fs::create_directory_symlink("..", t.path("stash/2020091315/up"));  // loop below the link
  fs::create_symlink("../../../stash/trace.json",
                     t.path("framework/pevents/2020091312/"
                            "1600000000000300_1-algo-1_pythontimeline.json"));
  fs::create_symlink("../../stash/trace.json", t.path("framework/pevents/again.json"));
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  KindedPaths want_files = kLinkFreeFiles;
  want_files.insert(want_files.begin() + 3,
                    {"system/incremental/2020091315/1600007200.algo-1.json", FileKind::kSystem});
  want_files.push_back(
      {"framework/pevents/2020091312/1600000000000300_1-algo-1_pythontimeline.json",
       FileKind::kPythonTimeline});
  EXPECT_EQ(Kinds(*d), want_files);
  const Reasons want = {
      {"framework/pevents/again.json",
       "symlink to a file already read as "
       "framework/pevents/2020091312/1600000000000300_1-algo-1_pythontimeline.json, skipped"},
      {"system/incremental/2020091315/up", kLoop},
      {"system/incremental/b",
       "symlink to a directory already read as system/incremental/2020091315, skipped"},
  };
  EXPECT_EQ(d->ignored, want);
  EXPECT_EQ(d->links_skipped, 3);
}

TEST(DiscoverSymlinkTest, TopLevelLinkToTheRootIsALoop) {
  TempTree t;
  t.Touch("framework/pevents/2020091312/1600000000000100_1-algo-1_pythontimeline.json");
  fs::create_directory_symlink(".", t.path("system"));
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(Kinds(*d), (KindedPaths{{"framework/pevents/2020091312/"
                                     "1600000000000100_1-algo-1_pythontimeline.json",
                                     FileKind::kPythonTimeline}}));
  EXPECT_EQ(d->ignored, (Reasons{{"system", kLoop}}));
}

TEST(DiscoverInputsTest, SymlinkLoopsEndAndOutsideLinksAreNotFollowed) {
  TempTree t;
  TempTree outside_dummy("_outside");
  t.Touch("system/a/1594662600.algo-1.json");
  fs::create_directory_symlink(t.path("system"), t.path("system/a/loop"));
  outside_dummy.Touch("x/1594662700.algo-1.json");
  fs::create_directory_symlink(outside_dummy.path("x"), t.path("system/out"));
  auto d = DiscoverInputs(t.path());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(RelPaths(*d), std::vector<std::string>{"system/a/1594662600.algo-1.json"});
  const Reasons want = {
      {"system/a/loop", kLoop},
      {"system/out", "symlink points outside the input directory, not followed"},
  };
  EXPECT_EQ(d->ignored, want);
  EXPECT_EQ(d->links_skipped, 2);
}

// The hand-written jobs of tests/data/formats (see its README).
std::string FormatsJob(const std::string& name) {
  return std::string(SMR_SOURCE_DIR) + "/tests/data/formats/" + name;
}

TEST(DiscoverInputsTest, FormatsJobWithAndWithoutHourDirsAndExtraNameFields) {
  auto d = DiscoverInputs(FormatsJob("system_metrics"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->CountKind(FileKind::kSystem), 3u);
  EXPECT_EQ(d->CountKind(FileKind::kPythonTimeline), 3u);
  EXPECT_EQ(RelPaths(*d),
            (std::vector<std::string>{
                "system/incremental/1600000030.algo-1.json",  // no hour directory
                "system/incremental/2020091312/1600000060.algo-1.json",
                "system/incremental/2020091312/1600000120.algo-1.json",
                "framework/pevents/2020091312/1600000041000000_7311_0000_pythontimeline.json",
                "framework/pevents/2020091312/1600000042000000_7311_0000_pythontimeline.json",
                "framework/pevents/2020091312/1600000043000000_7311_0000_pythontimeline.json",
            }));
  EXPECT_EQ(d->files[0].name_ts_us, 1600000030LL * 1000000);
  EXPECT_EQ(d->files[0].node, "algo-1");
  EXPECT_EQ(d->files[3].node, "7311");  // the "0000" field is ignored
  EXPECT_EQ(d->files[3].name_ts_us, 1600000041000000LL);
  EXPECT_TRUE(d->ignored.empty());
}

TEST(DiscoverInputsTest, FormatsTfJobFindsItsMetadataAndOldLayoutPythonStats) {
  auto d = DiscoverInputs(FormatsJob("tf_profiler"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->files.size(), 1u);  // .metadata, .pb, .profile-empty are not traces
  EXPECT_EQ(d->files[0].kind, FileKind::kTfTrace);
  EXPECT_EQ(d->files[0].node, "tfhost");
  EXPECT_TRUE(d->files[0].has_metadata);
  EXPECT_EQ(d->files[0].base_time_us, 1600000500000000LL);
  EXPECT_EQ(d->files[0].name_ts_us, 1600000500300000LL);
  EXPECT_EQ(d->python_stats.count, 2);
  EXPECT_EQ(d->python_stats.first_start_us, 1600000500000000LL);
  EXPECT_EQ(d->python_stats.last_end_us, 1600000520000000LL);
  EXPECT_TRUE(d->ignored.empty());
}

TEST(DiscoverInputsTest, FormatsTfJobWithoutMetadataHasBaseZero) {
  auto d = DiscoverInputs(FormatsJob("tf_no_metadata"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(d->files[0].node, "ip-10-0-0-7");
  EXPECT_FALSE(d->files[0].has_metadata);
  EXPECT_EQ(d->files[0].base_time_us, 0);
  EXPECT_EQ(d->files[0].name_ts_us, 0);
}

TEST(DiscoverInputsTest, FormatsNanosecondNameIsReadInMicroseconds) {
  auto d = DiscoverInputs(FormatsJob("ns_name"));
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(d->files[0].kind, FileKind::kModelTimeline);
  EXPECT_EQ(d->files[0].node, "1234-nshost");
  EXPECT_EQ(d->files[0].name_ts_us, 1600000700250000LL);  // 19 digits: ns / 1000
}

}  // namespace
}  // namespace smr
