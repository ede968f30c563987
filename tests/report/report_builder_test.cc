// The report model (BuildReportModel) as a whole, built from rule JSONs
// alone as `sm-report render` does, on the hand-made SageMaker-format sets of
// tests/data/rule_sets (numbers from make_sets.py there, results worked out
// by hand in its README): the outline, sections spanning several rules, and
// rules that are disabled, missing or unreadable. Each section's own tests
// are in tests/report/sections/.
#include "smr/report_builder.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, EveryHandMadeSetBuildsWithoutRawData) {
  for (const char* set : kHandMadeSets) {
    SCOPED_TRACE(set);
    std::vector<RuleResult> results;
    const ReportModel m = BuildFromHandMadeSet(set, &results);
    EXPECT_EQ(results.size(), 11u);
    EXPECT_GE(m.sections.size(), 4u);
    EXPECT_NE(FindSection(m.sections, "rules-summary"), nullptr);
    EXPECT_NE(FindSection(m.sections, "training-loop"), nullptr);
  }
}

TEST(ReportBuilderTest, TrainingLoopSectionsFollowTheOriginalOrder) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* loop = FindSection(m.sections, "training-loop");
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> ids;
  for (const Section& sub : loop->subsections) ids.push_back(sub.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"step-duration", "gpu-utilization", "workload-balancing",
                                           "dataloading", "batch-size", "cpu-bottlenecks",
                                           "io-bottlenecks", "gpu-memory"}));
}

TEST(ReportBuilderTest, CpuOnlyJobSaysGpuRulesDoNotApply) {
  // cpu-only-two-nodes: GPU rules with 0 datapoints and empty Details.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("cpu-only-two-nodes", &results);
  for (const char* id : {"gpu-memory", "workload-balancing"}) {
    const Section* s = FindSection(m.sections, id);
    ASSERT_NE(s, nullptr) << id;
    EXPECT_TRUE(HasNote(*s, Severity::kInfo)) << id;
  }
  const Section* cpu = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(cpu, nullptr);
  EXPECT_NE(AllText(*cpu).find("CPU-only instance"), std::string::npos) << AllText(*cpu);
}

TEST(ReportBuilderTest, TwoNodesGetOneRowEachAndStepOutliersPerNode) {
  // cpu-only-two-nodes: OverallSystemUsage per node algo-1/algo-2 (GPU and
  // GPU memory {}), StepOutlier step_details for algo-1-23 and algo-2-23 with
  // 12 outliers each.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("cpu-only-two-nodes", &results);
  const Section* usage = FindSection(m.sections, "system-usage");
  ASSERT_NE(usage, nullptr);
  // Across the nodes first: one row per metric with data (GPU and GPU
  // memory are {}): Network p95 140 (algo-1) and 120 (algo-2) bytes/s,
  // median 130; the nodes differ by less than the 25 % of the median a
  // network value must differ by to stand out. CPU p95 77 and 76.25 %.
  const Table* across = FirstTable(*usage);
  ASSERT_NE(across, nullptr);
  EXPECT_EQ(across->caption, "Resource utilization across the 2 nodes (each node's p95 and p50)");
  ASSERT_EQ(across->rows.size(), 4u);
  EXPECT_EQ(across->rows[0],
            (std::vector<std::string>{"Network", "120 B/s (algo-2) to 140 B/s (algo-1)", "0 B/s",
                                      "no node stands out"}));
  EXPECT_EQ(across->rows[1][0], "CPU");
  EXPECT_EQ(across->rows[1][1], "76.25 % (algo-2) to 77.00 % (algo-1)");
  EXPECT_TRUE(across->highlight_rows.empty());
  // Each node's statistics, folded (two nodes: printed in the PDF too).
  ASSERT_EQ(FoldedBlocks(*usage).size(), 1u);
  EXPECT_EQ(FoldedBlocks(*usage)[0]->text, "Statistics of each of the 2 nodes");
  EXPECT_TRUE(FoldedBlocks(*usage)[0]->children_in_pdf);
  const Table* t = TableWithCaption(*usage, "Resource utilization per node");
  ASSERT_NE(t, nullptr);
  std::vector<std::string> rows;
  for (const auto& row : t->rows) rows.push_back(row[1] + "/" + row[0]);
  EXPECT_EQ(rows, (std::vector<std::string>{"Network/algo-1", "Network/algo-2", "CPU/algo-1",
                                            "CPU/algo-2", "CPU memory/algo-1", "CPU memory/algo-2",
                                            "I/O/algo-1", "I/O/algo-2"}));
  const Section* steps = FindSection(m.sections, "step-duration");
  ASSERT_NE(steps, nullptr);
  const Table* st = TableWithCaption(*steps, "Step durations per rank and phase");
  ASSERT_NE(st, nullptr);
  ASSERT_EQ(st->rows.size(), 2u);
  EXPECT_EQ(st->rows[0][0], "algo-1-23");
  EXPECT_EQ(st->rows[0][1], "Step:ModeKeys.GLOBAL");
  EXPECT_EQ(st->rows[1][0], "algo-2-23");
  EXPECT_EQ(st->rows[1][9], "12");
  EXPECT_EQ(st->highlight_rows, (std::vector<int>{0, 1}));
}

