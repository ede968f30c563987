// The report built from generated jobs (smr-sample-gen, in process from
// discovery to the report model): every rule section's counts in the text
// equal its tables and the rule JSON values, the job shares agree between
// text, key/values and chart, the same slow steps are named on every rank
// of a multi-node job, and the HTML stays small as nodes are added.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/command.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
namespace fs = std::filesystem;

struct BuiltJob {
  Discovery discovery;
  IngestResult ingested;
  JobTimeline timeline;
  std::unique_ptr<WindowPlan> windows;
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<RuleResult> results;
  ReportModel model;
  const RuleResult* Result(const std::string& name) const {
    for (const RuleResult& r : results) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }
};

// Generates `args` into the scratch folder `name` and builds its report
// model as `sm-report build` does.
std::unique_ptr<BuiltJob> BuildJob(const std::string& name, const std::string& args) {
  const fs::path dir = testing::ScratchRoot() / ("scenario-" + name);
  std::string log;
  EXPECT_EQ(testing::RunCommand(
                fmt::format("'{}' --out '{}' {}", SMR_SAMPLE_GEN, dir.string(), args), &log),
            0)
      << log;
  auto b = std::make_unique<BuiltJob>();
  StatusOr<Discovery> d = DiscoverInputs(dir.string());
  EXPECT_TRUE(d.ok());
  if (!d.ok()) return nullptr;
  b->discovery = std::move(*d);
  b->ingested = ImportAll(b->discovery, IngestOptions{});
  b->timeline = BuildTimeline(b->ingested.store);
  b->windows = std::make_unique<WindowPlan>(b->ingested.store, b->discovery);
  b->rules = CreateBuiltinRules();
  b->results = EvaluateRules(b->rules, {&b->ingested.store, &b->timeline, b->windows.get()});
  ReportInputs in;
  in.results = &b->results;
  in.rules = &b->rules;
  in.discovery = &b->discovery;
  in.store = &b->ingested.store;
  in.timeline = &b->timeline;
  in.windows = b->windows.get();
  b->model = BuildReportModel(in);
  return b;
}

// The first match of `re` in `text`: the whole match, then its groups.
std::optional<std::vector<std::string>> Find(const std::string& text, const std::string& re) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(re))) return std::nullopt;
  std::vector<std::string> groups;
  for (const auto& g : m) groups.push_back(g.str());
  return groups;
}

int64_t Int(const std::string& s) { return std::stoll(s); }

// Sum of a numeric column (cells that are not numbers count 0) and the
// devices a "When and where" table covers (its rows, and K of an
// "… and K more" row).
int64_t ColumnSum(const Table& t, const std::string& column) {
  size_t c = 0;
  while (c < t.columns.size() && t.columns[c] != column) ++c;
  EXPECT_LT(c, t.columns.size()) << column;
  int64_t sum = 0;
  for (const auto& row : t.rows) {
    if (c < row.size() && !row[c].empty() && std::isdigit(static_cast<unsigned char>(row[c][0]))) {
      sum += Int(row[c]);
    }
  }
  return sum;
}
int64_t DeviceRows(const Table& t) {
  int64_t n = 0;
  for (const auto& row : t.rows) {
    if (auto m = Find(row[0], "^… and (\\d+) more")) {
      n += Int((*m)[1]);
    } else {
      ++n;
    }
  }
  return n;
}

const std::map<std::string, std::string>& RuleSections() {
  static const std::map<std::string, std::string> k = {{"step-duration", "StepOutlier"},
                                                       {"gpu-utilization", "LowGPUUtilization"},
                                                       {"workload-balancing", "LoadBalancing"},
                                                       {"dataloading", "Dataloader"},
                                                       {"batch-size", "BatchSize"},
                                                       {"cpu-bottlenecks", "CPUBottleneck"},
                                                       {"io-bottlenecks", "IOBottleneck"},
                                                       {"gpu-memory", "GPUMemoryIncrease"}};
  return k;
}

