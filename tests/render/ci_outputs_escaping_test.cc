// The JUnit XML and the Markdown summary (include/smr/ci_outputs.h) stay
// well-formed for any text in findings.json: a folder or node name that is
// not UTF-8, markup characters, characters XML cannot hold, and a report
// path with spaces and parentheses for the Markdown link. Also the
// Markdown job line's GPU count (one GPU, none, unknown).
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/ci_outputs.h"

namespace smr {
namespace {

using Json = nlohmann::ordered_json;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

Json Rule(const std::string& name, const std::string& state, const std::string& detail) {
  return {{"name", name},
          {"state", state},
          {"state_detail", detail},
          {"triggered", 1},
          {"violations", 2},
          {"datapoints", 3},
          {"finding_rank", nullptr},
          {"recommendation", "Do <this> & \"that\"."}};
}

// A document whose input folder is Latin-1 "iné & <x>" and whose rules carry
// a control character, U+FFFF and a lone continuation byte.
Json Doc() {
  Json doc;
  doc["schema_version"] = 1;
  doc["generator"] = "sm-report test";
  doc["source"] = {{"kind", "profiler-output"}, {"path", "in\xE9 & <x>"}};
  doc["verdict"] = "issues";
  doc["summary"] = "1 of 3 rules triggered: A";
  doc["job"] = {{"start", "2024-06-14T08:41:07Z"}};
  doc["rules"] = Json::array({Rule("A", "triggered", ""),
                              Rule("B", "unreadable", "B.json: bad byte \x80 and \x01 bell"),
                              Rule("C", "not_evaluated", "needs \xEF\xBF\xBF more")});
  doc["rules"][0]["finding_rank"] = 1;
  doc["findings"] = Json::array({{{"rank", 1},
                                  {"severity", "issue"},
                                  {"rule", "A"},
                                  {"title", "GPU <idle>"},
                                  {"where", "node-\xE9"},
                                  {"evidence", "9 of 10"},
                                  {"impact", ""},
                                  {"action", "Fix it"}}});
  return doc;
}

TEST(CiOutputsEscapingTest, JUnitReplacesInvalidUtf8AndDropsCharactersXmlCannotHold) {
  const std::string xml = RenderJUnitXml(Doc());
  EXPECT_NE(xml.find("<property name=\"input\" value=\"in" + kReplacement + " &amp; &lt;x&gt;\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("message=\"unreadable: B.json: bad byte " + kReplacement + " and  bell\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"not evaluated: needs  more\"/>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("Recommendation: Do &lt;this&gt; &amp; &quot;that&quot;."), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("\xEF\xBF\xBF"), std::string::npos);
  EXPECT_NE(xml.find("Where: node-" + kReplacement + "\n"), std::string::npos) << xml;
  // Every byte >= 0x80 left is part of a U+FFFD (input, B's detail, where):
  // the only non-ASCII text here.
  size_t high = 0;
  for (char c : xml) high += static_cast<unsigned char>(c) >= 0x80 ? 1 : 0;
  EXPECT_EQ(high, 3 * kReplacement.size());
}

TEST(CiOutputsEscapingTest, JUnitCountsMatchTheStates) {
  const std::string xml = RenderJUnitXml(Doc());
  EXPECT_NE(xml.find("<testsuites name=\"sm-report\" tests=\"3\" failures=\"1\" errors=\"1\" "
                     "skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"unreadable: "), std::string::npos);
  EXPECT_NE(xml.find("type=\"unreadable\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"GPU &lt;idle&gt;\" type=\"triggered\">"),
            std::string::npos)
      << xml;
}

TEST(CiOutputsEscapingTest, MarkdownLinkIsPercentEncodedAndItsTextEscaped) {
  const std::string md = RenderSummaryMarkdown(Doc(), "../out dir (1)/profiler_report é.html");
  EXPECT_NE(md.find("Full report: [../out dir (1)/profiler\\_report \xC3\xA9.html]"
                    "(../out%20dir%20%281%29/profiler_report%20%C3%A9.html)\n"),
            std::string::npos)
      << md;
}

TEST(CiOutputsEscapingTest, MarkdownReplacesInvalidUtf8) {
  const std::string md = RenderSummaryMarkdown(Doc(), "");
  EXPECT_EQ(md.find("Full report"), std::string::npos);
  EXPECT_NE(md.find("1. **GPU &lt;idle&gt;** (node-" + kReplacement + ")\n"), std::string::npos)
      << md;
  EXPECT_EQ(md.find("node-\xE9)"), std::string::npos);
  EXPECT_NE(md.find("| B | unreadable | 1 | 2 | 3 |"), std::string::npos) << md;
}

TEST(CiOutputsEscapingTest, MarkdownJobLineSaysGpuOnceNoGpuOrNothing) {
  Json doc = Doc();
  doc["job"] = {{"start", "2024-06-14T08:41:07Z"},
                {"duration_s", 1500.4},
                {"nodes", Json::array({"algo-1"})},
                {"gpus", 1}};
  EXPECT_NE(RenderSummaryMarkdown(doc, "").find(
                "Job: 2024-06-14 08:41 UTC, 25 min 00 s, 1 node, 1 GPU.\n"),
            std::string::npos)
      << RenderSummaryMarkdown(doc, "");
  doc["job"]["gpus"] = 0;  // build of a CPU-only job
  EXPECT_NE(RenderSummaryMarkdown(doc, "").find("25 min 00 s, 1 node, no GPU.\n"),
            std::string::npos);
  doc["job"]["gpus"] = 8;
  doc["job"]["nodes"] = Json::array({"algo-1", "algo-2"});
  EXPECT_NE(RenderSummaryMarkdown(doc, "").find("25 min 00 s, 2 nodes, 8 GPUs.\n"),
            std::string::npos);
  doc["job"]["gpus"] = nullptr;  // render: the rule JSONs list no GPU
  EXPECT_NE(RenderSummaryMarkdown(doc, "").find("25 min 00 s, 2 nodes.\n"), std::string::npos);
}

}  // namespace
}  // namespace smr
