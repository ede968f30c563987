// Summaries across the ranks, nodes or GPUs of a multi-node job: the
// distribution of one value per rank (min, median, max and the ranks that
// stand out), the folded block that holds the per-rank detail, and the
// budget that keeps per-rank tables short whatever the node count.
// Private to src/report.
#ifndef SMR_SRC_REPORT_CROSS_RANK_H_
#define SMR_SRC_REPORT_CROSS_RANK_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "smr/report_model.h"

namespace smr {
namespace report_internal {

// One value of one rank (a framework process "algo-1-27", a node
// "algo-1" or a GPU "algo-1/gpu3").
struct RankValue {
  std::string rank;
  double value = 0;
};

// The distribution of one value over the ranks. A rank is an outlier when
// its value lies further from the median than both 3 scaled median absolute
// deviations (3 × 1.4826 × MAD) and `min_gap` (absolute, in the value's
// unit), so that near-identical ranks never stand out.
struct RankSpread {
  size_t n = 0;
  double min = 0, median = 0, max = 0;
  std::string min_rank, max_rank;  // first rank with the minimum / maximum
  std::vector<size_t> low, high;   // indices of outliers below / above the median
};
RankSpread SpreadOf(const std::vector<RankValue>& values, double min_gap);

// "min 0.121 s (algo-2-5), median 0.123 s, max 0.125 s (algo-1-3)", with
// `fmt_value` formatting one value ("0.121 s"); "0.121 s (algo-2-5) to
// 0.125 s (algo-1-3)" for two ranks; just the value when every rank shows
// the same.
std::string SpreadText(const RankSpread& s, const std::function<std::string(double)>& fmt_value);

// "no rank stands out" or "algo-1-3 (0.250 s) and algo-2-1 (0.240 s) are
// above the others", naming at most 5 ranks then "and K more".
std::string OutlierText(const RankSpread& s, const std::vector<RankValue>& values,
                        const std::function<std::string(double)>& fmt_value,
                        const std::string& what = "rank");

// A folded block (BlockKind::kDetails): `summary` is the line shown when
// folded; `in_pdf` false prints only that line in the PDF.
Block Folded(std::string summary, std::vector<Block> children, bool in_pdf);

// Per-rank detail of more than this many ranks (nodes) is left out of the
// PDF: the HTML keeps it folded.
inline constexpr size_t kMaxRanksInPdf = 4;

// Row budget of per-rank tables: at most this many rows, then one row that
// says how many were left out (AppendMoreRow).
inline constexpr size_t kMaxRankRows = 40;

// Nodes whose detail (charts, tables) is drawn in a multi-node job: the
// others are counted, not drawn, so the HTML does not grow with the nodes.
inline constexpr size_t kMaxNodesDrawn = 8;

// One node's detail blocks; `finding` puts it before the others.
struct NodeDetail {
  std::string node;
  bool finding = false;
  std::vector<Block> blocks;
};

// For one node, its blocks as they are. For several, one folded block:
// "<summary>", then " (the first K of N nodes, those with a finding
// first)" when more than kMaxNodesDrawn, holding their blocks; in the PDF
// only for up to kMaxRanksInPdf nodes.
void AppendNodeDetails(std::vector<NodeDetail> nodes, const std::string& summary,
                       std::vector<Block>* out);

// Appends "… and K more <what>" as the last row of `t` (first cell, the
// others "") when rows past `keep` were dropped; returns K.
size_t TruncateRows(Table* t, size_t keep, const std::string& what);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_CROSS_RANK_H_
