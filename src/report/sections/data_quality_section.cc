// The report's "Data quality" section (data_quality_section.h): what was
// read, kept and skipped, why, and how each node was sampled.
#include "src/report/data_quality_section.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/report_context.h"

namespace smr {
namespace {

using report_internal::Note;
using report_internal::Paragraph;
using report_internal::ReportContext;
using report_internal::TableBlock;

std::string N(int64_t v) { return fmt::format("{}", v); }

// "malformed_line" -> "malformed line"
std::string ReasonLabel(const std::string& key) {
  std::string s = key;
  for (char& c : s) {
    if (c == '_') c = ' ';
  }
  return s;
}

std::string Example(const DiagnosticExample& e) {
  return e.line > 0 ? fmt::format("{}:{}: {}", e.file, e.line, e.excerpt)
                    : fmt::format("{}: {}", e.file, e.excerpt);
}

std::string Interval(double s) {
  if (s <= 0) return "-";
  if (s < 10) return fmt::format("{:.3g} s", s);
  return FormatDuration(s);
}

void MoreRows(size_t shown, int64_t total, const char* what, Section* s) {
  if (total > static_cast<int64_t>(shown)) {
    s->blocks.push_back(
        Paragraph(fmt::format("… and {} more {} (all are listed in data-quality.json).",
                              total - static_cast<int64_t>(shown), what)));
  }
}

// Files and records per node and file type, with the reasons for what was
// skipped or not read.
void AppendGroupsTable(const DataQuality& dq, Section* s) {
  if (!dq.groups.empty()) {
    Table t;
    t.caption = "Files and records, per node and file type";
    t.columns = {"Node", "File type", "Files",   "Size",
                 "Read", "Kept",      "Skipped", "Skipped or not read, by reason"};
    t.numeric = {false, false, true, true, true, true, true, false};
    for (const DqFileGroup& g : dq.groups) {
      std::string why;
      auto add = [&why](const std::string& text) { why += (why.empty() ? "" : ", ") + text; };
      for (const auto& [key, n] : g.by_reason) add(fmt::format("{} {}", ReasonLabel(key), n));
      if (g.files_unreadable > 0) add(fmt::format("unreadable files {}", g.files_unreadable));
      t.rows.push_back({g.node, g.kind, N(g.files), FormatBytes(static_cast<double>(g.bytes)),
                        N(g.records_read), N(g.records_kept), N(g.records_skipped),
                        why.empty() ? "-" : why});
      if (g.records_skipped > 0 || g.files_unreadable > 0 || g.files_empty > 0 ||
          g.files_duplicate > 0) {
        t.highlight_rows.push_back(static_cast<int>(t.rows.size() - 1));
      }
    }
    s->blocks.push_back(TableBlock(std::move(t)));
  }
}

void AppendReasonsAndNotRead(const DataQuality& dq, Section* s) {
  if (dq.python_stats_files > 0) {
    s->blocks.push_back(Paragraph(
        fmt::format("{} Python profiler stats files were found; they are listed, not parsed.",
                    dq.python_stats_files)));
  }

  if (!dq.reasons.empty()) {
    Table t;
    t.caption = "Skipped or adjusted input, by reason (first examples)";
    t.columns = {"Reason", "Count", "Data left out", "Example (file:line: excerpt)"};
    t.numeric = {false, true, false, false};
    for (const DqReason& r : dq.reasons) {
      const size_t first_row = t.rows.size();
      const size_t shown = std::min<size_t>(r.examples.size(), 3);
      for (size_t i = 0; i < std::max<size_t>(shown, 1); ++i) {
        std::string ex = i < r.examples.size() ? Example(r.examples[i]) : "-";
        if (i == 0) {
          t.rows.push_back({r.description, N(r.count), r.data_loss ? "yes" : "no", ex});
        } else {
          t.rows.push_back({"", "", "", ex});
        }
      }
      if (r.data_loss) t.highlight_rows.push_back(static_cast<int>(first_row));
    }
    s->blocks.push_back(TableBlock(std::move(t)));
  }

  if (!dq.not_read.empty()) {
    Table t;
    t.caption =
        dq.links_skipped > 0 ? "Files and symlinks not read as data" : "Files not read as data";
    t.columns = {"Path (relative to the profiler output)", "Reason"};
    t.numeric = {false, false};
    const size_t shown = std::min(dq.not_read.size(), kDataQualityMaxRows);
    for (size_t i = 0; i < shown; ++i) {
      t.rows.push_back({dq.not_read[i].path, dq.not_read[i].reason});
    }
    s->blocks.push_back(TableBlock(std::move(t)));
    MoreRows(shown, dq.files_not_read, "files", s);
  }
}

// System sampling per node, then the gaps in it.
void AppendSystemSampling(const std::vector<const DqNode*>& sys_nodes, Section* s) {
  if (!sys_nodes.empty()) {
    Table t;
    t.caption = "System sampling per node";
    t.columns = {"Node", "Samples",     "From (UTC)", "To (UTC)", "Interval (median)",
                 "Gaps", "Out of order"};
    t.numeric = {false, true, false, false, true, true, true};
    for (const DqNode* n : sys_nodes) {
      if (n->system_samples == 0) {
        t.rows.push_back({n->node, "0", "-", "-", "-", "-", "-"});
        t.highlight_rows.push_back(static_cast<int>(t.rows.size() - 1));
        continue;
      }
      std::string ooo = N(n->out_of_order_samples);
      if (n->out_of_order_samples > 0) {
        ooo += fmt::format(" (up to {:.3g} s back)", n->max_backward_jump_s);
      }
      t.rows.push_back({n->node, N(n->system_samples), FormatUtc(n->first_s), FormatUtc(n->last_s),
                        Interval(n->median_interval_s), N(static_cast<int64_t>(n->gaps.size())),
                        ooo});
      if (!n->gaps.empty() || n->out_of_order_samples > 0) {
        t.highlight_rows.push_back(static_cast<int>(t.rows.size() - 1));
      }
    }
    s->blocks.push_back(TableBlock(std::move(t)));

    Table gaps;
    gaps.caption = fmt::format("Gaps in system sampling (no sample for more than {:g} intervals)",
                               DataQuality::kGapIntervals);
    gaps.columns = {"Node", "From (UTC)", "To (UTC)", "Length"};
    gaps.numeric = {false, false, false, true};
    int64_t total = 0;
    for (const DqNode* n : sys_nodes) {
      for (const DqGap& g : n->gaps) {
        ++total;
        if (gaps.rows.size() >= kDataQualityMaxRows) continue;
        gaps.rows.push_back(
            {n->node, FormatUtc(g.start_s), FormatUtc(g.end_s), FormatDuration(g.length_s())});
      }
    }
    if (total > 0) {
      const size_t shown = gaps.rows.size();
      s->blocks.push_back(TableBlock(std::move(gaps)));
      MoreRows(shown, total, "gaps", s);
    }
  }
}

void AppendFrameworkEvents(const std::vector<const DqNode*>& fw_nodes, Section* s) {
  if (!fw_nodes.empty()) {
    Table t;
    t.caption = "Framework events per node";
    t.columns = {"Node", "Events", "From (UTC)", "To (UTC)"};
    t.numeric = {false, true, false, false};
    for (const DqNode* n : fw_nodes) {
      t.rows.push_back({n->node, N(n->framework_events),
                        FormatUtc(static_cast<double>(n->framework_first_us) / 1e6),
                        FormatUtc(static_cast<double>(n->framework_last_us) / 1e6)});
    }
    s->blocks.push_back(TableBlock(std::move(t)));
  }
}

// What was read of each PyTorch-profiler trace: the events kept, and what
// was counted but not kept (flows, metadata, spans on string pids) or
// skipped (malformed events, each also a reason above).
void AppendKinetoTraces(const DataQuality& dq, Section* s) {
  if (dq.kineto.empty()) return;
  Table t;
  t.caption = "PyTorch-profiler (Kineto) traces";
  t.columns = {"Trace",
               "Rank",
               "Events read",
               "Kept",
               "Memory samples",
               "Not used (flows, metadata, spans, other)",
               "Unknown category (kept)",
               "Skipped",
               "From (UTC)",
               "To (UTC)"};
  t.numeric = {false, false, true, true, true, true, true, true, false, false};
  for (const DqKinetoTrace& k : dq.kineto) {
    const KinetoCounts& c = k.counts;
    const int64_t not_used =
        c.flows + c.metadata + c.non_thread + c.other_instants + c.other_phases;
    std::string rank = k.rank >= 0 ? N(k.rank) : "unknown";
    if (k.rank >= 0 && k.world_size > 0) rank += fmt::format(" of {}", k.world_size);
    const bool any = c.complete > 0;
    t.rows.push_back({k.path, rank, N(c.events_read), N(c.complete), N(c.memory), N(not_used),
                      N(c.unknown_category), N(c.skipped),
                      any ? FormatUtc(static_cast<double>(k.first_ns / 1000) / 1e6) : "-",
                      any ? FormatUtc(static_cast<double>(k.last_ns / 1000) / 1e6) : "-"});
    if (c.skipped > 0) t.highlight_rows.push_back(static_cast<int>(t.rows.size() - 1));
  }
  s->blocks.push_back(TableBlock(std::move(t)));
}

// Without a DataQuality summary (inputs other than a full build): the files
// read per type and the skipped input per reason, from the store and the
// diagnostics alone.
void AppendBriefDataQuality(const ReportInputs& in, Section* s) {
  if (in.store) {
    std::map<std::string, std::tuple<int64_t, uint64_t, int64_t, int64_t>> per_kind;
    for (const FileStats& f : in.store->files()) {
      auto& [n, bytes, kept, skipped] = per_kind[FileKindName(f.kind)];
      ++n;
      bytes += f.bytes;
      kept += f.records_kept;
      skipped += f.records_skipped;
    }
    Table t;
    t.caption = "Files read";
    t.columns = {"File type", "Files", "Size", "Records kept", "Records skipped"};
    t.numeric = {false, true, true, true, true};
    for (const auto& [kind, v] : per_kind) {
      const auto& [n, bytes, kept, skipped] = v;
      t.rows.push_back({kind, fmt::format("{}", n), FormatBytes(static_cast<double>(bytes)),
                        fmt::format("{}", kept), fmt::format("{}", skipped)});
    }
    if (in.discovery && in.discovery->python_stats.count > 0) {
      t.rows.push_back({"python_stats (listed, not parsed)",
                        fmt::format("{}", in.discovery->python_stats.count), "-", "-", "-"});
    }
    s->blocks.push_back(TableBlock(std::move(t)));
  }
  if (in.diagnostics) {
    const Diagnostics& d = *in.diagnostics;
    if (d.total() == 0) {
      s->blocks.push_back(Note(Severity::kOk, "All input was read cleanly: nothing was skipped."));
    } else {
      Table t;
      t.caption = "Skipped or adjusted input, by reason";
      t.columns = {"Reason", "Count", "First example"};
      t.numeric = {false, true, false};
      for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
        const Issue issue = static_cast<Issue>(i);
        if (d.count(issue) == 0) continue;
        std::string ex;
        if (!d.examples(issue).empty()) {
          const auto& e = d.examples(issue)[0];
          ex = e.line > 0 ? fmt::format("{}:{}: {}", e.file, e.line, e.excerpt)
                          : fmt::format("{}: {}", e.file, e.excerpt);
        }
        t.rows.push_back({GetIssueInfo(issue).description, fmt::format("{}", d.count(issue)), ex});
      }
      s->blocks.push_back(TableBlock(std::move(t)));
    }
  }
}

}  // namespace

