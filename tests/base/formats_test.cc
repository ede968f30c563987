// The format table (include/smr/formats.h): every row is complete and every
// FileKind has its row.
#include "smr/formats.h"

#include <set>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace smr {
namespace {

TEST(FormatsTest, EveryRowHasANamePatternAndExample) {
  std::set<std::string_view> names;
  for (const FormatInfo& f : kFormats) {
    SCOPED_TRACE(f.name);
    EXPECT_FALSE(f.name.empty());
    EXPECT_TRUE(names.insert(f.name).second) << "display names are unique";
    EXPECT_FALSE(f.suffix.empty());
    ASSERT_FALSE(f.example.empty());
    // The example lives in the row's data folder and path part and ends
    // with the row's suffix.
    if (f.kineto()) {
      // Anywhere outside the SageMaker data folders.
      EXPECT_NE(f.example.substr(0, 7), "system/");
      EXPECT_NE(f.example.substr(0, 10), "framework/");
    } else {
      const std::string_view top = f.framework() ? "framework/" : "system/";
      EXPECT_EQ(f.example.substr(0, top.size()), top);
    }
    EXPECT_NE(f.example.find(f.folder), std::string_view::npos);
    ASSERT_GE(f.example.size(), f.suffix.size());
    EXPECT_EQ(f.example.substr(f.example.size() - f.suffix.size()), f.suffix);
  }
}

TEST(FormatsTest, EveryKindMapsToItsRow) {
  EXPECT_EQ(kFormats.size(), kFormatCount);
  for (size_t i = 0; i < kFormatCount; ++i) {
    const FileKind kind = static_cast<FileKind>(i);
    EXPECT_EQ(FormatOf(kind).kind, kind);
    EXPECT_EQ(FormatIndex(kind), i);
    EXPECT_EQ(std::string_view(FileKindName(kind)), FormatOf(kind).name);
  }
}

TEST(FormatsTest, NamesAndFamiliesOfTheKnownFormats) {
  EXPECT_STREQ(FileKindName(FileKind::kSystem), "system");
  EXPECT_STREQ(FileKindName(FileKind::kPythonTimeline), "pythontimeline");
  EXPECT_STREQ(FileKindName(FileKind::kModelTimeline), "model_timeline");
  EXPECT_STREQ(FileKindName(FileKind::kHorovodTimeline), "horovod_timeline");
  EXPECT_STREQ(FileKindName(FileKind::kSmDataParallel), "smdataparallel_timeline");
  EXPECT_STREQ(FileKindName(FileKind::kTfTrace), "tf_trace");
  EXPECT_FALSE(IsFrameworkKind(FileKind::kSystem));
  EXPECT_TRUE(IsFrameworkKind(FileKind::kHorovodTimeline));
  EXPECT_TRUE(IsFrameworkKind(FileKind::kTfTrace));
  EXPECT_STREQ(FileKindName(FileKind::kKineto), "kineto");
  EXPECT_FALSE(IsFrameworkKind(FileKind::kKineto));
  EXPECT_TRUE(IsKinetoKind(FileKind::kKineto));
  EXPECT_FALSE(IsKinetoKind(FileKind::kTfTrace));
  EXPECT_EQ(FormatOf(FileKind::kModelTimeline).base_time, FormatInfo::BaseTime::kPreviousFile);
  EXPECT_EQ(FormatOf(FileKind::kTfTrace).base_time, FormatInfo::BaseTime::kMetadata);
  EXPECT_EQ(FormatOf(FileKind::kSystem).feed, FormatInfo::Feed::kLines);
}

}  // namespace
}  // namespace smr
