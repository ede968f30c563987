// Private building blocks shared by the report builder's sections: block
// constructors (paragraph, note, table, chart, key/values) and JSON readers.
#ifndef SMR_SRC_REPORT_BLOCKS_H_
#define SMR_SRC_REPORT_BLOCKS_H_

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smr/report_builder.h"
#include "smr/report_model.h"
#include "smr/rule.h"

namespace smr {
namespace report_internal {

using Json = nlohmann::ordered_json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- small model helpers ------------------------------------------------------

inline Block Paragraph(std::string text) {
  Block b;
  b.kind = BlockKind::kParagraph;
  b.text = std::move(text);
  return b;
}

inline Block Note(Severity severity, std::string text) {
  Block b;
  b.kind = BlockKind::kNote;
  b.severity = severity;
  b.text = std::move(text);
  return b;
}

inline Block TableBlock(Table t) {
  Block b;
  b.kind = BlockKind::kTable;
  b.table = std::move(t);
  return b;
}

inline Block ChartBlock(Chart c) {
  Block b;
  b.kind = BlockKind::kChart;
  b.chart = std::move(c);
  return b;
}

inline Block ChartsBlock(std::vector<Chart> charts) {
  Block b;
  b.kind = BlockKind::kCharts;
  b.charts = std::move(charts);
  return b;
}

inline Block KeyValues(std::vector<KeyValue> kv) {
  Block b;
  b.kind = BlockKind::kKeyValues;
  b.key_values = std::move(kv);
  return b;
}

inline double Num(const Json& j, const char* key, double fallback = kNaN) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<double>();
}

inline bool HasObject(const Json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_object() && !it->empty();
}

inline std::string Plural(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

inline BoxPlot BoxFrom(const std::string& label, const Json& s, bool highlight) {
  BoxPlot b;
  b.label = label;
  b.lower = Num(s, "lower", 0);
  b.p25 = Num(s, "p25", 0);
  b.p50 = Num(s, "p50", 0);
  b.p75 = Num(s, "p75", 0);
  b.upper = Num(s, "upper", 0);
  b.max = Num(s, "gpu_max");
  b.highlight = highlight;
  return b;
}
}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_BLOCKS_H_