// Every count a rule section states equals its table and its rule result.
void CheckRuleSections(const BuiltJob& b) {
  for (const auto& [id, rule] : RuleSections()) {
    SCOPED_TRACE(id);
    const Section* s = FindSection(b.model.sections, id);
    const RuleResult* r = b.Result(rule);
    ASSERT_NE(s, nullptr);
    ASSERT_NE(r, nullptr);
    const std::string text = AllText(*s);
    auto intro = Find(text, "analysed (\\d+) datapoints and triggered (\\d+) times");
    ASSERT_TRUE(intro) << text;
    EXPECT_EQ(Int((*intro)[1]), r->datapoints);
    EXPECT_EQ(Int((*intro)[2]), r->triggered);
    if (auto fired = Find(text, "The rule fired (\\d+) times?")) {
      EXPECT_EQ(Int((*fired)[1]), r->triggered) << text;
    } else {
      EXPECT_EQ(r->triggered, 0) << text;
    }
    const Table* when = TableWithCaption(*s, "When and where the rule fired");
    if (auto where = Find(text, "in (\\d+) windows? on (\\d+) GPUs?")) {
      ASSERT_NE(when, nullptr) << text;
      // One row per GPU; the Windows column counts (window, GPU) findings.
      EXPECT_EQ(Int((*where)[2]), DeviceRows(*when));
      const int64_t windows = ColumnSum(*when, "Windows");
      EXPECT_EQ(windows, static_cast<int64_t>(r->findings.size()));
      EXPECT_LE(Int((*where)[1]), windows);
      std::set<int64_t> distinct;
      for (const RuleFinding& f : r->findings) distinct.insert(f.window_start_us);
      EXPECT_EQ(Int((*where)[1]), static_cast<int64_t>(distinct.size()));
      if (rule != "GPUMemoryIncrease") {
        // "once per GPU and window": every firing is one row's window.
        EXPECT_EQ(windows, r->triggered);
      }
    }
    if (auto last = Find(text, "At its last evaluation (\\d+) steps? were outliers")) {
      int64_t json = 0;
      for (const auto& [node, phases] : r->details["step_details_by_phase"].items()) {
        for (const auto& [phase, st] : phases.items())
          json += st["number_of_outliers"].get<int64_t>();
      }
      EXPECT_EQ(Int((*last)[1]), json);
      const Table* across = TableWithCaption(*s, "Step durations across ranks");
      const Table* per_rank = TableWithCaption(*s, "Step durations per rank and phase");
      ASSERT_NE(per_rank, nullptr);
      EXPECT_EQ(ColumnSum(*per_rank, "Outliers"), json);
      if (across) {
        EXPECT_EQ(ColumnSum(*across, "Outliers"), json);
      }
    }
    if (auto share = Find(text, "(\\d+) of (\\d+) samples \\(([0-9.]+) %\\) were bottlenecks")) {
      EXPECT_EQ(Int((*share)[1]), r->violations);
      EXPECT_EQ(Int((*share)[2]), r->datapoints);
      EXPECT_EQ((*share)[3], FormatNumber(100.0 * r->violations / r->datapoints, 1));
    }
  }
}

