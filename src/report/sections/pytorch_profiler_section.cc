// "PyTorch profiler traces": the Kineto traces of a job (ReportInputs::kineto)
// rank by rank: the GPU time breakdown, steps, the GPU timeline per stream,
// top kernels and operators, launches and synchronization, memory, and the
// cross-rank view. Left out when there are no traces.
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/cross_rank.h"
#include "src/report/kineto_facts.h"
#include "src/report/kineto_findings.h"
#include "src/report/pytorch_profiler.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

namespace {

Section Sub(const char* id, const char* title) {
  Section s;
  s.id = id;
  s.title = title;
  s.level = 3;
  return s;
}

// The RankLabel of every rank a rule finding names.
std::set<std::string> FlaggedRanks(const ReportInputs& in) {
  std::set<std::string> out;
  if (in.results == nullptr) return out;
  for (const RuleResult& r : *in.results) {
    for (const RuleFinding& f : r.findings) {
      if (!f.node.empty()) out.insert(f.node);
    }
  }
  return out;
}

std::string RankList(const KinetoAnalysis& k, const std::vector<size_t>& idx) {
  std::string out;
  for (size_t i : idx) out += (out.empty() ? "" : ", ") + RankLabel(k, i);
  return out;
}

// Per-rank blocks: the open ranks as they are (named in a paragraph when
// several ranks), the others folded (in the PDF up to kMaxRanksInPdf ranks),
// and a note for the ranks not drawn (ending with `every`, "" or a sentence).
void AppendPerRank(const KinetoAnalysis& k, const RankPick& pick, const char* what,
                   const char* every, std::vector<Block> (*blocks)(const KinetoAnalysis&, size_t),
                   Section* s) {
  const bool several = k.ranks.size() > 1;
  for (size_t i : pick.open) {
    if (several) {
      s->blocks.push_back(Paragraph(fmt::format(
          "{}: {}.", RankLabel(k, i),
          i == pick.median ? "the median rank (median step time)" : "the slowest rank")));
    }
    for (Block& b : blocks(k, i)) s->blocks.push_back(std::move(b));
  }
  if (!pick.folded.empty()) {
    std::vector<Block> children;
    for (size_t i : pick.folded) {
      children.push_back(Paragraph(RankLabel(k, i) + ":"));
      for (Block& b : blocks(k, i)) children.push_back(std::move(b));
    }
    s->blocks.push_back(
        Folded(fmt::format("{} of the other ranks: {}", what, RankList(k, pick.folded)),
               std::move(children), k.ranks.size() <= kMaxRanksInPdf));
  }
  if (pick.left_out > 0) {
    s->blocks.push_back(Note(
        Severity::kInfo, fmt::format("{} of {} more ranks are left out to keep the report small.{}",
                                     what, pick.left_out, every)));
  }
}

std::vector<Block> StepBlocks(const KinetoAnalysis& k, size_t i) {
  if (k.ranks[i].steps.empty()) return {Paragraph("No steps on this rank.")};
  return {ChartsBlock({StepGpuChart(k, i), StepCpuChart(k, i)})};
}

std::vector<Block> KernelBlocks(const KinetoAnalysis& k, size_t i) {
  std::vector<Block> out;
  Table kernels = TopKernelsTable(k, i);
  if (!kernels.rows.empty()) out.push_back(TableBlock(std::move(kernels)));
  Table ops = TopOperatorsTable(k, i);
  if (!ops.rows.empty()) out.push_back(TableBlock(std::move(ops)));
  if (out.empty()) out.push_back(Paragraph("No kernels or operators on this rank."));
  return out;
}

Section GpuTime(const KinetoAnalysis& k) {
  Section s = Sub("kineto-gpu-time", "GPU time breakdown");
  s.blocks.push_back(Paragraph(
      "How each rank's GPU spent the stepped time (from the first step's start to the end of "
      "the last step's GPU work): computation kernels, communication not hidden behind "
      "computation (exposed), memory copies and sets, and idle time with no GPU work on any "
      "stream. The parts add up to 100 %. Look for large idle or exposed-communication "
      "shares, and for ranks that differ from the others."));
  s.blocks.push_back(ChartBlock(GpuBreakdownChart(k)));
  s.blocks.push_back(TableBlock(GpuBreakdownTable(k)));
  s.blocks.push_back(Paragraph(
      "Overlap: the share of communication time during which computation ran as well (high is "
      "good). Idle gaps between GPU events on a stream, by cause: host wait (the next launch "
      "came after the previous event ended: the GPU waited for the CPU), kernel wait (short "
      "gaps between back-to-back kernels) and other."));
  s.blocks.push_back(TableBlock(OverlapIdleTable(k)));
  return s;
}

Section Steps(const KinetoAnalysis& k, const RankPick& pick) {
  Section s = Sub("kineto-steps", "Steps");
  bool any_steps = false;
  for (const KinetoRankAnalysis& r : k.ranks) any_steps |= !r.steps.empty();
  if (!any_steps) {
    s.blocks.push_back(
        Note(Severity::kInfo,
             fmt::format("No host annotation matched the step pattern \"{}\", so each trace is one "
                         "span and there is no per-step view (set --step-pattern).",
                         k.options.step_pattern)));
  } else {
    s.blocks.push_back(Paragraph(
        "Step time per rank: a p95 or maximum far above the median points to occasional slow "
        "steps (data loading, checkpoints, garbage collection)."));
    s.blocks.push_back(TableBlock(StepDistributionTable(k)));
  }
  s.blocks.push_back(Paragraph(
      "Where the training thread on the host spent the stepped time: waiting for the data "
      "loader, in the optimizer, blocked in synchronization, running other operators, or idle. "
      "A large dataloader or synchronization share means the GPU is fed too slowly."));
  s.blocks.push_back(ChartBlock(CpuBreakdownChart(k)));
  s.blocks.push_back(TableBlock(CpuBreakdownTable(k)));
  if (any_steps) {
    s.blocks.push_back(Paragraph(
        "Each step's GPU and host time (ms; the bar's length is the step time). Look for steps "
        "that are longer than the others and for the part that grows in them."));
    AppendPerRank(k, pick, "Steps", " The tables above list every rank.", StepBlocks, &s);
  }
  return s;
}

// Up to kMaxNodesDrawn ranks that `has` data, those with a finding first.
std::vector<size_t> ChartRanks(const KinetoAnalysis& k, const std::set<std::string>& flagged,
                               bool (*has)(const KinetoRankAnalysis&)) {
  std::vector<size_t> first, rest;
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    if (!has(k.ranks[i])) continue;
    (flagged.count(RankLabel(k, i)) ? first : rest).push_back(i);
  }
  first.insert(first.end(), rest.begin(), rest.end());
  if (first.size() > kMaxNodesDrawn) first.resize(kMaxNodesDrawn);
  return first;
}

