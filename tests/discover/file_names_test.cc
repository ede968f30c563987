// Classification by the format table: a file named like each row's example
// is discovered as that row's kind, and the name parsers' field checks.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/formats.h"
#include "src/discover/file_names.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;
using discover_internal::NameMatch;

TEST(FileNamesTest, DiscoveryClassifiesAFileOfEachRowIntoItsKind) {
  const fs::path root = testing::ScratchDir("every_format");
  for (const FormatInfo& format : kFormats) {
    const fs::path p = root / std::string(format.example);
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
  }
  auto d = DiscoverInputs(root.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(d->ignored.empty());
  ASSERT_EQ(d->files.size(), kFormatCount);
  for (const FormatInfo& format : kFormats) {
    SCOPED_TRACE(format.name);
    EXPECT_EQ(d->CountKind(format.kind), 1u);
    for (const InputFile& f : d->files) {
      if (f.kind == format.kind) {
        EXPECT_EQ(f.rel_path, format.example);
      }
    }
  }
}

TEST(FileNamesTest, EveryRowHasANameParser) {
  for (const FormatInfo& format : kFormats) {
    EXPECT_NE(discover_internal::NameParserOf(format.kind), nullptr) << format.name;
  }
}

TEST(FileNamesTest, ParsersReadTheFieldsOrSayWhatIsWrong) {
  InputFile f;
  std::string why;
  EXPECT_EQ(discover_internal::ParseSystemName("1600000000.algo-12.json", &f, &why),
            NameMatch::kYes);
  EXPECT_EQ(f.node, "algo-12");
  EXPECT_EQ(f.name_ts_us, 1600000000LL * 1000000);
  EXPECT_EQ(discover_internal::ParseSystemName("160000000.algo-1.json", &f, &why),
            NameMatch::kBadFields);
  EXPECT_EQ(why, discover_internal::kBadSystemName);
  EXPECT_EQ(
      discover_internal::ParseTraceName("1600000700250000000_7-h_model_timeline.json", &f, &why),
      NameMatch::kYes);
  EXPECT_EQ(f.node, "7-h");
  EXPECT_EQ(f.name_ts_us, 1600000700250000LL);  // ns names are divided by 1000
  EXPECT_EQ(discover_internal::ParseTraceName("x_7-h_pythontimeline.json", &f, &why),
            NameMatch::kBadFields);
  EXPECT_EQ(why, "trace file name does not start with a numeric timestamp");
  EXPECT_EQ(discover_internal::ParseTfTraceName("host.example.trace.json.gz", &f, &why),
            NameMatch::kYes);
  EXPECT_EQ(f.node, "host");
}

}  // namespace
}  // namespace smr
