// Every rule's state (triggered, ok, not evaluated, not applicable, failed)
// as the report shows it: ReportModel::rules, the rules table's State
// column, the note in the rule's own section, and never an OK note for a
// rule that was not evaluated or does not apply. Small hand-made jobs run
// through the real rules (build mode).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "smr/rule.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
using testing::BuiltData;
using testing::TestData;

// The section of each rule that has one.
const std::map<std::string, std::string>& RuleSectionIds() {
  static const std::map<std::string, std::string> kIds = {{"StepOutlier", "step-duration"},
                                                          {"LowGPUUtilization", "gpu-utilization"},
                                                          {"LoadBalancing", "workload-balancing"},
                                                          {"Dataloader", "dataloading"},
                                                          {"BatchSize", "batch-size"},
                                                          {"CPUBottleneck", "cpu-bottlenecks"},
                                                          {"IOBottleneck", "io-bottlenecks"},
                                                          {"GPUMemoryIncrease", "gpu-memory"}};
  return kIds;
}

struct Report {
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  std::vector<RuleResult> results;
  ReportModel model;

  // Runs the rules (after `tune`) on `data` and builds the report.
  void Build(const BuiltData& data) {
    DropKinetoRules(data.store.has_kineto(), &rules);  // as `build` does
    results = EvaluateRules(rules, data.ctx());
    ReportInputs in;
    in.results = &results;
    in.rules = &rules;
    in.store = &data.store;
    in.timeline = &data.timeline;
    in.windows = &data.windows;
    model = BuildReportModel(in);
  }
  void SetParam(const std::string& rule, const std::string& param, const std::string& value) {
    for (auto& r : rules) {
      if (r->name() == rule) {
        ASSERT_TRUE(r->SetParam(param, value).ok()) << rule << " " << param;
      }
    }
  }
  RuleStatus State(const std::string& name) const {
    for (const RuleStatus& st : model.rules) {
      if (st.name == name) return st;
    }
    ADD_FAILURE() << "no state for " << name;
    return {};
  }
  // The rules table's State cell of `name`.
  std::string StateCell(const std::string& name) const {
    const Section* s = FindSection(model.sections, "rules-summary");
    const Table* t = s ? TableWithCaption(*s, "Rules") : nullptr;
    if (!t) return "<no table>";
    EXPECT_EQ(t->columns[1], "State");
    for (const auto& row : t->rows) {
      if (row[0] == name) return row[1];
    }
    return "<no row>";
  }
  const Section* RuleSection(const std::string& name) const {
    return FindSection(model.sections, RuleSectionIds().at(name));
  }
};

// What every report must hold: a rule without a verdict has no OK note in
// its section, and its section names the state with the reason.
void ExpectHonestSections(const Report& rep) {
  for (const RuleStatus& st : rep.model.rules) {
    auto id = RuleSectionIds().find(st.name);
    if (id == RuleSectionIds().end()) continue;
    SCOPED_TRACE(st.name);
    const Section* s = rep.RuleSection(st.name);
    ASSERT_NE(s, nullptr);
    if (st.state == RuleState::kNotEvaluated || st.state == RuleState::kNotApplicable ||
        st.state == RuleState::kFailed) {
      EXPECT_FALSE(HasNote(*s, Severity::kOk)) << AllText(*s);
    }
    if (st.state == RuleState::kNotEvaluated) {
      EXPECT_NE(AllText(*s).find("Not evaluated: " + st.detail + "."), std::string::npos)
          << AllText(*s);
      EXPECT_EQ(rep.StateCell(st.name), "not evaluated: " + st.detail);
    }
    if (st.state == RuleState::kNotApplicable) {
      EXPECT_NE(AllText(*s).find("Not applicable: " + st.detail + "."), std::string::npos)
          << AllText(*s);
      EXPECT_EQ(rep.StateCell(st.name), "not applicable: " + st.detail);
    }
    if (st.state == RuleState::kOk) {
      EXPECT_EQ(rep.StateCell(st.name), "ok");
    }
    if (st.state == RuleState::kTriggered) {
      EXPECT_EQ(rep.StateCell(st.name), "triggered");
    }
  }
}

