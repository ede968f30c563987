// System metrics importer: inline JSON-lines inputs, one test per
// corruption class (docs/formats.md §2, §4).
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "smr/ingest.h"

namespace smr {
namespace {

constexpr char kLine1[] =
    R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":1.5,"NodeId":"algo-1","Timestamp":1591748109.25})";
constexpr char kLine2[] =
    R"({"Type": "gpu", "Name":"gpu1", "Dimension": "GPUMemoryUtilization", "Value":24.76,"NodeId":"algo-1","Timestamp":1591162699.5})";

InputFile SystemFile() {
  InputFile f;
  f.path = "/x/system/1591748100.algo-1.json";
  f.rel_path = "system/1591748100.algo-1.json";
  f.kind = FileKind::kSystem;
  f.node = "algo-1";
  return f;
}

struct Imported {
  MetricStore store;
  Diagnostics diag;
};

Imported Import(const std::string& text) {
  StoreBuilder b;
  Imported r;
  ImportSystemMetrics(SystemFile(), text, &b, &r.diag);
  r.store = b.Build();
  return r;
}

std::string Name(const MetricStore& s, size_t row) {
  return std::string(s.str(s.series()[s.system().series(row)].name));
}

TEST(SystemMetricsImporterTest, KeepsEveryFieldOfGoodLines) {
  // The third line is kLine1 one second later (an exact copy would be a
  // duplicate sample).
  std::string line3 = kLine1;
  line3.replace(line3.find("1591748109.25"), 13, "1591748110.25");
  Imported r = Import(std::string(kLine1) + "\n" + kLine2 + "\n" + line3 + "\n");
  const SystemColumns& c = r.store.system();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(r.diag.total(), 0);
  EXPECT_EQ(r.store.series().size(), 2u);
  EXPECT_DOUBLE_EQ(c.value(0), 1.5);
  EXPECT_DOUBLE_EQ(c.ts(0), 1591748109.25);
  EXPECT_DOUBLE_EQ(c.value(1), 24.76);
  EXPECT_EQ(c.series(0), c.series(2));
  const SeriesInfo& gpu = r.store.series()[c.series(1)];
  EXPECT_EQ(r.store.str(gpu.type), "gpu");
  EXPECT_EQ(r.store.str(gpu.name), "gpu1");
  EXPECT_EQ(r.store.str(gpu.dimension), "GPUMemoryUtilization");
  EXPECT_EQ(r.store.str(gpu.node), "algo-1");
  ASSERT_EQ(r.store.files().size(), 1u);
  EXPECT_EQ(r.store.files()[0].records_read, 3);
  EXPECT_EQ(r.store.files()[0].records_kept, 3);
  EXPECT_EQ(r.store.files()[0].records_skipped, 0);
}

TEST(SystemMetricsImporterTest, RepeatedCycleOfSeriesMapsEachLineToItsSeries) {
  // Exercises the successor prediction: a cycle, then a change of order.
  std::string text;
  for (int i = 0; i < 3; ++i) {
    for (int cpu = 0; cpu < 4; ++cpu) {
      text += "{\"Type\":\"cpu\",\"Name\":\"cpu" + std::to_string(cpu) +
              "\",\"Dimension\":\"CPUUtilization\",\"Value\":" + std::to_string(cpu) +
              ",\"NodeId\":\"algo-1\",\"Timestamp\":" + std::to_string(i + 1) + "}\n";
    }
  }
  text +=
      "{\"Type\":\"cpu\",\"Name\":\"cpu2\",\"Dimension\":\"CPUUtilization\","
      "\"Value\":2,\"NodeId\":\"algo-1\",\"Timestamp\":4}\n";
  text +=
      "{\"Type\":\"cpu\",\"Name\":\"cpu2\",\"Dimension\":\"CPUUtilization\","
      "\"Value\":2,\"NodeId\":\"algo-2\",\"Timestamp\":1}\n";
  Imported r = Import(text);
  const SystemColumns& c = r.store.system();
  ASSERT_EQ(c.size(), 14u);
  EXPECT_EQ(r.store.series().size(), 5u);
  for (size_t row = 0; row < 13; ++row) {
    EXPECT_EQ(Name(r.store, row), "cpu" + std::to_string(static_cast<int>(c.value(row))));
  }
  EXPECT_EQ(r.store.str(r.store.series()[c.series(13)].node), "algo-2");
}

TEST(SystemMetricsImporterTest, BlankLineInTheMiddleIsCountedTrailingIsNot) {
  Imported r = Import(std::string(kLine1) + "\n\n" + kLine2 + "\n\n  \n");
  EXPECT_EQ(r.store.system().size(), 2u);
  EXPECT_EQ(r.diag.count(Issue::kMalformedLine), 1);
  ASSERT_EQ(r.diag.examples(Issue::kMalformedLine).size(), 1u);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedLine)[0].line, 2);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedLine)[0].file, "system/1591748100.algo-1.json");
}

TEST(SystemMetricsImporterTest, TruncatedLineIsSkippedAndLaterLinesKept) {
  Imported r = Import(std::string(kLine1) + "\n" +
                      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtil)" + "\n" + kLine2 + "\n");
  EXPECT_EQ(r.store.system().size(), 2u);
  EXPECT_EQ(r.diag.count(Issue::kMalformedLine), 1);
  EXPECT_EQ(r.diag.examples(Issue::kMalformedLine)[0].line, 2);
  EXPECT_EQ(r.store.files()[0].records_skipped, 1);
  EXPECT_EQ(r.store.files()[0].records_kept, 2);
}

