#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "render/sample_model.h"
#include "smr/render.h"
#include "tests/render/findings_model.h"
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

// ---- Findings, folded detail, paper sizes, table headers ------------------

std::string Pdf(const ReportModel& m, Paper paper) {
  PdfOptions options;
  options.paper = paper;
  StatusOr<std::string> pdf = RenderPdf(m, options);
  EXPECT_TRUE(pdf.ok()) << pdf.status().message();
  return pdf.ok() ? *pdf : std::string();
}

// pdftotext without -layout, all pages, blanks collapsed.
std::string PlainText(const std::string& path) {
  std::string text = RunCommand("pdftotext '" + path + "' -");
  std::string out;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\n' || c == '\f';
    if (blank && !out.empty() && out.back() == ' ') continue;
    out.push_back(blank ? ' ' : c);
  }
  return out;
}

TEST(RenderPdfFindingsTest, EveryPartOfEveryFindingIsPrinted) {
  const std::string pdf = Pdf(testing_findings::FindingsReport());
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  const std::string text = PlainText(WriteTemp("findings.pdf", pdf));
  const FindingItem cpu = testing_findings::CpuFinding();
  for (const std::string& part :
       {std::string("ISSUE"), cpu.title, std::string("Where"), cpu.where, std::string("Evidence"),
        std::string("Impact"), cpu.impact, std::string("Action"), cpu.action,
        std::string("WARNING"), std::string("(during initialization)")}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  // Long evidence wraps instead of being cut: its hostile tail is there.
  EXPECT_NE(text.find("<script>alert(1)</script>"), std::string::npos) << text;
  // The issue comes first.
  EXPECT_LT(text.find(cpu.title), text.find("Initialization took 30 min"));
}

TEST(RenderPdfFindingsTest, DetailPrintsItsChildrenUnlessAskedNotTo) {
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  const std::string with =
      PlainText(WriteTemp("detail.pdf", Pdf(testing_findings::FindingsReport(true))));
  EXPECT_NE(with.find("Per-rank step times (16 ranks)"), std::string::npos);
  EXPECT_NE(with.find("Rank 7 was the slowest"), std::string::npos);
  EXPECT_NE(with.find("Step time per rank"), std::string::npos);
  EXPECT_NE(with.find("143.9"), std::string::npos);
  EXPECT_EQ(with.find("(detail in the HTML report)"), std::string::npos);
  const std::string without =
      PlainText(WriteTemp("summary.pdf", Pdf(testing_findings::FindingsReport(false))));
  EXPECT_NE(without.find("Per-rank step times (16 ranks)"), std::string::npos);
  EXPECT_NE(without.find("(detail in the HTML report)"), std::string::npos);
  EXPECT_EQ(without.find("Rank 7 was the slowest"), std::string::npos);
  EXPECT_EQ(without.find("143.9"), std::string::npos);
}

TEST(RenderPdfPaperTest, ParsesA4AndLetterOnly) {
  Paper p = Paper::kLetter;
  EXPECT_TRUE(ParsePaper("a4", &p));
  EXPECT_EQ(p, Paper::kA4);
  EXPECT_TRUE(ParsePaper("Letter", &p));
  EXPECT_EQ(p, Paper::kLetter);
  EXPECT_TRUE(ParsePaper("A4", &p));
  EXPECT_EQ(p, Paper::kA4);
  EXPECT_FALSE(ParsePaper("a3", &p));
  EXPECT_FALSE(ParsePaper("", &p));
  EXPECT_EQ(p, Paper::kA4);
}

TEST(RenderPdfPaperTest, A4AndLetterPagesHaveTheirSize) {
  const ReportModel m = LongTableModel(300);
  const std::string a4 = Pdf(m, Paper::kA4);
  const std::string letter = Pdf(m, Paper::kLetter);
  EXPECT_EQ(a4, Pdf(m));  // A4 is the default
  // 595.276 x 841.89 pt and 612 x 792 pt, on every page.
  const std::regex box(R"(/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\])");
  for (const auto& [pdf, w, h] :
       {std::tuple{a4, 595.276, 841.89}, std::tuple{letter, 612.0, 792.0}}) {
    int boxes = 0;
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), box); it != std::sregex_iterator();
         ++it, ++boxes) {
      EXPECT_NEAR(std::stod((*it)[1]), w, 0.01);
      EXPECT_NEAR(std::stod((*it)[2]), h, 0.01);
    }
    EXPECT_EQ(boxes, CountPageObjects(pdf));
  }
  // Letter is 50 pt shorter: the same 300 rows need at least as many pages.
  EXPECT_GE(CountPageObjects(letter), CountPageObjects(a4));
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  const std::vector<std::string> pages = PageTexts(WriteTemp("letter.pdf", letter));
  ASSERT_FALSE(pages.empty());
  EXPECT_NE(pages.back().find("299"), std::string::npos);  // no row lost
}

// Wherever a table starts on a page, its header has at least one row under
// it on that page, and a continued table repeats header and caption.
TEST(RenderPdfTableTest, NoHeaderIsLeftAloneAtThePageBottom) {
  if (!HavePoppler()) GTEST_SKIP() << "poppler-utils not installed";
  for (int lead = 0; lead < 60; lead += 3) {
    ReportModel m = LongTableModel(90);
    for (int i = 0; i < lead; ++i) {
      Block p;
      p.kind = BlockKind::kParagraph;
      p.text = "Filler paragraph " + std::to_string(i) + " pushing the table down the page.";
      m.sections[0].blocks.insert(m.sections[0].blocks.begin(), p);
    }
    const std::vector<std::string> pages =
        PageTexts(WriteTemp("orphan-" + std::to_string(lead) + ".pdf", Pdf(m, Paper::kLetter)));
    int header_pages = 0;
    for (size_t p = 0; p < pages.size(); ++p) {
      const size_t head = pages[p].find("Duration (ms)");
      if (head == std::string::npos) continue;
      ++header_pages;
      // A row ("train" or "eval" phase) follows the header on the same page.
      const bool has_row = pages[p].find("train", head) != std::string::npos ||
                           pages[p].find("eval", head) != std::string::npos;
      EXPECT_TRUE(has_row) << "lead " << lead << " page " << p + 1;
      if (header_pages > 1) {
        EXPECT_NE(pages[p].find("Per-step timings (continued)"), std::string::npos)
            << "lead " << lead << " page " << p + 1;
      }
    }
    EXPECT_GE(header_pages, 1) << lead;
  }
}

}  // namespace
}  // namespace smr
