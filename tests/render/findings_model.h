// Test helper: a findings box (an issue in the training loop with hostile
// text, a warning during initialization without a section link) and a
// folded-detail block, for the HTML and PDF renderer tests.
#ifndef SMR_TESTS_RENDER_FINDINGS_MODEL_H_
#define SMR_TESTS_RENDER_FINDINGS_MODEL_H_

#include <string>
#include <vector>

#include "smr/report_model.h"

namespace smr::testing_findings {

inline const std::string kEvil = "<script>alert(1)</script> & \"q\"";

inline FindingItem CpuFinding() {
  FindingItem f;
  f.severity = Severity::kIssue;
  f.rule = "CPUBottleneck";
  f.stage = "training";
  f.title = "CPU bottleneck: the GPUs wait for the data pipeline";
  f.where = "algo-1, cores 0-5, 08:45-09:05 UTC";
  f.evidence = "93 % of datapoints: a GPU < 10 % while a core > 90 % " + kEvil;
  f.impact = "~14 min of the training loop";
  f.action = "Move augmentation to the GPU or use more loader workers";
  f.anchor = "cpu-bottlenecks";
  return f;
}

inline FindingItem InitFinding() {
  FindingItem f;
  f.severity = Severity::kWarning;
  f.rule = "";
  f.stage = "initialization";
  f.title = "Initialization took 30 min (68.8 % of the job)";
  f.where = "before the first step, 08:00-08:30 UTC";
  f.evidence = "Platform network 120 MB/s while the GPUs idle";
  f.action = "Stage the dataset on local storage before training";
  return f;
}

inline Block FindingsBlock() {
  Block b;
  b.kind = BlockKind::kFindings;
  b.findings = {CpuFinding(), InitFinding()};
  return b;
}

inline Block HealthyFindingsBlock() {
  Block b;
  b.kind = BlockKind::kFindings;
  FindingItem ok;
  ok.severity = Severity::kOk;
  ok.stage = "job";
  ok.title = "No problem found: the GPUs were busy for 97 % of the training loop";
  b.findings = {ok};
  return b;
}

inline Block DetailsBlock(bool children_in_pdf) {
  Block b;
  b.kind = BlockKind::kDetails;
  b.text = "Per-rank step times (16 ranks) " + kEvil;
  b.children_in_pdf = children_in_pdf;
  Block p;
  p.kind = BlockKind::kParagraph;
  p.text = "Rank 7 was the slowest in 9 of the 10 slowest steps.";
  b.children.push_back(p);
  Block t;
  t.kind = BlockKind::kTable;
  t.table.caption = "Step time per rank";
  t.table.columns = {"rank", "p50 (ms)", "σ (ms)"};
  t.table.numeric = {false, true, true};
  t.table.rows = {{"rank 0", "101.2", "3.1"}, {"rank 7", "143.9", "12.3"}};
  b.children.push_back(t);
  return b;
}

// A report whose first section holds the findings and a second section
// (anchor "cpu-bottlenecks") holds the folded detail.
inline ReportModel FindingsReport(bool children_in_pdf = true) {
  ReportModel m;
  m.title = "Findings report";
  Section top;
  top.id = "findings";
  top.title = "Findings";
  top.blocks.push_back(FindingsBlock());
  m.sections.push_back(top);
  Section cpu;
  cpu.id = "cpu-bottlenecks";
  cpu.title = "CPU bottlenecks";
  cpu.blocks.push_back(DetailsBlock(children_in_pdf));
  m.sections.push_back(cpu);
  return m;
}

}  // namespace smr::testing_findings

#endif  // SMR_TESTS_RENDER_FINDINGS_MODEL_H_
