// Our rule JSONs must have the shape of SageMaker's: every (key path, value
// type) we write must occur in at least one real report of the same rule
// (shared/real-reports/*/profiler-reports/<Rule>.json). Dynamic keys (node
// and GPU ids, operator and phase names) are wildcards. Additive keys that
// sm-report documents (docs/compatibility.md) must repeat the shape of the
// SageMaker key they extend.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/batch_size.h"
#include "src/rules/cpu_bottleneck.h"
#include "src/rules/dataloader.h"
#include "src/rules/gpu_memory_increase.h"
#include "src/rules/io_bottleneck.h"
#include "src/rules/load_balancing.h"
#include "src/rules/low_gpu_utilization.h"
#include "src/rules/max_initialization_time.h"
#include "src/rules/overall_framework_metrics.h"
#include "src/rules/overall_system_usage.h"
#include "src/rules/step_outlier.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Which rule is being walked changes the wildcards: OverallFrameworkMetrics
// and the rules with correlated framework keys (§4.12) key their
// operator/phase dicts by free text; OverallSystemUsage writes
// non-positive statistics as ints and others as floats, so its numbers are
// compared as "number".
struct WalkMode {
  bool free_children = false;
  bool merge_numbers = false;
};

WalkMode ModeFor(const std::string& rule) {
  const bool framework_keys = rule == "OverallFrameworkMetrics" || rule == "CPUBottleneck" ||
                              rule == "IOBottleneck" || rule == "StepOutlier";
  return {framework_keys, rule == "OverallSystemUsage"};
}

std::string KeyPattern(const WalkMode& mode, const std::string& parent, const std::string& key) {
  static const std::set<std::string> kFreeChildren = {
      "ratio", "phase", "CPU", "CPU_total", "GPU", "GPU_total", "general", "horovod",
      "forward_backward"};
  if (mode.free_children && kFreeChildren.count(parent)) return "*";
  if (parent == "bottlenecks") return "<timestamp>";
  // Built once: real bottleneck dicts have tens of thousands of keys.
  static const std::regex kFwNode("algo-[0-9]+-[0-9]+");
  static const std::regex kStepPhase("Step:ModeKeys\\..*");
  static const std::regex kNode("algo-[0-9]+");
  static const std::regex kGpu("gpu[0-9]+");
  static const std::regex kGpuMemory("gpu[0-9]+_memory");
  if (std::regex_match(key, kFwNode)) return "<fw-node>";
  if (std::regex_match(key, kStepPhase)) return "<step-phase>";
  if (std::regex_match(key, kNode)) return "<node>";
  if (std::regex_match(key, kGpu)) return "<gpu>";
  if (std::regex_match(key, kGpuMemory)) return "<gpu>_memory";
  return key;
}

template <typename J>
std::string TypeName(const WalkMode& mode, const J& j) {
  if (mode.merge_numbers && j.is_number()) return "number";
  if (j.is_object()) return "object";
  if (j.is_array()) return "array";
  if (j.is_string()) return "string";
  if (j.is_boolean()) return "bool";
  if (j.is_number_float()) return "float";
  if (j.is_number()) return "int";
  return "null";
}

// Templated so real files can be parsed as plain json (ordered_json parses
// large objects in quadratic time; key order does not matter here).
template <typename J>
void Walk(const WalkMode& mode, const J& j, const std::string& path,
          const std::string& parent_key, std::set<std::string>* out) {
  out->insert(path + ":" + TypeName(mode, j));
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    Walk(mode, it.value(), path + "/" + KeyPattern(mode, parent_key, it.key()), it.key(), out);
  }
}

std::set<std::string> RealShapes(const std::string& rule, int* files) {
  std::set<std::string> shapes;
  *files = 0;
  const fs::path root = fs::path(SMR_SHARED_DIR) / "real-reports";
  if (!fs::exists(root)) return shapes;
  for (const auto& dir : fs::directory_iterator(root)) {
    const fs::path p = dir.path() / "profiler-reports" / (rule + ".json");
    if (!fs::exists(p)) continue;
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      Walk(ModeFor(rule), nlohmann::json::parse(ss.str()), "", "", &shapes);
      ++*files;
    } catch (const std::exception&) {
      ADD_FAILURE() << "cannot parse " << p;
    }
  }
  return shapes;
}

