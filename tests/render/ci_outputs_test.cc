// JUnit XML, Markdown summary and terminal summary (include/smr/ci_outputs.h)
// from a hand-written findings document: counts per state, escaping, the
// finding text of a triggered rule, the rule a symptom was counted under.
#include "smr/ci_outputs.h"

#include <string>

#include <gtest/gtest.h>

namespace smr {
namespace {

using Json = nlohmann::ordered_json;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Two triggered rules (LowGPUUtilization counted under the CPU bottleneck's
// finding), one of each other state, and text that needs escaping.
Json Doc() {
  return Json::parse(R"json({
    "schema_version": 1, "generator": "sm-report 0.1.0",
    "source": {"kind": "profiler-output", "path": "jobs/a&b <1>"},
    "verdict": "issues",
    "summary": "2 of 8 rules triggered: CPUBottleneck, LowGPUUtilization",
    "job": {"start": "2024-06-14T08:41:07Z", "duration_s": 3725.0, "nodes": ["algo-1", "algo-2"],
            "gpus": 16},
    "data_quality": {"records_skipped": 3, "files_not_read": 1},
    "rules": [
      {"name": "CPUBottleneck", "state": "triggered", "state_detail": "", "triggered": 12,
       "violations": 2240, "datapoints": 2386,
       "measured": {"value": 94.7, "threshold": 50, "unit": "%"},
       "finding_rank": 1, "recommendation": "Use more loaders."},
      {"name": "LowGPUUtilization", "state": "triggered", "state_detail": "", "triggered": 48,
       "violations": 48, "datapoints": 2386, "measured": null, "finding_rank": 1,
       "recommendation": "Check bottlenecks."},
      {"name": "IOBottleneck", "state": "not_triggered", "state_detail": "", "triggered": 0,
       "violations": 0, "datapoints": 2386, "finding_rank": null},
      {"name": "StepOutlier", "state": "not_evaluated",
       "state_detail": "fewer than 100 steps <in \"TRAIN\">", "triggered": 0},
      {"name": "LoadBalancing", "state": "not_applicable", "state_detail": "one GPU per node"},
      {"name": "Dataloader", "state": "disabled", "state_detail": "disabled by configuration"},
      {"name": "BatchSize", "state": "failed", "state_detail": "internal error: x"},
      {"name": "GPUMemoryIncrease", "state": "unreadable", "state_detail": "bad JSON"}
    ],
    "findings": [
      {"rank": 1, "severity": "issue", "rule": "CPUBottleneck", "stage": "training",
       "title": "CPU bottleneck: the GPUs wait | cores busy", "where": "algo-1, 08:49–09:01 UTC",
       "evidence": "94.7 % of *datapoints*", "impact": "Estimated cost: 12 min 00 s (60.0 % of the job)",
       "impact_s": 720.0, "action": "Move work to the GPU.", "section": "cpu-bottlenecks"}
    ]
  })json");
}

TEST(JUnitXmlTest, CountsEveryStateAndEscapesText) {
  const std::string xml = RenderJUnitXml(Doc());
  // 8 rules: 2 failures, 2 errors (failed, unreadable), 3 skipped.
  EXPECT_NE(xml.find("<testsuites name=\"sm-report\" tests=\"8\" failures=\"2\" errors=\"2\" "
                     "skipped=\"3\""),
            std::string::npos)
      << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 8u);
  EXPECT_EQ(Count(xml, "<failure "), 2u);
  EXPECT_EQ(Count(xml, "<error "), 2u);
  EXPECT_EQ(Count(xml, "<skipped "), 3u);
  EXPECT_NE(xml.find("timestamp=\"2024-06-14T08:41:07\""), std::string::npos);
  EXPECT_NE(xml.find("value=\"jobs/a&amp;b &lt;1&gt;\""), std::string::npos) << xml;
  EXPECT_NE(
      xml.find("message=\"not evaluated: fewer than 100 steps &lt;in &quot;TRAIN&quot;&gt;\""),
      std::string::npos)
      << xml;
  // The failure carries the finding and the measured value.
  EXPECT_NE(xml.find("message=\"CPU bottleneck: the GPUs wait | cores busy\" type=\"triggered\""),
            std::string::npos);
  EXPECT_NE(xml.find("Where: algo-1, 08:49–09:01 UTC"), std::string::npos);
  EXPECT_NE(xml.find("Measured: 94.7 % (threshold 50 %)"), std::string::npos) << xml;
  EXPECT_EQ(Count(xml, "Estimated cost: Estimated cost:"), 0u);
  EXPECT_NE(xml.find("\nEstimated cost: 12 min 00 s (60.0 % of the job)\n"), std::string::npos);
  // The symptom points at the cause's finding.
  EXPECT_NE(xml.find("message=\"counted under CPUBottleneck (finding 1): CPU bottleneck"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"unreadable: bad JSON\" type=\"unreadable\"/>"),
            std::string::npos);
}

TEST(JUnitXmlTest, ControlCharactersAreDropped) {
  Json doc = Doc();
  doc["rules"][6]["state_detail"] = std::string("bad\x01\x1f byte");
  const std::string xml = RenderJUnitXml(doc);
  EXPECT_NE(xml.find("failed: bad byte"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

TEST(SummaryMarkdownTest, VerdictJobFindingsRulesAndLink) {
  const std::string md = RenderSummaryMarkdown(Doc(), "report/profiler-report.html");
  EXPECT_EQ(md.rfind("### sm-report: issues found\n", 0), 0u) << md;
  EXPECT_NE(md.find("Job: 2024-06-14 08:41 UTC, 1 h 02 min, 2 nodes, 16 GPUs."), std::string::npos)
      << md;
  EXPECT_NE(md.find("Data: 3 records skipped, 1 files not read."), std::string::npos);
  // Markdown markup in the texts is escaped, so is a table pipe.
  EXPECT_NE(md.find("1. **CPU bottleneck: the GPUs wait \\| cores busy**"), std::string::npos)
      << md;
  EXPECT_NE(md.find("94.7 % of \\*datapoints\\*"), std::string::npos);
  EXPECT_NE(md.find("| CPUBottleneck | **triggered** | 12 | 2240 | 2386 |"), std::string::npos);
  EXPECT_NE(md.find("| StepOutlier | not evaluated | 0 | - | - |"), std::string::npos) << md;
  EXPECT_EQ(Count(md, "\n| "), 9u);  // the header and one row per rule
  EXPECT_NE(md.find("Full report: [report/profiler-report.html](report/profiler-report.html)"),
            std::string::npos);
}

TEST(SummaryMarkdownTest, HealthyJob) {
  Json doc = Doc();
  doc["verdict"] = "ok";
  doc["findings"] = Json::array();
  const std::string md = RenderSummaryMarkdown(doc, "");
  EXPECT_EQ(md.rfind("### sm-report: no issues\n", 0), 0u);
  EXPECT_EQ(md.find("#### Findings"), std::string::npos);
  EXPECT_EQ(md.find("Full report"), std::string::npos);
}

TEST(TerminalSummaryTest, OneLinePerTriggeredRuleAndWhereTheReportIs) {
  const std::string text = RenderTerminalSummary(Doc(), "out/profiler-report.html");
  EXPECT_EQ(text,
            "sm-report: ISSUES FOUND: 2 of 8 rules triggered: CPUBottleneck, LowGPUUtilization\n"
            "  CPUBottleneck      CPU bottleneck: the GPUs wait | cores busy. Estimated cost: 12 "
            "min 00 s (60.0 % of the job)\n"
            "  LowGPUUtilization  counted under CPUBottleneck (finding 1)\n"
            "  BatchSize: failed: internal error: x\n"
            "  GPUMemoryIncrease: unreadable: bad JSON\n"
            "sm-report: report: out/profiler-report.html\n");
}

TEST(TerminalSummaryTest, RulesAreListedMostCostlyFindingFirst) {
  // LoadBalancing's finding ranks first, LowGPUUtilization's second,
  // BatchSize is counted under LoadBalancing: LoadBalancing, BatchSize,
  // LowGPUUtilization, whatever the rule order.
  Json doc = Json::parse(R"json({"verdict": "issues", "summary": "3 of 3 rules triggered",
    "rules": [
      {"name": "LowGPUUtilization", "state": "triggered", "finding_rank": 2},
      {"name": "BatchSize", "state": "triggered", "finding_rank": 1},
      {"name": "LoadBalancing", "state": "triggered", "finding_rank": 1}],
    "findings": [
      {"rank": 1, "rule": "LoadBalancing", "title": "Unbalanced GPUs", "impact": "4 min"},
      {"rank": 2, "rule": "LowGPUUtilization", "title": "GPUs idle", "impact": "1 min"}]})json");
  EXPECT_EQ(RenderTerminalSummary(doc, ""),
            "sm-report: ISSUES FOUND: 3 of 3 rules triggered\n"
            "  LoadBalancing      Unbalanced GPUs. 4 min\n"
            "  BatchSize          counted under LoadBalancing (finding 1)\n"
            "  LowGPUUtilization  GPUs idle. 1 min\n");
}

}  // namespace
}  // namespace smr