// One node, one GPU, 4 cores, one sample a second for `seconds`; the GPU
// idle, the cores quiet; `steps` 0.5 s TRAIN steps from 1010 s; one loader
// process (pid 7) active in each of `loader_seconds` seconds from 1010 s.
TestData ShortGpuJob(int seconds, int steps, int loader_seconds) {
  TestData d;
  d.SystemFile("algo-1", 1000).FrameworkFile("1-algo-1", 1'000'000'000);
  for (int i = 0; i < seconds; ++i) {
    const double ts = 1000.5 + i;
    d.GpuUtil("algo-1", "gpu0", ts, 5).GpuMem("algo-1", "gpu0", ts, 20);
    for (int c = 0; c < 4; ++c) {
      d.Cpu("algo-1", "cpu" + std::to_string(c), ts, 10);
      d.IoWait("algo-1", "cpu" + std::to_string(c), ts, 0);
    }
  }
  for (int i = 0; i < steps; ++i) {
    const int64_t start = 1'010'000'000 + i * 500'000;
    d.Step("algo-1-27", "TRAIN", i, start, start + 500'000);
  }
  d.LoaderEvent("algo-1-27", "DataLoaderIterInitialize", "_SingleProcessDataLoaderIter.__init__",
                1'009'000'000, 1'009'100'000, 7, 0, 0);
  for (int i = 0; i < loader_seconds; ++i) {
    const int64_t start = (1010 + i) * 1'000'000;
    d.LoaderEvent("algo-1-27", "DataLoaderIter", "_SingleProcessDataLoaderIter::GetNext", start,
                  start + 200'000, 7);
  }
  return d;
}

TEST(RuleStatesReportTest, ShortSingleGpuJobWasNotEvaluatedAndHasNothingToBalance) {
  // 300 samples (patience 1000), 50 steps (minimum 100), 8 seconds with
  // loader events (patience 10).
  auto data = ShortGpuJob(300, 50, 8).Build();
  Report rep;
  rep.Build(*data);
  for (const char* name : {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization", "StepOutlier",
                           "GPUMemoryIncrease", "BatchSize", "Dataloader"}) {
    EXPECT_EQ(rep.State(name).state, RuleState::kNotEvaluated) << name;
  }
  EXPECT_EQ(rep.State("LowGPUUtilization").detail,
            "at most 300 samples per GPU; needs more than 1000 (patience)");
  EXPECT_EQ(rep.State("CPUBottleneck").detail,
            "300 system snapshots; needs more than 1000 (patience)");
  EXPECT_EQ(rep.State("StepOutlier").detail,
            "at most 50 steps per node and phase; needs more than 100 (the rule's minimum)");
  EXPECT_EQ(rep.State("Dataloader").detail,
            "8 seconds with data-loader events; needs more than 10 (patience)");
  EXPECT_EQ(rep.State("LoadBalancing").state, RuleState::kNotApplicable);
  EXPECT_EQ(rep.State("LoadBalancing").detail, "a single GPU (gpu0): nothing to balance");
  EXPECT_EQ(rep.State("MaxInitializationTime").state, RuleState::kOk);  // first step at 10 s
  ExpectHonestSections(rep);

  // The rules summary names the rules without a verdict, and "no rule was
  // triggered" is no OK here.
  const Section* summary_section = FindSection(rep.model.sections, "rules-summary");
  EXPECT_FALSE(HasNote(*summary_section, Severity::kOk));
  const std::string summary = AllText(*summary_section);
  EXPECT_NE(summary.find("No rule was triggered. Not evaluated (too little data to judge, so no "
                         "verdict): "
                         "CPUBottleneck, IOBottleneck, LowGPUUtilization, StepOutlier, "
                         "GPUMemoryIncrease, BatchSize, Dataloader."),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("Not applicable to this job (the data they need is absent): "
                         "LoadBalancing."),
            std::string::npos)
      << summary;

  // Dataloader: not judged, but 1 loader for 4 cores is below 70 % (2.8):
  // the advice SageMaker's own report gave.
  const Section* loader = rep.RuleSection("Dataloader");
  const std::string text = AllText(*loader);
  EXPECT_TRUE(HasNote(*loader, Severity::kWarning));
  EXPECT_NE(text.find("Your training instance provided 4 CPU cores, and the job ran 1 data-loader "
                      "process in parallel (median over the seconds with loader activity). The "
                      "rule had too little data to judge (see above), but the data shows the "
                      "problem. The median number of parallel data loaders (1) is below 70 % of "
                      "the 4 cores (2.8). What to do: increase num_workers of the DataLoader (for "
                      "example to 3)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("within the recommended range"), std::string::npos) << text;
}

TEST(RuleStatesReportTest, JudgedRulesAreOkOrTriggered) {
  // Patience lowered so every rule judges the 300 samples; the idle GPU
  // fires LowGPUUtilization and BatchSize, nothing else.
  auto data = ShortGpuJob(300, 150, 20).Build();
  Report rep;
  for (const char* rule :
       {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization", "GPUMemoryIncrease", "BatchSize"}) {
    rep.SetParam(rule, "patience", "100");
  }
  rep.SetParam("LowGPUUtilization", "window", "100");
  rep.SetParam("BatchSize", "window", "100");
  rep.Build(*data);
  EXPECT_EQ(rep.State("LowGPUUtilization").state, RuleState::kTriggered);
  EXPECT_EQ(rep.State("BatchSize").state, RuleState::kTriggered);
  EXPECT_EQ(rep.State("Dataloader").state, RuleState::kTriggered);  // 1 loader < 2.8
  for (const char* name : {"CPUBottleneck", "IOBottleneck", "GPUMemoryIncrease", "StepOutlier",
                           "MaxInitializationTime"}) {
    EXPECT_EQ(rep.State(name).state, RuleState::kOk) << name;
  }
  EXPECT_TRUE(HasNote(*rep.RuleSection("CPUBottleneck"), Severity::kOk));
  EXPECT_TRUE(HasNote(*rep.RuleSection("GPUMemoryIncrease"), Severity::kOk));
  ExpectHonestSections(rep);
}

TEST(RuleStatesReportTest, CpuOnlyJobGpuRulesDoNotApply) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 1200; ++i) {
    for (int c = 0; c < 8; ++c) {
      d.Cpu("algo-1", "cpu" + std::to_string(c), 1000.5 + i, 30);
      d.IoWait("algo-1", "cpu" + std::to_string(c), 1000.5 + i, 0);
    }
  }
  auto data = d.Build();
  Report rep;
  rep.Build(*data);
  for (const char* name : {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization",
                           "GPUMemoryIncrease", "BatchSize", "LoadBalancing"}) {
    EXPECT_EQ(rep.State(name).state, RuleState::kNotApplicable) << name;
    EXPECT_NE(rep.State(name).detail.find("no GPU"), std::string::npos) << rep.State(name).detail;
  }
  for (const char* name :
       {"StepOutlier", "Dataloader", "MaxInitializationTime", "OverallFrameworkMetrics"}) {
    EXPECT_EQ(rep.State(name).state, RuleState::kNotApplicable) << name;
  }
  EXPECT_EQ(rep.State("OverallSystemUsage").state, RuleState::kOk);
  ExpectHonestSections(rep);
  const std::string batch = AllText(*rep.RuleSection("BatchSize"));
  EXPECT_EQ(batch.find("does not look too small"), std::string::npos) << batch;
}

TEST(RuleStatesReportTest, FailedRuleIsShownAsFailed) {
  auto data = ShortGpuJob(30, 5, 2).Build();
  Report rep;
  rep.results = EvaluateRules(rep.rules, data->ctx());
  for (RuleResult& r : rep.results) {
    if (r.name == "LowGPUUtilization") {
      r.failed = true;
      r.error = "rule LowGPUUtilization failed: boom";
    }
  }
  ReportInputs in;
  in.results = &rep.results;
  in.rules = &rep.rules;
  rep.model = BuildReportModel(in);
  EXPECT_EQ(rep.State("LowGPUUtilization").state, RuleState::kFailed);
  EXPECT_EQ(rep.StateCell("LowGPUUtilization"), "failed: rule LowGPUUtilization failed: boom");
  EXPECT_TRUE(HasNote(*rep.RuleSection("LowGPUUtilization"), Severity::kIssue));
  ExpectHonestSections(rep);
}

}  // namespace
}  // namespace smr
