// Discovery on the real smdebug test resources (shared-data tests: they
// run only when the optional shared folder exists, see tests/CMakeLists.txt).
// The same layouts are covered by hand-written jobs in discover_test.cc.
#include "smr/discover.h"

#include <string>

#include <gtest/gtest.h>

namespace smr {
namespace {

TEST(DiscoverSharedTest, TestTracesHaveThreeSystemAndFourFrameworkFiles) {
  auto d = DiscoverInputs(std::string(SMR_SHARED_DIR) + "/smdebug-resources/test_traces");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->CountKind(FileKind::kSystem), 3u);
  EXPECT_EQ(d->CountKind(FileKind::kPythonTimeline), 4u);
  EXPECT_EQ(d->files[0].name_ts_us, 1591160699LL * 1000000);
  EXPECT_TRUE(d->ignored.empty());
}

TEST(DiscoverSharedTest, TfTraceFindsItsMetadata) {
  auto d =
      DiscoverInputs(std::string(SMR_SHARED_DIR) + "/smdebug-resources/tfprofiler_timeline_traces");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(d->files[0].node, "8c859046be41");
  EXPECT_EQ(d->files[0].base_time_us, 1596659864545103LL);
  EXPECT_EQ(d->python_stats.count, 3);
  EXPECT_EQ(d->python_stats.first_start_us, 1596585363775342LL);
  EXPECT_EQ(d->python_stats.last_end_us, 1596585376017246LL);
  EXPECT_TRUE(d->ignored.empty());
}

}  // namespace
}  // namespace smr
