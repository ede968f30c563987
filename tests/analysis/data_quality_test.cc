#include "smr/data_quality.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "src/report/data_quality_section.h"

namespace smr {
namespace {

InputFile SysFile(const std::string& node, int64_t ts_s) {
  InputFile f;
  f.kind = FileKind::kSystem;
  f.node = node;
  f.rel_path = "system/incremental/" + std::to_string(ts_s) + "." + node + ".json";
  f.path = "/x/" + f.rel_path;
  f.name_ts_us = ts_s * 1000000;
  f.size_bytes = 100;
  return f;
}

FileStats Stats(const InputFile& f, int64_t read, int64_t kept) {
  FileStats s;
  s.rel_path = f.rel_path;
  s.kind = f.kind;
  s.bytes = f.size_bytes;
  s.records_read = read;
  s.records_kept = kept;
  s.records_skipped = read - kept;
  return s;
}

// Two series of one node sampled every 0.5 s (the defaults of docs/formats.md
// §2.3), both a few ms apart like real groups.
void AddRegular(StoreBuilder* b, const std::string& node, double from_s, int samples) {
  uint32_t cpu = b->SeriesId(node, "cpu", "cpu0", "CPUUtilization");
  uint32_t gpu = b->SeriesId(node, "gpu", "gpu0", "GPUUtilization");
  for (int i = 0; i < samples; ++i) {
    b->AddSample(cpu, from_s + 0.5 * i, 10);
    b->AddSample(gpu, from_s + 0.5 * i + 0.004, 20);
  }
}

TEST(DataQualityTest, CleanInputIsOneLine) {
  Discovery d;
  d.files.push_back(SysFile("algo-1", 1600000000));
  StoreBuilder b;
  b.AddFile(Stats(d.files[0], 40, 40));
  AddRegular(&b, "algo-1", 1600000000, 20);
  MetricStore store = b.Build();
  Diagnostics diag;
  DataQuality dq = BuildDataQuality(d, store, diag);
  EXPECT_TRUE(dq.clean);
  EXPECT_EQ(dq.summary, "All input was read cleanly: 1 file, 40 records kept, nothing skipped.");
  ASSERT_EQ(dq.nodes.size(), 1u);
  EXPECT_DOUBLE_EQ(dq.nodes[0].median_interval_s, 0.5);
  EXPECT_TRUE(dq.nodes[0].gaps.empty());
  EXPECT_EQ(dq.nodes[0].system_samples, 40);
  Section s = DataQualitySection(dq);
  ASSERT_FALSE(s.blocks.empty());
  EXPECT_EQ(s.blocks[0].kind, BlockKind::kNote);
  EXPECT_EQ(s.blocks[0].severity, Severity::kOk);
}

TEST(DataQualityTest, GapLongerThanFourIntervalsIsListed) {
  Discovery d;
  d.files.push_back(SysFile("algo-1", 1600000000));
  StoreBuilder b;
  b.AddFile(FileStats{});
  AddRegular(&b, "algo-1", 1600000000.0, 10);  // last sample at +4.5 s
  AddRegular(&b, "algo-1", 1600000030.0, 10);  // resumes at +30 s
  // A pause of exactly 4 intervals (2 s) is not a gap.
  AddRegular(&b, "algo-1", 1600000036.5, 10);  // previous ended at +34.5 s
  MetricStore store = b.Build();
  DataQuality dq = BuildDataQuality(d, store, Diagnostics());
  ASSERT_EQ(dq.nodes.size(), 1u);
  const DqNode& n = dq.nodes[0];
  EXPECT_DOUBLE_EQ(n.median_interval_s, 0.5);
  ASSERT_EQ(n.gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(n.gaps[0].start_s, 1600000004.504);  // gpu sample of +4.5 s
  EXPECT_DOUBLE_EQ(n.gaps[0].end_s, 1600000030.0);
  EXPECT_FALSE(dq.clean);
  EXPECT_EQ(FormatUtcIso(n.gaps[0].end_s), "2020-09-13T12:27:10Z");
  nlohmann::json j = nlohmann::json::parse(DataQualityToJson(dq));
  ASSERT_EQ(j["nodes"][0]["gaps"].size(), 1u);
  EXPECT_EQ(j["nodes"][0]["gaps"][0]["end_utc"], "2020-09-13T12:27:10Z");
  EXPECT_NEAR(j["nodes"][0]["gaps"][0]["length_s"].get<double>(), 25.496, 1e-6);
}

TEST(DataQualityTest, OutOfOrderSamplesAreCountedWithTheLargestStepBack) {
  Discovery d;
  StoreBuilder b;
  b.AddFile(FileStats{});
  uint32_t s = b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization");
  for (double ts : {10.0, 11.0, 12.0, 9.5, 13.0, 12.5}) b.AddSample(s, ts, 1);
  MetricStore store = b.Build();
  DataQuality dq = BuildDataQuality(d, store, Diagnostics());
  ASSERT_EQ(dq.nodes.size(), 1u);
  EXPECT_EQ(dq.nodes[0].out_of_order_samples, 2);          // 9.5 and 12.5
  EXPECT_DOUBLE_EQ(dq.nodes[0].max_backward_jump_s, 2.5);  // 12 -> 9.5
  EXPECT_DOUBLE_EQ(dq.nodes[0].first_s, 9.5);
  EXPECT_DOUBLE_EQ(dq.nodes[0].last_s, 13.0);
  EXPECT_FALSE(dq.clean);
}

TEST(DataQualityTest, CountsPerNodeAndTypeWithReasonsAndFilesNotRead) {
  Discovery d;
  d.files.push_back(SysFile("algo-1", 1600000000));
  d.files.push_back(SysFile("algo-1", 1600000060));
  d.files.push_back(SysFile("algo-2", 1600000000));  // unreadable
  d.files.push_back(SysFile("algo-3", 1600000000));  // empty
  d.ignored.emplace_back("system/notes.txt", "name matches no known profiler file pattern");
  StoreBuilder b;
  b.AddFile(Stats(d.files[0], 10, 8));
  b.AddFile(Stats(d.files[1], 5, 4));
  FileStats bad = Stats(d.files[2], 0, 0);
  bad.unreadable = true;
  b.AddFile(bad);
  b.AddFile(Stats(d.files[3], 0, 0));
  AddRegular(&b, "algo-1", 1600000000, 6);
  MetricStore store = b.Build();
  Diagnostics diag;
  diag.Record(Issue::kMalformedLine, d.files[0].rel_path, 3, "{\"Type\":");
  diag.Record(Issue::kMalformedLine, d.files[1].rel_path, 7, "xx");
  diag.Record(Issue::kMissingField, d.files[0].rel_path, 9, "{}");
  diag.Record(Issue::kUnreadableFile, d.files[2].rel_path, 0, "Permission denied");
  diag.Record(Issue::kEmptyFile, d.files[3].rel_path, 0, "0 bytes");

  DataQuality dq = BuildDataQuality(d, store, diag);
  EXPECT_FALSE(dq.clean);
  EXPECT_EQ(dq.files_found, 4);
  EXPECT_EQ(dq.files_read, 2);
  EXPECT_EQ(dq.files_not_read, 3);  // ignored name + unreadable + empty
  EXPECT_EQ(dq.records_read, 15);
  EXPECT_EQ(dq.records_kept, 12);
  EXPECT_EQ(dq.records_skipped, 3);
  ASSERT_EQ(dq.groups.size(), 3u);
  const DqFileGroup& g1 = dq.groups[0];
  EXPECT_EQ(g1.node, "algo-1");
  EXPECT_EQ(g1.files, 2);
  EXPECT_EQ(g1.records_skipped, 3);
  ASSERT_EQ(g1.by_reason.size(), 2u);
  EXPECT_EQ(g1.by_reason[0], std::make_pair(std::string("malformed_line"), int64_t{2}));
  EXPECT_EQ(g1.by_reason[1], std::make_pair(std::string("missing_field"), int64_t{1}));
  EXPECT_EQ(dq.groups[1].files_unreadable, 1);
  EXPECT_EQ(dq.groups[2].files_empty, 1);
  ASSERT_EQ(dq.not_read.size(), 3u);
  EXPECT_EQ(dq.not_read[0].path, "system/incremental/1600000000.algo-2.json");
  EXPECT_EQ(dq.not_read[2].path, "system/notes.txt");
  // algo-2 and algo-3 had system files but no samples.
  int no_sample_notes = 0;
  for (const std::string& n : dq.notes) {
    if (n.find("no usable samples") != std::string::npos) ++no_sample_notes;
  }
  EXPECT_EQ(no_sample_notes, 2);
  ASSERT_GE(dq.reasons.size(), 2u);
  EXPECT_EQ(dq.reasons[0].key, "unreadable_file");

  nlohmann::json j = nlohmann::json::parse(DataQualityToJson(dq));
  EXPECT_EQ(j["totals"]["records_skipped"], 3);
  EXPECT_EQ(j["files"][0]["by_reason"]["malformed_line"], 2);
  EXPECT_EQ(j["not_read"].size(), 3u);
  EXPECT_EQ(j["clean"], false);

  Section s = DataQualitySection(dq);
  EXPECT_EQ(s.id, "data-quality");
  EXPECT_EQ(s.blocks[0].severity, Severity::kWarning);
  bool found_files_table = false;
  for (const Block& bl : s.blocks) {
    if (bl.kind == BlockKind::kTable && bl.table.caption == "Files not read as data") {
      found_files_table = true;
      EXPECT_EQ(bl.table.rows.size(), 3u);
    }
  }
  EXPECT_TRUE(found_files_table);
}

TEST(DataQualityTest, NodesWithDifferentRangesAndOnlySystemDataAreNoted) {
  Discovery d;
  StoreBuilder b;
  b.AddFile(FileStats{});
  AddRegular(&b, "algo-1", 1000, 1000);  // 1000 .. 1499.5 s
  AddRegular(&b, "algo-2", 1200, 200);   // 1200 .. 1299.5 s
  MetricStore store = b.Build();
  DataQuality dq = BuildDataQuality(d, store, Diagnostics());
  int range_notes = 0, only_system = 0;
  for (const std::string& n : dq.notes) {
    if (n.find("Node algo-2 has system samples") != std::string::npos) ++range_notes;
    if (n.find("Only system data") != std::string::npos) ++only_system;
  }
  EXPECT_EQ(range_notes, 1);
  EXPECT_EQ(only_system, 1);
  ASSERT_EQ(dq.nodes.size(), 2u);
  EXPECT_EQ(dq.nodes[1].node, "algo-2");
  EXPECT_DOUBLE_EQ(dq.nodes[1].first_s, 1200);
}

TEST(DataQualityTest, JsonStaysValidUtf8ForBadBytesInNames) {
  Discovery d;
  d.ignored.emplace_back(std::string("system/bad\xff\xfe.json"), "name matches nothing");
  StoreBuilder b;
  MetricStore store = b.Build();
  DataQuality dq = BuildDataQuality(d, store, Diagnostics());
  std::string json = DataQualityToJson(dq);
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["not_read"][0]["path"], "system/bad\xEF\xBF\xBD\xEF\xBF\xBD.json");
}

TEST(DiagnosticsFileCountsTest, CountsPerFileSurviveMerge) {
  Diagnostics a, b;
  a.Record(Issue::kMalformedLine, "f1", 1, "x");
  a.Add(Issue::kIgnoredPhase, "f1", 3);
  a.Add(Issue::kIgnoredPhase, 5);  // bulk, no file: totals only
  b.Record(Issue::kMalformedLine, "f1", 9, "y");
  b.Record(Issue::kMissingField, "f2", 2, "z");
  a.Merge(b);
  ASSERT_EQ(a.file_counts().size(), 2u);
  const IssueCounts& f1 = a.file_counts().at("f1");
  EXPECT_EQ(f1[static_cast<size_t>(Issue::kMalformedLine)], 2);
  EXPECT_EQ(f1[static_cast<size_t>(Issue::kIgnoredPhase)], 3);
  EXPECT_EQ(a.count(Issue::kIgnoredPhase), 8);
  EXPECT_EQ(a.file_counts().at("f2")[static_cast<size_t>(Issue::kMissingField)], 1);
}

TEST(SanitizeUtf8Test, ReplacesInvalidBytesAndControlCharacters) {
  EXPECT_EQ(SanitizeUtf8("caf\xC3\xA9"), "caf\xC3\xA9");  // valid 2-byte
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");                                                   // stray byte
  EXPECT_EQ(SanitizeUtf8("\xC3"), "\xEF\xBF\xBD");                  // cut sequence
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"),                           // surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // emoji kept
  EXPECT_EQ(SanitizeUtf8(std::string("a\nb\0c\td", 7)), "a b c\td");
}

}  // namespace
}  // namespace smr