// The header's node line: nodes × GPUs and vCPUs of the first node; a
// CPU-only job says "no GPU" rather than "0 GPUs".
TEST(ReportBuilderTest, OverviewNamesNodesGpusAndCores) {
  const auto line = [](int gpus) {
    testing::TestData d;
    d.SystemFile("algo-1", 1000);
    for (int c = 0; c < 8; ++c) d.Cpu("algo-1", "cpu" + std::to_string(c), 1000, 10);
    for (int g = 0; g < gpus; ++g) d.GpuUtil("algo-1", "gpu" + std::to_string(g), 1000, 50);
    const auto data = d.Build();
    const std::vector<RuleResult> results;
    ReportInputs in;
    in.results = &results;
    in.store = &data->store;
    for (const KeyValue& kv : BuildReportModel(in).overview) {
      if (kv.key == "Nodes") return kv.value;
    }
    return std::string("(none)");
  };
  EXPECT_EQ(line(4), "1 × 4 GPUs, 8 vCPUs");
  EXPECT_EQ(line(0), "1 × 8 vCPUs, no GPU");
}

TEST(ReportBuilderTest, DisabledRuleIsNamedInTheReport) {
  std::vector<RuleResult> results = LoadRuleJsons(HandMadeSetDir("four-gpus"));
  results.erase(std::remove_if(results.begin(), results.end(),
                               [](const RuleResult& r) { return r.name == "Dataloader"; }),
                results.end());
  ReportInputs in;
  in.results = &results;
  in.disabled_rules = {"Dataloader"};
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "rule-Dataloader");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("disabled"), std::string::npos);
}

// Render mode with a broken and a missing rule JSON: the model carries the
// state of every rule, the rules table has a row with the reason and each
// affected section says why it is empty.
TEST(ReportBuilderTest, MissingAndUnreadableRulesAreShownWithTheReason) {
  std::vector<RuleResult> results = LoadRuleJsons(HandMadeSetDir("four-gpus"));
  const auto drop = [&](const char* name) {
    results.erase(std::remove_if(results.begin(), results.end(),
                                 [&](const RuleResult& r) { return r.name == name; }),
                  results.end());
  };
  for (const char* name : {"BatchSize", "LoadBalancing", "OverallSystemUsage"}) drop(name);
  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.results = &results;
  in.rules = &rules;
  in.unavailable_rules = {
      {"BatchSize", RuleState::kUnreadable, "BatchSize.json: not valid JSON: line 1, column 21"},
      {"LoadBalancing", RuleState::kMissing, "no LoadBalancing.json in reports"},
      {"OverallSystemUsage", RuleState::kUnreadable, "OverallSystemUsage.json: not a JSON object"},
  };
  const ReportModel m = BuildReportModel(in);

  // Every one of the 11 rules has a state, in rule order.
  ASSERT_EQ(m.rules.size(), 11u);
  for (size_t i = 0; i < m.rules.size(); ++i) EXPECT_EQ(m.rules[i].name, RuleOrder()[i]);
  std::map<std::string, RuleState> state;
  for (const RuleStatus& st : m.rules) state[st.name] = st.state;
  EXPECT_EQ(state["BatchSize"], RuleState::kUnreadable);
  EXPECT_EQ(state["LoadBalancing"], RuleState::kMissing);
  EXPECT_EQ(state["OverallSystemUsage"], RuleState::kUnreadable);
  // four-gpus: LowGPUUtilization triggered 4 times, IOBottleneck never.
  EXPECT_EQ(state["LowGPUUtilization"], RuleState::kTriggered);
  EXPECT_EQ(state["IOBottleneck"], RuleState::kOk);

  // The rules table: the read rules first, then one highlighted row per
  // unavailable rule with the reason where the trigger count would be.
  const Section* summary = FindSection(m.sections, "rules-summary");
  ASSERT_NE(summary, nullptr);
  const Table* t = FirstTable(*summary);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 7u + 3u);  // 9 table rules - 2 not read, + 3 rows
  const auto row = [&](size_t i) { return t->rows[i]; };
  EXPECT_EQ(row(7)[0], "BatchSize");
  EXPECT_EQ(row(7)[1], "unreadable: BatchSize.json: not valid JSON: line 1, column 21");
  EXPECT_EQ(row(7)[3], "-");
  EXPECT_EQ(row(7)[4], "-");
  EXPECT_EQ(row(8)[0], "LoadBalancing");
  EXPECT_EQ(row(8)[1], "missing: no LoadBalancing.json in reports");
  EXPECT_EQ(row(9)[0], "OverallSystemUsage");
  EXPECT_EQ(row(9)[1], "unreadable: OverallSystemUsage.json: not a JSON object");
  for (int i : {7, 8, 9}) {
    EXPECT_NE(std::find(t->highlight_rows.begin(), t->highlight_rows.end(), i),
              t->highlight_rows.end())
        << i;
  }
  EXPECT_NE(AllText(*summary).find("3 of the rule results could not be read"), std::string::npos);

  // The sections say why they are empty.
  const Section* batch = FindSection(m.sections, "rule-BatchSize");
  ASSERT_NE(batch, nullptr);
  EXPECT_NE(AllText(*batch).find("The BatchSize rule's result is unreadable: BatchSize.json: not "
                                 "valid JSON: line 1, column 21."),
            std::string::npos)
      << AllText(*batch);
  const Section* lb = FindSection(m.sections, "rule-LoadBalancing");
  ASSERT_NE(lb, nullptr);
  EXPECT_NE(AllText(*lb).find("is missing: no LoadBalancing.json in reports"), std::string::npos);
  const Section* usage = FindSection(m.sections, "system-usage");
  ASSERT_NE(usage, nullptr);
  EXPECT_NE(AllText(*usage).find("OverallSystemUsage.json: not a JSON object"), std::string::npos)
      << AllText(*usage);
  // The headline facts name them too.
  bool overview = false;
  for (const KeyValue& kv : m.overview) {
    if (kv.key == "Rules not read") {
      overview = true;
      EXPECT_EQ(kv.value,
                "BatchSize (unreadable), LoadBalancing (missing), OverallSystemUsage (unreadable)");
    }
  }
  EXPECT_TRUE(overview);
}

}  // namespace
}  // namespace smr
