// "Findings" (first section): what is wrong, ranked by estimated cost, with
// the problems of the training loop apart from those before the first step
// and after the last one; a healthy job gets one line saying so.
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/findings.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

Block FindingsBlock(std::vector<FindingItem> items) {
  Block b;
  b.kind = BlockKind::kFindings;
  b.findings = std::move(items);
  return b;
}

// The single line of a job without findings.
FindingItem HealthyItem(const ReportContext& ctx) {
  FindingItem ok;
  ok.severity = Severity::kOk;
  ok.stage = "job";
  ok.anchor = "rules-summary";
  int evaluated = 0, undecided = 0;
  if (ctx.in().results) {
    for (const RuleResult& r : *ctx.in().results) {
      if (r.name == "OverallSystemUsage" || r.name == "OverallFrameworkMetrics") continue;
      if (r.failed || !r.applicable || !r.not_evaluated_reason.empty()) {
        ++undecided;
      } else {
        ++evaluated;
      }
    }
  }
  ok.title = "No problem found";
  ok.evidence = fmt::format("{} rule{} evaluated the data and none fired.", evaluated,
                            evaluated == 1 ? "" : "s");
  if (undecided > 0) {
    ok.evidence += fmt::format(
        " {} rule{} could not judge this job (not evaluated, not applicable or failed): see the "
        "Rules summary.",
        undecided, undecided == 1 ? "" : "s");
  }
  return ok;
}

}  // namespace

void BuildFindingsSection(const ReportContext& ctx, Section* s) {
  if (!ctx.in().results) return;
  std::vector<FindingItem> all = RankedFindings(ctx);
  if (all.empty()) {
    s->blocks.push_back(Paragraph("The rules found nothing to fix in this job."));
    s->blocks.push_back(FindingsBlock({HealthyItem(ctx)}));
    return;
  }
  std::vector<FindingItem> loop, edges;
  for (FindingItem& f : all) {
    const bool edge = f.stage == "initialization" || f.stage == "finalization";
    (edge ? edges : loop).push_back(std::move(f));
  }
  s->blocks.push_back(Paragraph(fmt::format(
      "{} found, most costly first. The estimated cost is the training time the problem "
      "probably takes: idle GPU time counted for its cause, time beyond the typical step, or "
      "time before the first step. Each finding links to its section.",
      Plural(static_cast<int64_t>(loop.size() + edges.size()), "problem", "problems"))));
  const double loop_top = loop.empty() ? -1 : loop.front().impact_seconds;
  const double edge_top = edges.empty() ? -1 : edges.front().impact_seconds;
  std::vector<std::pair<std::string, std::vector<FindingItem>*>> groups = {
      {"In the training loop", &loop}, {"Before the first step and after the last step", &edges}};
  if (edge_top > loop_top) std::swap(groups[0], groups[1]);
  for (auto& [title, items] : groups) {
    if (items->empty()) continue;
    if (!loop.empty() && !edges.empty()) s->blocks.push_back(Paragraph(title + ":"));
    s->blocks.push_back(FindingsBlock(std::move(*items)));
  }
}

}  // namespace report_internal
}  // namespace smr