void AddStreams(const KinetoAnalysis& k, const std::set<std::string>& flagged, Section* out) {
  const std::vector<size_t> ranks =
      ChartRanks(k, flagged, [](const KinetoRankAnalysis& r) { return !r.streams.empty(); });
  if (ranks.empty()) return;
  Section s = Sub("kineto-streams", "GPU timeline per stream");
  std::string which;
  size_t with_streams = 0;
  for (const KinetoRankAnalysis& r : k.ranks) with_streams += r.streams.empty() ? 0 : 1;
  if (with_streams > ranks.size()) {
    which = fmt::format(" Shown: {} of {} ranks, those with a rule finding first.", ranks.size(),
                        with_streams);
  }
  s.blocks.push_back(Paragraph(
      "How busy each CUDA stream was over the traces, in the colour of the kernel type that took "
      "most of each time bucket (paler: less busy; blank: no GPU work or outside the trace). "
      "Gaps across all streams of a rank are GPU idle time; look for regular gaps (the GPU waits "
      "for the host or the data) and for communication that does not overlap computation." +
      which));
  s.blocks.push_back(ChartBlock(StreamTimelineChart(k, ranks)));
  out->subsections.push_back(std::move(s));
}

void AddMemory(const KinetoAnalysis& k, const std::set<std::string>& flagged, Section* out) {
  Chart c = MemoryChart(
      k, ChartRanks(k, flagged, [](const KinetoRankAnalysis& r) { return !r.memory.empty(); }));
  if (c.series.empty()) return;
  Section s = Sub("kineto-memory", "GPU memory");
  s.blocks.push_back(Paragraph(
      "Memory allocated by PyTorch's caching allocator on each GPU over time, from the trace's "
      "memory events. A line that keeps rising across steps points to a leak (tensors kept "
      "alive); the peak is the memory the job needs."));
  s.blocks.push_back(ChartBlock(std::move(c)));
  out->subsections.push_back(std::move(s));
}

