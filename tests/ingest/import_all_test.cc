// ImportAll on small trees written by each test: base-time inheritance in
// file order for any number of workers, unreadable files. The hand-written
// jobs of tests/data/formats are imported in formats_test.cc.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/ingest.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

class ImportAllTempTest : public ::testing::Test {
 protected:
  // A fresh folder for each test (tests/testing/scratch.h).
  void SetUp() override { root_ = testing::ScratchDirForTest(); }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& content) {
    testing::WriteFile(root_ / rel, content);
  }
  fs::path root_;
};

TEST_F(ImportAllTempTest, BaseTimeIsInheritedAcrossFilesInOrderForAnyJobs) {
  const std::string dir = "framework/pevents/h/";
  Write(dir + "100_0-algo-1_pythontimeline.json",
        "[\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": "
        "{\"start_time_since_epoch_in_micros\": 5000}},\n"
        "{\"name\": \"a\", \"pid\": 1, \"ph\": \"X\", \"ts\": 1, \"dur\": 1}\n]\n");
  Write(dir + "200_0-algo-1_pythontimeline.json",
        "[\n{\"name\": \"b\", \"pid\": 1, \"ph\": \"X\", \"ts\": 2, \"dur\": 1}\n]\n");
  Write(dir + "300_0-algo-1_pythontimeline.json",
        "[\n{\"name\": \"c\", \"pid\": 1, \"ph\": \"X\", \"ts\": 3, \"dur\": 1}\n]\n");
  Write(dir + "150_0-algo-1_model_timeline.json",
        "[\n{\"name\": \"d\", \"pid\": 1, \"ph\": \"X\", \"ts\": 4, \"dur\": 1}\n]\n");
  Write("system/x/1594662600.algo-1.json", "");
  auto d = DiscoverInputs(root_.string());
  ASSERT_TRUE(d.ok());
  for (int jobs : {1, 4}) {
    IngestOptions opts;
    opts.jobs = jobs;
    IngestResult r = ImportAll(*d, opts);
    const EventColumns& e = r.store.events();
    ASSERT_EQ(e.size(), 4u);
    // Order: 100 (a), 150 (d, other kind), 200 (b), 300 (c).
    EXPECT_EQ(e.start_us[0], 5001);
    EXPECT_EQ(e.start_us[1], 4);
    EXPECT_EQ(e.start_us[2], 5002);
    EXPECT_EQ(e.start_us[3], 5003);
    EXPECT_EQ(r.diagnostics.count(Issue::kNoBaseTime), 3);
    EXPECT_EQ(r.diagnostics.count(Issue::kEmptyFile), 1);
  }
}

TEST_F(ImportAllTempTest, UnreadableFileIsCountedAndOthersRead) {
  Write(
      "system/x/1594662600.algo-1.json",
      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":1,"NodeId":"algo-1","Timestamp":1})"
      "\n");
  auto d = DiscoverInputs(root_.string());
  ASSERT_TRUE(d.ok());
  Discovery disc = *d;
  InputFile missing = disc.files[0];
  missing.path += ".gone";
  missing.rel_path += ".gone";
  disc.files.push_back(missing);
  IngestResult r = ImportAll(disc, IngestOptions{});
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diagnostics.count(Issue::kUnreadableFile), 1);
  ASSERT_EQ(r.store.files().size(), 2u);
  EXPECT_TRUE(r.store.files()[1].unreadable);
}

}  // namespace
}  // namespace smr