// The job summary's shares: the same string in the text and the key/values.
void CheckJobShares(const BuiltJob& b) {
  const Section* s = FindSection(b.model.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  auto m = Find(text,
                "Initialization took ([0-9.]+ %) of the job, the training loop ([0-9.]+ %) "
                "and finalization ([0-9.]+ %)");
  ASSERT_TRUE(m) << text;
  EXPECT_EQ((*m)[1], KeyValueOf(*s, "Initialization"));
  EXPECT_EQ((*m)[2], KeyValueOf(*s, "Training loop"));
  EXPECT_EQ((*m)[3], KeyValueOf(*s, "Finalization"));
}

TEST(ReportScenariosTest, CountsInTheTextEqualTheTablesOnEveryScenario) {
  for (const char* scenario :
       {"default", "memory-growth", "step-outliers", "cpu-bottleneck", "few-loaders"}) {
    SCOPED_TRACE(scenario);
    auto b = BuildJob(scenario, fmt::format("--scenario {}", scenario));
    ASSERT_NE(b, nullptr);
    CheckRuleSections(*b);
    CheckJobShares(*b);
  }
}

TEST(ReportScenariosTest, MultiNodeSummariesComeFirstAndDetailIsFolded) {
  // 2 nodes × 8 GPUs: 16 GPUs, one framework process (rank) per GPU.
  auto b = BuildJob("2x8", "--scenario multi-node --gpus 8");
  ASSERT_NE(b, nullptr);
  CheckRuleSections(*b);
  const Section* gpu = FindSection(b->model.sections, "gpu-utilization");
  ASSERT_NE(gpu, nullptr);
  // All 16 GPUs at a glance: one row per node, one column per GPU.
  const Table* glance = TableWithCaption(*gpu, "Median GPU utilization");
  ASSERT_NE(glance, nullptr);
  EXPECT_EQ(glance->rows.size(), 2u);
  EXPECT_EQ(glance->columns.size(), 1u + 8u);
  EXPECT_NE(AllText(*gpu).find("over the 16 GPUs"), std::string::npos) << AllText(*gpu);
  // The flagged GPUs of each node are folded and, for more than four
  // nodes' worth of detail, left out of the PDF.
  ASSERT_FALSE(FoldedBlocks(*gpu).empty());
  const Section* usage = FindSection(b->model.sections, "system-usage");
  ASSERT_NE(usage, nullptr);
  EXPECT_NE(TableWithCaption(*usage, "Resource utilization across the 2 nodes"), nullptr);
  EXPECT_EQ(FindSection(b->model.sections, "system-usage-algo-1"), nullptr);
  EXPECT_NE(FindSection(b->model.sections, "system-usage-per-node"), nullptr);
}

TEST(ReportScenariosTest, TheSameSlowStepsAreNamedOnEveryRank) {
  // step-outliers on two nodes: every 60th TRAIN step is a synchronous
  // checkpoint, on every rank (identical schedules).
  auto b = BuildJob("steps-2-nodes", "--scenario step-outliers --nodes 2");
  ASSERT_NE(b, nullptr);
  CheckRuleSections(*b);
  std::set<StrId> ranks;
  for (const NodePhaseSteps& np : b->timeline.by_node_phase) ranks.insert(np.node);
  ASSERT_GT(ranks.size(), 1u);
  const Section* s = FindSection(b->model.sections, "step-duration");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  // Step 0 (the 2.6 s warm-up) and every 60th step after it: 59, 119, ...
  auto m = Find(text,
                "TRAIN: steps 0, 59, 119, 179, 239, [^)]*\\((\\d+) steps\\) are slow on "
                "all (\\d+) ranks, by ([0-9.]+)× the median step");
  ASSERT_TRUE(m) << text;
  EXPECT_EQ(Int((*m)[2]), static_cast<int64_t>(ranks.size()));
  // About one TRAIN step in 60 of each rank (over 9 000 steps: > 100).
  EXPECT_GT(Int((*m)[1]), 100);
  // The generator makes the checkpoint steps 4-7× the mean.
  EXPECT_GE(std::stod((*m)[3]), 3.5);
  EXPECT_LE(std::stod((*m)[3]), 7.5);
  const Table* t = TableWithCaption(*s, "Slow steps across ranks");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->rows[0][2], fmt::format("{} of {}", ranks.size(), ranks.size()));
  const int64_t first = Int(t->rows[0][1]);  // the warm-up step or a checkpoint
  EXPECT_TRUE(first == 0 || (first + 1) % 60 == 0) << first;
  // The per-rank detail is folded.
  bool folded = false;
  for (const Block* f : FoldedBlocks(*s)) folded |= f->text.rfind("Per-rank detail", 0) == 0;
  EXPECT_TRUE(folded);
}

// HTML size of `sm-report build` on a generated job.
uintmax_t HtmlBytes(const std::string& name, const std::string& args) {
  const fs::path dir = testing::ScratchRoot() / ("size-" + name);
  const fs::path out = testing::ScratchRoot() / ("size-" + name + "-out");
  std::string log;
  EXPECT_EQ(testing::RunCommand(
                fmt::format("'{}' --out '{}' {}", SMR_SAMPLE_GEN, dir.string(), args), &log),
            0)
      << log;
  EXPECT_EQ(testing::RunCommand(fmt::format("'{}' build '{}' -o '{}' --format html", SMR_CLI,
                                            dir.string(), out.string()),
                                &log),
            0)
      << log;
  const uintmax_t n = fs::file_size(out / "profiler-report.html");
  fs::remove_all(dir);
  return n;
}

TEST(ReportScenariosTest, HtmlGrowsLittlePerNode) {
  // Per-node charts are drawn for at most 8 nodes and per-node tables are
  // budgeted: beyond 8 nodes of 8 GPUs each further node may add at most
  // 12 KB (a few table rows), so 64 nodes stay under 3 MB (20 nodes +
  // 44 × 12 KB = 20 nodes + 0.53 MB). `sm-report build` on 64 × 8 GPUs
  // itself takes too long for this suite.
  const uintmax_t ten = HtmlBytes("10", "--scenario multi-node --nodes 10 --gpus 8 --minutes 3");
  const uintmax_t twenty = HtmlBytes("20", "--scenario multi-node --nodes 20 --gpus 8 --minutes 3");
  ASSERT_GT(twenty, ten);
  const double per_node = static_cast<double>(twenty - ten) / 10;
  EXPECT_LT(per_node, 12e3) << ten << " -> " << twenty;
  EXPECT_LT(static_cast<double>(twenty) + 44 * per_node, 3e6) << ten << " -> " << twenty;
}

}  // namespace
}  // namespace smr
