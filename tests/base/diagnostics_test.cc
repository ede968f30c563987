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