Section DataQualitySection(const DataQuality& dq) {
  Section s;
  s.id = "data-quality";
  s.title = "Data quality";
  s.blocks.push_back(Note(dq.clean ? Severity::kOk : Severity::kWarning, dq.summary));
  AppendGroupsTable(dq, &s);
  AppendReasonsAndNotRead(dq, &s);
  std::vector<const DqNode*> sys_nodes, fw_nodes;
  for (const DqNode& n : dq.nodes) {
    if (n.system_samples > 0 || n.system_files) sys_nodes.push_back(&n);
    if (n.framework_events > 0) fw_nodes.push_back(&n);
  }
  AppendSystemSampling(sys_nodes, &s);
  AppendFrameworkEvents(fw_nodes, &s);
  AppendKinetoTraces(dq, &s);
  for (const std::string& note : dq.notes) s.blocks.push_back(Note(Severity::kInfo, note));
  return s;
}

namespace report_internal {

// The DataQuality summary the pipeline computed once (and wrote as
// data-quality.json); the brief form without one; nothing without data.
void BuildDataQualitySection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  if (in.data_quality) {
    Section full = DataQualitySection(*in.data_quality);
    s->blocks = std::move(full.blocks);
  } else if (in.diagnostics || in.store) {
    AppendBriefDataQuality(in, s);
  }
}

}  // namespace report_internal
}  // namespace smr
