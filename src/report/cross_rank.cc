// Summaries across ranks (cross_rank.h).
#include "src/report/cross_rank.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "smr/analysis.h"

namespace smr {
namespace report_internal {

RankSpread SpreadOf(const std::vector<RankValue>& values, double min_gap) {
  RankSpread s;
  s.n = values.size();
  if (values.empty()) return s;
  std::vector<double> v;
  for (const RankValue& rv : values) v.push_back(rv.value);
  s.median = Quantile(v, 0.5);
  std::vector<double> dev;
  for (double x : v) dev.push_back(std::fabs(x - s.median));
  const double gap = std::max(3 * 1.4826 * Quantile(dev, 0.5), min_gap);
  s.min = s.max = v[0];
  s.min_rank = s.max_rank = values[0].rank;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < s.min) {
      s.min = v[i];
      s.min_rank = values[i].rank;
    }
    if (v[i] > s.max) {
      s.max = v[i];
      s.max_rank = values[i].rank;
    }
    if (v[i] < s.median - gap) s.low.push_back(i);
    if (v[i] > s.median + gap) s.high.push_back(i);
  }
  return s;
}

std::string SpreadText(const RankSpread& s, const std::function<std::string(double)>& fmt_value) {
  if (s.n == 0) return "-";
  // One value for all ranks (as shown).
  if (s.n == 1 || fmt_value(s.min) == fmt_value(s.max)) return fmt_value(s.median);
  if (s.n == 2) {
    return fmt::format("{} ({}) to {} ({})", fmt_value(s.min), s.min_rank, fmt_value(s.max),
                       s.max_rank);
  }
  return fmt::format("min {} ({}), median {}, max {} ({})", fmt_value(s.min), s.min_rank,
                     fmt_value(s.median), fmt_value(s.max), s.max_rank);
}

namespace {

std::string NameList(const std::vector<size_t>& idx, const std::vector<RankValue>& values,
                     const std::function<std::string(double)>& fmt_value) {
  constexpr size_t kNamed = 5;
  std::string out;
  for (size_t i = 0; i < idx.size() && i < kNamed; ++i) {
    if (i > 0)
      out += i + 1 == std::min(idx.size(), kNamed) && idx.size() <= kNamed ? " and " : ", ";
    out += fmt::format("{} ({})", values[idx[i]].rank, fmt_value(values[idx[i]].value));
  }
  if (idx.size() > kNamed) out += fmt::format(" and {} more", idx.size() - kNamed);
  return out;
}

}  // namespace

std::string OutlierText(const RankSpread& s, const std::vector<RankValue>& values,
                        const std::function<std::string(double)>& fmt_value,
                        const std::string& what) {
  if (s.low.empty() && s.high.empty()) return fmt::format("no {} stands out", what);
  std::string out;
  if (!s.high.empty()) {
    out += fmt::format("{} {} above the others", NameList(s.high, values, fmt_value),
                       s.high.size() == 1 ? "is" : "are");
  }
  if (!s.low.empty()) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {} below the others", NameList(s.low, values, fmt_value),
                       s.low.size() == 1 ? "is" : "are");
  }
  return out;
}

Block Folded(std::string summary, std::vector<Block> children, bool in_pdf) {
  Block b;
  b.kind = BlockKind::kDetails;
  b.text = std::move(summary);
  b.children = std::move(children);
  b.children_in_pdf = in_pdf;
  return b;
}

void AppendNodeDetails(std::vector<NodeDetail> nodes, const std::string& summary,
                       std::vector<Block>* out) {
  if (nodes.empty()) return;
  if (nodes.size() == 1) {
    for (Block& b : nodes[0].blocks) out->push_back(std::move(b));
    return;
  }
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const NodeDetail& a, const NodeDetail& b) { return a.finding > b.finding; });
  const size_t n = nodes.size();
  std::vector<Block> children;
  for (size_t i = 0; i < n && i < kMaxNodesDrawn; ++i) {
    for (Block& b : nodes[i].blocks) children.push_back(std::move(b));
  }
  out->push_back(Folded(
      n > kMaxNodesDrawn ? fmt::format("{} (the first {} of {} nodes, those with a finding first)",
                                       summary, kMaxNodesDrawn, n)
                         : summary,
      std::move(children), n <= kMaxRanksInPdf));
}

size_t TruncateRows(Table* t, size_t keep, const std::string& what) {
  if (t->rows.size() <= keep) return 0;
  const size_t more = t->rows.size() - keep;
  t->rows.resize(keep);
  std::vector<std::string> row(t->columns.size());
  row[0] = fmt::format("… and {} more {}", more, what);
  t->rows.push_back(std::move(row));
  std::erase_if(t->highlight_rows, [&](int r) { return r >= static_cast<int>(keep); });
  return more;
}

}  // namespace report_internal
}  // namespace smr