// One node, one GPU, 4 cores; 3 windows of samples every 0.5 s; TRAIN and
// EVAL steps with CPU/GPU operators and data loading.
std::unique_ptr<testing::BuiltData> RealisticInput() {
  testing::TestData d;
  d.SystemFile("algo-1", 1000).FrameworkFile("1-algo-1", 1'000'000'000);
  for (int i = 0; i < 360; ++i) {
    const double ts = 1000.25 + 0.5 * i;
    for (int c = 0; c < 4; ++c) {
      d.Cpu("algo-1", "cpu" + std::to_string(c), ts, 10 + (i + c) % 30);
      d.IoWait("algo-1", "cpu" + std::to_string(c), ts, i % 7 == 0 ? 3.5 : 0);
    }
    d.GpuUtil("algo-1", "gpu0", ts, i % 5 == 0 ? 40 : 2);
    d.GpuMem("algo-1", "gpu0", ts, 20 + i % 3);
    d.HostMem("algo-1", ts, 12.5);
    d.NetRx("algo-1", ts, i % 2 ? 1000 : 0).NetTx("algo-1", ts, 10);
  }
  int64_t t = 1'020'000'000;
  for (int s = 0; s < 100; ++s, t += 1'000'000) {
    const char* mode = s < 80 ? "TRAIN" : "EVAL";
    d.Step("algo-1-27", mode, s, t, t + 800'000);
    d.Event("algo-1-27", "cpu_functions", "aten::conv2d", t + 1000, t + 400'000);
    d.Event("algo-1-27", "cpu_functions", "aten::to", t + 400'000, t + 500'000);
    d.Event("algo-1-27", "gpu_functions-dev:0", "volta_sgemm", t + 1000, t + 300'000);
    d.Event("algo-1-27", "DataLoaderIter", "DataLoaderIter", t + 900'000, t + 950'000);
  }
  return d.Build();
}

// StepOutlier's additive step_details_by_phase[node][phase] must have the
// shape of step_details[node]; its two containers are allowed as such.
std::set<std::string> MapAdditiveShapes(const std::string& rule, const std::set<std::string>& in) {
  if (rule != "StepOutlier") return in;
  const std::string from = "/Details/step_details_by_phase/<fw-node>/<step-phase>";
  const std::string to = "/Details/step_details/<fw-node>";
  std::set<std::string> out;
  for (const std::string& shape : in) {
    if (shape == "/Details/step_details_by_phase:object" ||
        shape == "/Details/step_details_by_phase/<fw-node>:object") {
      continue;
    }
    if (shape.rfind(from, 0) == 0) {
      out.insert(to + shape.substr(from.size()));
    } else {
      out.insert(shape);
    }
  }
  return out;
}

void ExpectShapeMatches(Rule& rule,
                        std::unique_ptr<testing::BuiltData> input = RealisticInput()) {
  RuleResult r = rule.Evaluate(input->ctx());
  std::set<std::string> walked;
  Walk(ModeFor(std::string(rule.name())), Json::parse(RuleResultToJson(r)), "", "", &walked);
  const std::set<std::string> ours = MapAdditiveShapes(std::string(rule.name()), walked);
  int files = 0;
  std::set<std::string> real = RealShapes(std::string(rule.name()), &files);
  if (files == 0) GTEST_SKIP() << "real reports not found under " << SMR_SHARED_DIR;
  // The correlated framework keys (§4.12) come from one aggregator shared by
  // three rules: their real shapes are pooled.
  static const std::set<std::string> kCorrelationRules = {"CPUBottleneck", "IOBottleneck",
                                                          "StepOutlier"};
  if (kCorrelationRules.count(std::string(rule.name()))) {
    static const std::regex kCorrelatedKey(
        "/Details/(ratio|CPU|CPU_total|GPU|GPU_total|phase|phase_time|general|"
        "forward_backward|horovod)[/:].*");
    for (const std::string& other : kCorrelationRules) {
      int other_files = 0;
      for (const std::string& shape : RealShapes(other, &other_files)) {
        if (std::regex_match(shape, kCorrelatedKey)) real.insert(shape);
      }
    }
  }
  for (const std::string& shape : ours) {
    EXPECT_TRUE(real.count(shape)) << rule.name() << ": " << shape << " never occurs in "
                                   << files << " real reports";
  }
}

TEST(SchemaTest, CpuBottleneckMatchesRealReports) {
  CpuBottleneckParams p;
  p.threshold = 10;
  p.cpu_threshold = 30;
  p.patience = 100;
  CpuBottleneckRule rule(p);
  auto input = RealisticInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_GT(r.triggered, 0);
  ASSERT_TRUE(r.details.contains("CPU_total"));
  ASSERT_TRUE(r.details.contains("GPU_total"));
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, IoBottleneckMatchesRealReports) {
  // Real IOBottleneck reports never triggered: check the untriggered shape
  // with some bottlenecks.
  IoBottleneckParams p;
  p.io_threshold = 3;
  IoBottleneckRule rule(p);
  auto input = RealisticInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_EQ(r.triggered, 0);
  ASSERT_GT(r.violations, 0);
  ExpectShapeMatches(rule);
}

// Two nodes with > 100 TRAIN and EVAL steps each, a few long TRAIN steps,
// operators and data loading inside the steps.
std::unique_ptr<testing::BuiltData> StepOutlierInput() {
  testing::TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  for (const char* node : {"algo-1-27", "algo-2-27"}) {
    int64_t t = 1'000'100'000;
    for (int s = 0; s < 230; ++s) {
      const bool train = s < 120;
      const int64_t dur = train ? (s % 40 == 3 ? 900'000 : 100'000 + 1000 * (s % 7)) : 50'000;
      d.Step(node, train ? "TRAIN" : "EVAL", train ? s : s - 120, t, t + dur);
      d.Event(node, "cpu_functions", "aten::conv2d", t + 1000, t + dur / 2);
      d.Event(node, "gpu_functions-dev:0", "volta_sgemm", t + 1000, t + dur / 3);
      d.Event(node, "DataLoaderIter", "DataLoaderIter", t + dur / 2, t + dur - 1000);
      t += dur;
    }
  }
  return d.Build();
}

TEST(SchemaTest, StepOutlierMatchesRealReports) {
  StepOutlierParams p;
  p.n_outliers = 1;
  StepOutlierRule rule(p);
  auto input = StepOutlierInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_GT(r.triggered, 0);
  ASSERT_TRUE(r.details.contains("step_details_by_phase"));
  ASSERT_TRUE(r.details.contains("general"));
  ExpectShapeMatches(rule, StepOutlierInput());
}

TEST(SchemaTest, LowGpuUtilizationMatchesRealReports) {
  LowGpuUtilizationRule rule({70, 10, 100, 200});
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);  // exercise Details
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, BatchSizeMatchesRealReports) {
  BatchSizeParams p;
  p.patience = 200;
  p.window = 100;
  BatchSizeRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, GpuMemoryIncreaseMatchesRealReports) {
  GpuMemoryIncreaseParams p;
  p.increase = 0.01;
  p.patience = 200;
  GpuMemoryIncreaseRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, LoadBalancingMatchesRealReports) {
  LoadBalancingRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("algo-1"));
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, DataloaderMatchesRealReports) {
  DataloaderRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("dataloading_time"));
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, MaxInitializationTimeMatchesRealReports) {
  MaxInitializationTimeRule rule;
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, OverallSystemUsageMatchesRealReports) {
  OverallSystemUsageRule rule;
  ExpectShapeMatches(rule);
}

TEST(SchemaTest, OverallFrameworkMetricsMatchesRealReports) {
  OverallFrameworkMetricsRule rule;
  ExpectShapeMatches(rule);
}

}  // namespace
}  // namespace smr
