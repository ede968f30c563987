// Data-quality summary (docs/data-quality.md): file and record counts per
// node and file type, skipped records by reason, files not read, and per
// node the observed sampling interval, gaps, out-of-order samples and time
// range.
#include "smr/data_quality.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/utc_time.h"
#include "src/analysis/data_quality_internal.h"

namespace smr {
namespace {

// Issues that are part of normal, healthy profiler output: instant events
// the analysis does not use, and a second base-time block written by a
// restarted writer (docs/formats.md §3.1). They are listed but do not make the
// input "not clean".
bool IsNormal(Issue issue) {
  return issue == Issue::kIgnoredPhase || issue == Issue::kRepeatedBaseTime;
}

// "2020-09-13 12:26:40", as the report's tables show times.
std::string FormatUtcText(double epoch_s) {
  std::string iso = FormatUtcIso(epoch_s);
  if (iso.size() != 20) return iso;
  iso[10] = ' ';
  iso.pop_back();
  return iso;
}

std::string Count(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

using GroupKey = std::tuple<int, std::string, std::string>;  // kind order, node, kind

// Moves the groups into `dq` in key order with their skip reasons, and adds
// up their records.
void FinishGroups(const std::map<GroupKey, IssueCounts>& group_issues,
                  std::map<GroupKey, DqFileGroup>* groups, DataQuality* out) {
  DataQuality& dq = *out;
  for (auto& [key, g] : *groups) {
    auto it = group_issues.find(key);
    if (it != group_issues.end()) {
      for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
        if (it->second[static_cast<size_t>(i)] == 0) continue;
        g.by_reason.emplace_back(GetIssueInfo(static_cast<Issue>(i)).key,
                                 it->second[static_cast<size_t>(i)]);
      }
    }
    dq.records_read += g.records_read;
    dq.records_kept += g.records_kept;
    dq.records_skipped += g.records_skipped;
    dq.groups.push_back(std::move(g));
  }
}

// The files not read, sorted; all are counted, the first
// kMaxNotReadListed listed.
void FinishNotRead(std::vector<DqFileNotRead> not_read, int64_t links_skipped, DataQuality* dq) {
  std::sort(not_read.begin(), not_read.end(), [](const DqFileNotRead& a, const DqFileNotRead& b) {
    return std::tie(a.path, a.reason) < std::tie(b.path, b.reason);
  });
  dq->files_not_read = static_cast<int64_t>(not_read.size());
  dq->links_skipped = links_skipped;
  if (not_read.size() > DataQuality::kMaxNotReadListed) {
    not_read.resize(DataQuality::kMaxNotReadListed);
  }
  dq->not_read = std::move(not_read);
}

// Files per (kind, node): counts, bytes, records and skip reasons; the
// files not read, listed.
void CountFiles(const Discovery& discovery, const std::vector<FileStats>& files,
                const Diagnostics& diagnostics, DataQuality* out,
                std::map<std::string, DqNode>* nodes_out) {
  DataQuality& dq = *out;
  std::map<std::string, DqNode>& nodes = *nodes_out;
  const auto& file_counts = diagnostics.file_counts();
  auto issue_count = [&](const std::string& rel, Issue issue) -> int64_t {
    auto it = file_counts.find(rel);
    return it == file_counts.end() ? 0 : it->second[static_cast<size_t>(issue)];
  };

  std::unordered_map<std::string, const FileStats*> stats_by_path;
  for (const FileStats& f : files) stats_by_path.emplace(f.rel_path, &f);

  std::map<GroupKey, DqFileGroup> groups;
  std::map<GroupKey, IssueCounts> group_issues;
  std::vector<DqFileNotRead> not_read;
  for (const auto& [path, why] : discovery.ignored) {
    not_read.push_back({SanitizeUtf8(path), SanitizeUtf8(why)});
  }
  for (const InputFile& f : discovery.files) {
    const std::string kind = FileKindName(f.kind);
    const std::string node = SanitizeUtf8(f.node);
    const auto key = std::make_tuple(static_cast<int>(f.kind), node, kind);
    DqFileGroup& g = groups[key];
    g.node = node;
    g.kind = kind;
    ++g.files;
    ++dq.files_found;
    if (f.kind == FileKind::kSystem) NodeFor(&nodes, node)->system_files = true;
    auto st = stats_by_path.find(f.rel_path);
    const FileStats* fs = st == stats_by_path.end() ? nullptr : st->second;
    const uint64_t bytes = fs && fs->bytes > 0 ? fs->bytes : f.size_bytes;
    g.bytes += bytes;
    dq.bytes += bytes;
    if (fs) {
      g.records_read += fs->records_read;
      g.records_kept += fs->records_kept;
      g.records_skipped += fs->records_skipped;
    }
    bool read = true;
    if (fs && fs->unreadable) {
      ++g.files_unreadable;
      read = false;
      not_read.push_back({f.rel_path, "could not be read (permission or I/O error)"});
    } else if (issue_count(f.rel_path, Issue::kEmptyFile) > 0) {
      ++g.files_empty;
      read = false;
      not_read.push_back({f.rel_path, "empty file (0 bytes)"});
    } else if (issue_count(f.rel_path, Issue::kDuplicateFile) > 0) {
      ++g.files_duplicate;
      read = false;
      not_read.push_back({f.rel_path, "byte-identical copy of another file, read once"});
    }
    if (read) ++dq.files_read;
    auto fc = file_counts.find(f.rel_path);
    if (fc != file_counts.end()) {
      IssueCounts& gi = group_issues[key];
      for (size_t i = 0; i < gi.size(); ++i) gi[i] += fc->second[i];
    }
  }
  FinishGroups(group_issues, &groups, &dq);
  FinishNotRead(std::move(not_read), discovery.links_skipped, &dq);
}

// The issues with a count, in issue order; whether all of them are normal.
bool CollectReasons(const Diagnostics& diagnostics, DataQuality* dq) {
  bool issues_clean = true;
  for (int i = 0; i < static_cast<int>(Issue::kCount); ++i) {
    const Issue issue = static_cast<Issue>(i);
    if (diagnostics.count(issue) == 0) continue;
    if (!IsNormal(issue)) issues_clean = false;
    const IssueInfo& info = GetIssueInfo(issue);
    DqReason r;
    r.key = info.key;
    r.description = info.description;
    r.data_loss = info.data_loss;
    r.count = diagnostics.count(issue);
    r.examples = diagnostics.examples(issue);
    dq->reasons.push_back(std::move(r));
  }
  return issues_clean;
}

// Notes on nodes without usable samples, nodes whose time range differs
// from the others, and input with one kind of data only; whether the time
// coverage is clean.
bool TimeNotes(const DataQualityPartial& store, DataQuality* out) {
  DataQuality& dq = *out;
  bool time_clean = true;
  double min_first = 0, max_last = 0;
  bool have_range = false;
  for (const DqNode& n : dq.nodes) {
    if (n.system_files && n.system_samples == 0) {
      dq.notes.push_back(fmt::format(
          "Node {} has system files but no usable samples: it is missing from the system "
          "charts and rules.",
          n.node));
      time_clean = false;
    }
    if (!n.gaps.empty() || n.out_of_order_samples > 0) time_clean = false;
    if (n.system_samples == 0) continue;
    min_first = have_range ? std::min(min_first, n.first_s) : n.first_s;
    max_last = have_range ? std::max(max_last, n.last_s) : n.last_s;
    have_range = true;
  }
  for (const DqNode& n : dq.nodes) {
    if (n.system_samples == 0) continue;
    const double late = n.first_s - min_first;
    const double early = max_last - n.last_s;
    std::string how;
    if (late > DataQuality::kRangeMismatchS) {
      how = fmt::format("starts {:.0f} s after the first node", late);
    }
    if (early > DataQuality::kRangeMismatchS) {
      how += fmt::format("{}ends {:.0f} s before the last one", how.empty() ? "" : " and ", early);
    }
    if (!how.empty()) {
      dq.notes.push_back(fmt::format("Node {} has system samples from {} to {} UTC: it {}.", n.node,
                                     FormatUtcText(n.first_s), FormatUtcText(n.last_s), how));
    }
  }
  if (!store.has_system && !store.has_framework && store.has_kineto) {
    dq.notes.push_back(
        "Only PyTorch-profiler (Kineto) traces: no SageMaker system metrics or framework "
        "events were read, so the system charts and the SageMaker rules have no data.");
  } else if (!store.has_system && store.has_framework) {
    dq.notes.push_back(
        "Only framework data: no system metrics were read, so system-usage charts and the "
        "system rules have no data.");
  } else if (store.has_system && !store.has_framework && !store.has_kineto) {
    dq.notes.push_back(
        "Only system data: no framework trace events were read, so step and operator "
        "statistics are not available.");
  } else if (!store.has_system && !store.has_framework) {
    dq.notes.push_back("No records could be read from the input.");
    time_clean = false;
  }

  return time_clean;
}

// What each PyTorch-profiler trace's importer read, kept and skipped.
void KinetoTraces(const MetricStore& store, std::vector<DqKinetoTrace>* out) {
  for (const KinetoTrace& t : store.kineto()) {
    DqKinetoTrace k;
    k.path = SanitizeUtf8(t.rel_path);
    k.rank = t.rank;
    k.world_size = t.world_size;
    k.legacy = t.legacy;
    k.bare_array = t.bare_array;
    k.relative_timestamps = t.relative_timestamps;
    k.counts = t.counts;
    k.memory_samples = static_cast<int64_t>(t.memory.size());
    for (size_t i = 0; i < t.events.size(); ++i) {
      k.first_ns = i == 0 ? t.events.start_ns[i] : std::min(k.first_ns, t.events.start_ns[i]);
      k.last_ns = i == 0 ? t.events.end_ns(i) : std::max(k.last_ns, t.events.end_ns(i));
    }
    out->push_back(std::move(k));
  }
}

// The one-line summary and the verdict.
void Summarize(bool issues_clean, bool time_clean, DataQuality* out) {
  DataQuality& dq = *out;
  dq.clean = issues_clean && time_clean && dq.files_not_read == 0;
  if (dq.clean) {
    dq.summary = fmt::format("All input was read cleanly: {}, {} kept, nothing skipped.",
                             Count(dq.files_read, "file", "files"),
                             Count(dq.records_kept, "record", "records"));
  } else {
    int64_t gaps = 0;
    for (const DqNode& n : dq.nodes) gaps += static_cast<int64_t>(n.gaps.size());
    dq.summary =
        fmt::format("Read {} of {} data files; kept {} of {} records, skipped {}", dq.files_read,
                    dq.files_found, dq.records_kept, dq.records_read, dq.records_skipped);
    const int64_t other_not_read = dq.files_not_read - dq.links_skipped;
    if (other_not_read > 0) {
      dq.summary += fmt::format("; {} not read", Count(other_not_read, "file", "files"));
    }
    if (dq.links_skipped > 0) {
      dq.summary += fmt::format("; {} skipped", Count(dq.links_skipped, "symlink", "symlinks"));
    }
    if (gaps > 0) dq.summary += fmt::format("; {} in sampling", Count(gaps, "gap", "gaps"));
    dq.summary += ".";
  }
}

}  // namespace

std::string FormatUtcIso(double epoch_s) {
  if (!std::isfinite(epoch_s) || std::fabs(epoch_s) > 1e12) return "-";
  std::tm tm{};
  if (!UtcCalendar(epoch_s, &tm)) return "-";
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

DataQuality BuildDataQuality(const Discovery& discovery, const MetricStore& store,
                             const Diagnostics& diagnostics) {
  return FinishDataQuality(discovery, CollectDataQuality(store, diagnostics));
}

DataQualityPartial CollectDataQuality(const MetricStore& store, const Diagnostics& diagnostics) {
  DataQualityPartial p;
  p.files = store.files();
  p.diagnostics = diagnostics;
  AnalyseSystemTime(store, &p.nodes);
  AnalyseFrameworkTime(store, &p.nodes);
  KinetoTraces(store, &p.kineto);
  p.has_system = store.has_system();
  p.has_framework = store.has_framework();
  p.has_kineto = store.has_kineto();
  return p;
}

DataQuality FinishDataQuality(const Discovery& discovery, DataQualityPartial&& p) {
  DataQuality dq;
  dq.python_stats_files = discovery.python_stats.count;
  CountFiles(discovery, p.files, p.diagnostics, &dq, &p.nodes);
  const bool issues_clean = CollectReasons(p.diagnostics, &dq);
  for (auto& [name, n] : p.nodes) dq.nodes.push_back(std::move(n));
  std::sort(dq.nodes.begin(), dq.nodes.end(),
            [](const DqNode& a, const DqNode& b) { return NaturalLess(a.node, b.node); });
  // By rank (an unknown rank counts as 0), then path: the store's order.
  dq.kineto = std::move(p.kineto);
  std::stable_sort(dq.kineto.begin(), dq.kineto.end(),
                   [](const DqKinetoTrace& a, const DqKinetoTrace& b) {
                     const int64_t ra = std::max<int64_t>(a.rank, 0);
                     const int64_t rb = std::max<int64_t>(b.rank, 0);
                     return ra != rb ? ra < rb : a.path < b.path;
                   });
  const bool time_clean = TimeNotes(p, &dq);
  Summarize(issues_clean, time_clean, &dq);
  return dq;
}

}  // namespace smr