Section AcrossRanks(const KinetoAnalysis& k) {
  Section s = Sub("kineto-ranks", "Across ranks");
  if (k.ranks.size() == 1) {
    s.blocks.push_back(
        Paragraph("The traces come from one rank, so there is no comparison across ranks."));
    return s;
  }
  if (k.skew.empty()) {
    s.blocks.push_back(Paragraph(
        "No step number appears in the traces of two or more ranks, so steps cannot be compared "
        "across ranks."));
    return s;
  }
  s.blocks.push_back(Paragraph(
      "For each step: the median step time over the ranks, the slowest rank's step time, and how "
      "much later than the median the last rank finished the step. Ranks wait for each other at "
      "every collective, so the slowest rank sets the pace: a gap between the two lines that "
      "repeats on the same rank points to a straggler."));
  s.blocks.push_back(ChartBlock(SkewChart(k)));
  s.blocks.push_back(TableBlock(SkewTable(k)));
  return s;
}

}  // namespace

void BuildPytorchProfilerSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  if (in.kineto == nullptr || in.kineto->empty()) return;
  const KinetoAnalysis& k = *in.kineto;
  const std::set<std::string> flagged = FlaggedRanks(in);
  const RankPick pick = PickRanks(k, flagged);
  const KinetoFacts facts = FactsOf(k);
  std::string intro = fmt::format(
      "{} ({}), {}, traced from {} to {} UTC ({}).", Plural(facts.traces, "trace", "traces"),
      Plural(facts.ranks, "rank", "ranks"), facts.gpus_text, FormatUtc(facts.start_s),
      FormatUtc(facts.end_s), ShortDuration(facts.end_s - facts.start_s));
  if (facts.steps > 0) intro += fmt::format(" {} per rank.", StepsText(facts));
  if (in.store != nullptr && in.store->has_system()) {
    intro += fmt::format(
        " The traces and the SageMaker system metrics use the same UTC clock: the charts here "
        "count seconds since {} UTC, the Timelines above show the same moments on their UTC "
        "axis.",
        FormatUtc(facts.start_s));
  }
  s->blocks.push_back(Paragraph(intro));
  s->subsections.push_back(GpuTime(k));
  s->subsections.push_back(Steps(k, pick));
  AddStreams(k, flagged, s);
  Section kernels = Sub("kineto-kernels", "Kernels and operators");
  kernels.blocks.push_back(Paragraph(
      "The GPU kernels and host operators that took the most time (self time: without the "
      "operators they called). Optimize from the top; many short kernels point to launch "
      "overhead (see below)."));
  AppendPerRank(k, pick, "Kernels and operators", "", KernelBlocks, &kernels);
  s->subsections.push_back(std::move(kernels));
  Section launches = Sub("kineto-launches", "Launches and synchronization");
  launches.blocks.push_back(Paragraph(
      fmt::format("Launches: kernels shorter than {} µs (short kernels) cost about as much to "
                  "launch as to run; the launch delay (from the launch call to the kernel's "
                  "start) is long when the GPU queue is full and short when the GPU waits for the "
                  "CPU. Synchronization: calls that block the host until the GPU is done "
                  "(including .item() and synchronous copies); pageable copies cannot overlap "
                  "with computation.",
                  FormatNumber(static_cast<double>(k.options.short_kernel_ns) / 1e3, 0))));
  launches.blocks.push_back(TableBlock(LaunchTable(k)));
  launches.blocks.push_back(TableBlock(SyncTable(k)));
  s->subsections.push_back(std::move(launches));
  AddMemory(k, flagged, s);
  s->subsections.push_back(AcrossRanks(k));
}

}  // namespace report_internal
}  // namespace smr