TEST(SystemMetricsImporterTest, LineThatIsNotAnObjectIsMalformed) {
  Imported r =
      Import(std::string("[1,2]\n\"text\"\n42\n") + kLine1 + "\n" + kLine1 + " trailing\n");
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kMalformedLine), 4);
}

TEST(SystemMetricsImporterTest, EachMissingRequiredFieldIsCounted) {
  const char* lines[] = {
      R"({"Name":"cpu0","Dimension":"CPUUtilization","Value":1,"NodeId":"algo-1","Timestamp":1})",
      R"({"Type":"cpu","Name":"cpu0","Value":1,"NodeId":"algo-1","Timestamp":1})",
      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","NodeId":"algo-1","Timestamp":1})",
      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":1,"Timestamp":1})",
      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":1,"NodeId":"algo-1"})",
  };
  std::string text;
  for (const char* l : lines) text += std::string(l) + "\n";
  text += std::string(kLine1) + "\n";
  Imported r = Import(text);
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kMissingField), 5);
  EXPECT_EQ(r.diag.total(), 5);
}

TEST(SystemMetricsImporterTest, MissingNameIsKeptWithEmptyName) {
  Imported r = Import(
      R"({"Type":"memory","Dimension":"","Value":6.18,"NodeId":"algo-1","Timestamp":1})"
      "\n"
      R"({"Type":"memory","Name":null,"Dimension":"","Value":6.5,"NodeId":"algo-1","Timestamp":2})"
      "\n");
  ASSERT_EQ(r.store.system().size(), 2u);
  EXPECT_EQ(r.diag.total(), 0);
  EXPECT_EQ(Name(r.store, 0), "");
  EXPECT_EQ(r.store.system().series(0), r.store.system().series(1));
}

TEST(SystemMetricsImporterTest, ExtraKeysAndCrlfAreAccepted) {
  Imported r = Import(
      R"({"Extra":{"a":[1,2]},"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":3,"NodeId":"algo-1","Timestamp":1,"More":"x"})"
      "\r\n" +
      std::string(kLine2) + "\r\n");
  EXPECT_EQ(r.store.system().size(), 2u);
  EXPECT_EQ(r.diag.total(), 0);
  EXPECT_DOUBLE_EQ(r.store.system().value(0), 3.0);
}

TEST(SystemMetricsImporterTest, ValueAsStringIsABadFieldType) {
  Imported r = Import(
      R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":"1.5","NodeId":"algo-1","Timestamp":1})"
      "\n"
      R"({"Type":7,"Name":"cpu0","Dimension":"CPUUtilization","Value":1.5,"NodeId":"algo-1","Timestamp":1})"
      "\n" +
      std::string(kLine1) + "\n");
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kBadFieldType), 2);
}

TEST(SystemMetricsImporterTest, NonFiniteValuesAreCounted) {
  std::string text;
  for (const char* v : {"NaN", "Infinity", "-Infinity", "1e999"}) {
    text += std::string(R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":)") +
            v + R"(,"NodeId":"algo-1","Timestamp":1})" + "\n";
  }
  text += std::string(kLine1) + "\n";
  Imported r = Import(text);
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kNonFiniteValue), 4);
}

TEST(SystemMetricsImporterTest, NonUtf8LineIsCountedAsInvalidUtf8) {
  std::string bad =
      "{\"Type\":\"cpu\",\"Name\":\"cpu\xff\xfe\",\"Dimension\":\"CPUUtilization\","
      "\"Value\":1,\"NodeId\":\"algo-1\",\"Timestamp\":1}";
  Imported r = Import(bad + "\n" + kLine1 + "\n");
  EXPECT_EQ(r.store.system().size(), 1u);
  EXPECT_EQ(r.diag.count(Issue::kInvalidUtf8), 1);
  // The excerpt of the bad line is valid UTF-8 (bytes replaced by U+FFFD).
  ASSERT_EQ(r.diag.examples(Issue::kInvalidUtf8).size(), 1u);
  EXPECT_NE(r.diag.examples(Issue::kInvalidUtf8)[0].excerpt.find("cpu\xEF\xBF\xBD"),
            std::string::npos);
}

TEST(SystemMetricsImporterTest, ExactDuplicatesAreDroppedEvenOutOfOrder) {
  auto line = [](const char* ts, const char* value) {
    return std::string(R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":)") +
           value + R"(,"NodeId":"algo-1","Timestamp":)" + ts + "}\n";
  };
  // 2, 1 (out of order), 2 again, 1 again, 1 with another value, 3.
  Imported r = Import(line("2", "5") + line("1", "5") + line("2", "5") + line("1", "5") +
                      line("1", "6") + line("3", "5"));
  EXPECT_EQ(r.store.system().size(), 4u);
  EXPECT_EQ(r.diag.count(Issue::kDuplicateRecord), 2);
  ASSERT_EQ(r.diag.examples(Issue::kDuplicateRecord).size(), 2u);
  EXPECT_EQ(r.diag.examples(Issue::kDuplicateRecord)[0].line, 3);
  EXPECT_EQ(r.diag.examples(Issue::kDuplicateRecord)[1].line, 4);
  EXPECT_EQ(r.store.files()[0].records_skipped, 2);
}

TEST(SystemMetricsImporterTest, LastLineWithoutNewlineIsRead) {
  Imported r = Import(std::string(kLine1) + "\n" + kLine2);
  EXPECT_EQ(r.store.system().size(), 2u);
}

}  // namespace
}  // namespace smr
