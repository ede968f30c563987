// Shape comparison of rule JSONs for the schema tests: every (key path,
// value type) a rule writes must occur in at least one reference report of
// the same rule. Dynamic keys (node and GPU ids, operator and phase names)
// are wildcards. Additive keys that sm-report documents
// (docs/compatibility.md) must repeat the shape of the SageMaker key they
// extend. The references are the hand-made SageMaker-format sets of
// tests/data/rule_sets (schema_test.cc) and, when the optional shared folder
// exists, the real SageMaker reports (schema_shared_test.cc).
#ifndef SMR_TESTS_RULES_SCHEMA_SHAPES_H_
#define SMR_TESTS_RULES_SCHEMA_SHAPES_H_

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "tests/testing/files.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace schema {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Which rule is being walked changes the wildcards: OverallFrameworkMetrics
// and the rules with correlated framework keys (docs/rules.md §4.12) key their
// operator/phase dicts by free text; OverallSystemUsage writes
// non-positive statistics as ints and others as floats, so its numbers are
// compared as "number".
struct WalkMode {
  bool free_children = false;
  bool merge_numbers = false;
};

inline WalkMode ModeFor(const std::string& rule) {
  const bool framework_keys = rule == "OverallFrameworkMetrics" || rule == "CPUBottleneck" ||
                              rule == "IOBottleneck" || rule == "StepOutlier";
  return {framework_keys, rule == "OverallSystemUsage"};
}

inline std::string KeyPattern(const WalkMode& mode, const std::string& parent,
                              const std::string& key) {
  static const std::set<std::string> kFreeChildren = {"ratio",     "phase",   "CPU",
                                                      "CPU_total", "GPU",     "GPU_total",
                                                      "general",   "horovod", "forward_backward"};
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
inline std::string TypeName(const WalkMode& mode, const J& j) {
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
inline void Walk(const WalkMode& mode, const J& j, const std::string& path,
                 const std::string& parent_key, std::set<std::string>* out) {
  out->insert(path + ":" + TypeName(mode, j));
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    Walk(mode, it.value(), path + "/" + KeyPattern(mode, parent_key, it.key()), it.key(), out);
  }
}

// The shapes of every `profiler-reports/<rule>.json` below `root` (hidden
// folders such as .ipynb_checkpoints are skipped, as render mode does).
inline std::set<std::string> ReferenceShapes(const fs::path& root, const std::string& rule,
                                             int* files) {
  std::set<std::string> shapes;
  *files = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (name != rule + ".json" || it->path().parent_path().filename() != "profiler-reports") {
      continue;
    }
    try {
      Walk(ModeFor(rule), nlohmann::json::parse(testing::ReadFile(it->path())), "", "", &shapes);
      ++*files;
    } catch (const std::exception&) {
      ADD_FAILURE() << "cannot parse " << it->path();
    }
  }
  return shapes;
}

// One node, one GPU, 4 cores; 3 windows of samples every 0.5 s; TRAIN and
// EVAL steps with CPU/GPU operators and data loading.
inline std::unique_ptr<testing::BuiltData> RealisticInput() {
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

// Two nodes with > 100 TRAIN and EVAL steps each, a few long TRAIN steps,
// operators and data loading inside the steps.
inline std::unique_ptr<testing::BuiltData> StepOutlierInput() {
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

// StepOutlier's additive step_details_by_phase[node][phase] must have the
// shape of step_details[node]; its two containers are allowed as such.
inline std::set<std::string> MapAdditiveShapes(const std::string& rule,
                                               const std::set<std::string>& in) {
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

// Every (key path, value type) that `rule` writes on `input` must occur in
// at least one reference report of the same rule below `root`.
inline void ExpectShapeMatches(const fs::path& root, Rule& rule,
                               std::unique_ptr<testing::BuiltData> input = RealisticInput()) {
  RuleResult r = rule.Evaluate(input->ctx());
  std::set<std::string> walked;
  Walk(ModeFor(std::string(rule.name())), Json::parse(RuleResultToJson(r)), "", "", &walked);
  const std::set<std::string> ours = MapAdditiveShapes(std::string(rule.name()), walked);
  int files = 0;
  std::set<std::string> real = ReferenceShapes(root, std::string(rule.name()), &files);
  ASSERT_GT(files, 0) << "no " << rule.name() << ".json under " << root;
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
      for (const std::string& shape : ReferenceShapes(root, other, &other_files)) {
        if (std::regex_match(shape, kCorrelatedKey)) real.insert(shape);
      }
    }
  }
  for (const std::string& shape : ours) {
    EXPECT_TRUE(real.count(shape)) << rule.name() << ": " << shape << " never occurs in " << files
                                   << " reference reports under " << root;
  }
}

}  // namespace schema
}  // namespace smr

#endif  // SMR_TESTS_RULES_SCHEMA_SHAPES_H_
