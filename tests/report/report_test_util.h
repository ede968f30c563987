// Helpers shared by the report-builder tests: loading a set of rule JSONs
// (tests/data/rule_sets) and finding sections, key/value rows and tables in a ReportModel.
#ifndef SMR_TESTS_REPORT_REPORT_TEST_UTIL_H_
#define SMR_TESTS_REPORT_REPORT_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/testing/files.h"

namespace smr {
namespace report_test {

// The 11 rules in ProfilerReport's order.
inline const std::vector<std::string>& RuleOrder() {
  static const std::vector<std::string> kOrder = {
      "CPUBottleneck",      "IOBottleneck", "LowGPUUtilization",      "StepOutlier",
      "GPUMemoryIncrease",  "BatchSize",    "MaxInitializationTime",  "LoadBalancing",
      "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics"};
  return kOrder;
}

using ::smr::testing::ReadFile;

// Parses `<dir>/<Rule>.json` for every rule, in ProfilerReport order.
inline std::vector<RuleResult> LoadRuleJsons(const std::filesystem::path& dir) {
  std::vector<RuleResult> out;
  for (const std::string& name : RuleOrder()) {
    StatusOr<RuleResult> r = ParseRuleResultJson(name, ReadFile(dir / (name + ".json")));
    EXPECT_TRUE(r.ok()) << dir << " " << name << ": " << r.status().message();
    if (r.ok()) out.push_back(std::move(*r));
  }
  return out;
}

// The hand-made rule-JSON sets of tests/data/rule_sets.
inline constexpr const char* kHandMadeSets[] = {"single-gpu", "four-gpus", "system-only",
                                                "cpu-only-two-nodes"};

// The profiler-reports folder of a set (system-only keeps SageMaker's
// download layout).
inline std::filesystem::path HandMadeSetDir(const std::string& set) {
  const std::filesystem::path root =
      std::filesystem::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets" / set;
  if (set == "system-only") {
    return root / "rule-output" / "ProfilerReport-1720000300" / "profiler-output" /
           "profiler-reports";
  }
  return root / "profiler-reports";
}

inline ReportModel BuildFromResults(const std::vector<RuleResult>* results) {
  ReportInputs in;
  in.results = results;
  return BuildReportModel(in);
}

// Parses a set's rule JSONs into `results`, infers their states as
// `sm-report render` does and builds the report from them alone (render
// mode).
inline ReportModel BuildFromHandMadeSet(const std::string& set, std::vector<RuleResult>* results) {
  *results = LoadRuleJsons(HandMadeSetDir(set));
  InferStatesFromJson(results);
  return BuildFromResults(results);
}

inline const Section* FindSection(const std::vector<Section>& sections, const std::string& id) {
  for (const Section& s : sections) {
    if (s.id == id) return &s;
    if (const Section* sub = FindSection(s.subsections, id)) return sub;
  }
  return nullptr;
}

inline std::string KeyValueOf(const Section& s, const std::string& key) {
  for (const Block& b : s.blocks) {
    if (b.kind != BlockKind::kKeyValues) continue;
    for (const KeyValue& kv : b.key_values) {
      if (kv.key == key) return kv.value;
    }
  }
  return "<missing>";
}

// The blocks of a section in document order, the children of folded
// blocks (BlockKind::kDetails) right after their summary.
inline void CollectBlocks(const std::vector<Block>& blocks, std::vector<const Block*>* out) {
  for (const Block& b : blocks) {
    out->push_back(&b);
    CollectBlocks(b.children, out);
  }
}
inline std::vector<const Block*> AllBlocks(const Section& s) {
  std::vector<const Block*> out;
  CollectBlocks(s.blocks, &out);
  return out;
}

inline const Table* FirstTable(const Section& s) {
  for (const Block* b : AllBlocks(s)) {
    if (b->kind == BlockKind::kTable) return &b->table;
  }
  return nullptr;
}

inline const Table* TableWithCaption(const Section& s, const std::string& prefix) {
  for (const Block* b : AllBlocks(s)) {
    if (b->kind == BlockKind::kTable && b->table.caption.rfind(prefix, 0) == 0) return &b->table;
  }
  return nullptr;
}

// The folded blocks of a section (top level).
inline std::vector<const Block*> FoldedBlocks(const Section& s) {
  std::vector<const Block*> out;
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kDetails) out.push_back(&b);
  }
  return out;
}

// Paragraph and note texts, folded-block summaries and key/value rows of a
// section (folded children included), one per line.
inline std::string AllText(const Section& s) {
  std::string out;
  for (const Block* b : AllBlocks(s)) {
    out += b->text + "\n";
    for (const auto& kv : b->key_values) out += kv.key + "=" + kv.value + "\n";
  }
  return out;
}

inline bool HasNote(const Section& s, Severity severity) {
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kNote && b.severity == severity) return true;
  }
  return false;
}

}  // namespace report_test
}  // namespace smr

#endif  // SMR_TESTS_REPORT_REPORT_TEST_UTIL_H_
