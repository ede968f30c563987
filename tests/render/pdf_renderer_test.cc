#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "render/sample_model.h"
#include "smr/render.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

using testing_sample::kHostile;

std::string Pdf(const ReportModel& m) {
  StatusOr<std::string> pdf = RenderPdf(m);
  EXPECT_TRUE(pdf.ok()) << pdf.status().message();
  return pdf.ok() ? *pdf : std::string();
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  // In the binary's scratch folder, removed when the tests end.
  const std::string path = (smr::testing::ScratchRoot() / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// Runs a command and returns its stdout ("" if it cannot run).
std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool HavePoppler() {
  return RunCommand("command -v pdftotext pdfinfo >/dev/null 2>&1 && echo yes") == "yes\n";
}

// pdftotext output split into pages (form feed separated).
std::vector<std::string> PageTexts(const std::string& path) {
  const std::string text = RunCommand("pdftotext -layout '" + path + "' -");
  std::vector<std::string> pages;
  size_t start = 0;
  for (size_t ff; (ff = text.find('\f', start)) != std::string::npos; start = ff + 1) {
    pages.push_back(text.substr(start, ff - start));
  }
  return pages;
}

int PageCountFromInfo(const std::string& path) {
  const std::string info = RunCommand("pdfinfo '" + path + "'");
  std::smatch m;
  if (std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) {
    return std::stoi(m[1]);
  }
  return -1;
}

int CountPageObjects(const std::string& pdf) {
  int n = 0;
  static const std::regex kPage(R"(/Type\s*/Page[^s])");
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), kPage); it != std::sregex_iterator();
       ++it) {
    ++n;
  }
  return n;
}

ReportModel LongTableModel(int rows) {
  ReportModel m;
  m.title = "Long table report";
  Section s;
  s.id = "steps";
  s.title = "Steps";
  Block b;
  b.kind = BlockKind::kTable;
  b.table = testing_sample::LongTable(rows);
  s.blocks.push_back(b);
  m.sections.push_back(s);
  return m;
}

TEST(RenderPdfTest, SampleModelIsPdf) {
  const std::string pdf = Pdf(testing_sample::SampleReportModel());
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
  EXPECT_GE(CountPageObjects(pdf), 3);
}

TEST(RenderPdfTest, SameModelGivesSameBytes) {
  const ReportModel m = testing_sample::SampleReportModel();
  EXPECT_EQ(Pdf(m), Pdf(m));
}

TEST(RenderPdfTest, EmptyModelRenders) {
  ReportModel m;
  m.title = "";
  const std::string pdf = Pdf(m);
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
}

TEST(RenderPdfTest, LongTableBreaksAcrossPagesAndRepeatsHeader) {
  const std::string pdf = Pdf(LongTableModel(300));
  // 300 rows of ~13 pt cannot fit on fewer than 4 pages of ~730 pt, plus the
  // title page.
  const int objects = CountPageObjects(pdf);
  EXPECT_GE(objects, 5);
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  const std::string path = WriteTemp("long_table.pdf", pdf);
  const int pages = PageCountFromInfo(path);
  EXPECT_EQ(pages, objects);
  const std::vector<std::string> texts = PageTexts(path);
  ASSERT_EQ(static_cast<int>(texts.size()), pages);
  // Page 1 is the title page and contents; the table fills pages 2..N.
  for (int p = 1; p < pages; ++p) {
    EXPECT_NE(texts[p].find("Duration (ms)"), std::string::npos) << p + 1;
    EXPECT_NE(texts[p].find("GPU util (%)"), std::string::npos) << p + 1;
  }
  // Every row is present exactly once: the last row's step number is there.
  EXPECT_NE(texts.back().find("299"), std::string::npos);
  // Footer shows page N of M.
  for (int p = 0; p < pages; ++p) {
    const std::string footer = "Page " + std::to_string(p + 1) + " of " + std::to_string(pages);
    EXPECT_NE(texts[p].find(footer), std::string::npos) << footer;
  }
}

TEST(RenderPdfTest, HostileStringsRenderLiterally) {
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  ReportModel m = testing_sample::SampleReportModel();
  m.title = std::string("Title ") + kHostile;
  const std::string path = WriteTemp("hostile.pdf", Pdf(m));
  const std::string text = RunCommand("pdftotext '" + path + "' -");
  // Title, section heading, paragraph and table cell.
  size_t count = 0;
  for (size_t pos = 0;
       (pos = text.find("<script>alert(1)</script> & <b>", pos)) != std::string::npos; ++pos) {
    ++count;
  }
  EXPECT_GE(count, 4u);
  EXPECT_EQ(text.find("&amp;"), std::string::npos);
}

TEST(RenderPdfTest, MetadataIsFixed) {
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  ReportModel m = testing_sample::SampleReportModel();
  const std::string path = WriteTemp("meta.pdf", Pdf(m));
  const std::string info = RunCommand("pdfinfo '" + path + "'");
  EXPECT_TRUE(
      std::regex_search(info, std::regex(R"(Title:\s+SageMaker Debugger Profiling Report\n)")))
      << info;
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Creator:\s+sm-report\n)")));
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Page size:\s+595\.276 x 841\.89 pts \(A4\))")));
  EXPECT_EQ(info.find("CreationDate"), std::string::npos) << info;
}

TEST(RenderPdfTest, ContentsListsSectionsWithTheirPages) {
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  const std::string path = WriteTemp("toc.pdf", Pdf(testing_sample::SampleReportModel()));
  const std::vector<std::string> texts = PageTexts(path);
  ASSERT_GE(texts.size(), 3u);
  EXPECT_NE(texts[0].find("Contents"), std::string::npos);
  // Each section heading appears on the page the contents line names.
  for (const char* title :
       {"Training job summary", "System usage statistics", "Per-step details"}) {
    std::smatch m;
    const std::regex line(std::string(title) + R"(\s*\.*\s*(\d+))");
    ASSERT_TRUE(std::regex_search(texts[0], m, line)) << title;
    const int page = std::stoi(m[1]);
    ASSERT_GE(page, 2);
    ASSERT_LE(page, static_cast<int>(texts.size()));
    EXPECT_NE(texts[page - 1].find(title), std::string::npos) << title << " on page " << page;
  }
}

}  // namespace
}  // namespace smr
