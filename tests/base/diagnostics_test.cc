#include "smr/diagnostics.h"

#include <gtest/gtest.h>

namespace smr {
namespace {

TEST(DiagnosticsTest, CountsEveryRecordButKeepsOnlyFirstExamples) {
  Diagnostics d;
  for (int i = 1; i <= 8; ++i) d.Record(Issue::kMalformedLine, "a.json", i, "{bad");
  d.Record(Issue::kIgnoredPhase, "b.json", 3, "{\"ph\":\"i\"}");
  EXPECT_EQ(d.count(Issue::kMalformedLine), 8);
  EXPECT_EQ(d.examples(Issue::kMalformedLine).size(), Diagnostics::kMaxExamplesPerIssue);
  EXPECT_EQ(d.examples(Issue::kMalformedLine)[0].line, 1);
  EXPECT_EQ(d.total(), 9);
  EXPECT_EQ(d.total_data_loss(), 8);  // ignored phases are informational
}

TEST(DiagnosticsTest, ExcerptIsTruncatedOnACharacterBoundary) {
  Diagnostics d;
  std::string s(119, 'x');
  s += "\xC3\xA9\xC3\xA9";  // é straddles the cut
  d.Record(Issue::kMalformedLine, "f", 1, s);
  const std::string& ex = d.examples(Issue::kMalformedLine)[0].excerpt;
  EXPECT_EQ(ex, std::string(119, 'x') + "...");
}

TEST(DiagnosticsTest, ReplaceInvalidUtf8KeepsValidTextAndNewlines) {
  // é (2 bytes), € (3 bytes) and 😀 (4 bytes) are valid; a lone Latin-1 é
  // (0xE9), a stray continuation byte (0x80) and a sequence cut short at the
  // end are not, and each invalid byte becomes one U+FFFD.
  const std::string valid = "a\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\tb\nc\r";
  EXPECT_EQ(ReplaceInvalidUtf8(valid), valid);
  EXPECT_EQ(ReplaceInvalidUtf8("in\xE9 x"), "in\xEF\xBF\xBD x");
  EXPECT_EQ(ReplaceInvalidUtf8("\x80\n"), "\xEF\xBF\xBD\n");
  EXPECT_EQ(ReplaceInvalidUtf8("z\xE2\x82"), "z\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ReplaceInvalidUtf8(""), "");
}

TEST(DiagnosticsTest, MergeAddsCounts) {
  Diagnostics a, b;
  a.Record(Issue::kEmptyFile, "x", 0, "");
  b.Record(Issue::kEmptyFile, "y", 0, "");
  b.Add(Issue::kMissingField, 4);
  a.Merge(b);
  EXPECT_EQ(a.count(Issue::kEmptyFile), 2);
  EXPECT_EQ(a.count(Issue::kMissingField), 4);
  EXPECT_EQ(a.examples(Issue::kEmptyFile).size(), 2u);
  EXPECT_STREQ(GetIssueInfo(Issue::kEmptyFile).key, "empty_file");
}

}  // namespace
}  // namespace smr
