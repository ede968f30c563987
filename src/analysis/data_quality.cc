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
#include <nlohmann/json.hpp>

#include "smr/utc_time.h"

namespace smr {
namespace {

using Json = nlohmann::ordered_json;

int KindOrder(const std::string& kind) {
  static const char* kOrder[] = {"system",           "pythontimeline",
                                 "model_timeline",   "horovod_timeline",
                                 "smdataparallel_timeline", "tf_trace"};
  for (int i = 0; i < 6; ++i) {
    if (kind == kOrder[i]) return i;
  }
  return 6;
}

// Issues that are part of normal, healthy profiler output: instant events
// the analysis does not use, and a second base-time block written by a
// restarted writer (docs/formats.md §3.1). They are listed but do not make the
// input "not clean".
bool IsNormal(Issue issue) {
  return issue == Issue::kIgnoredPhase || issue == Issue::kRepeatedBaseTime;
}

double Median(std::vector<double>* v) {
  if (v->empty()) return 0;
  const size_t mid = v->size() / 2;
  std::nth_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid), v->end());
  double m = (*v)[mid];
  if (v->size() % 2 == 0) {
    m = (m + *std::max_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  }
  return m;
}

DqNode* NodeFor(std::map<std::string, DqNode>* nodes, const std::string& name) {
  DqNode& n = (*nodes)[name];
  n.node = name;
  return &n;
}

// Gaps of one node: pairs of consecutive timestamps (in time order, over
// all the node's series) more than `limit` apart. Without sorting: with
// buckets `limit`/2 wide (bucket numbers grow with the timestamp, and two
// timestamps more than `limit` apart can never share a bucket, whatever the
// rounding), a gap can only run from the latest timestamp of a non-empty
// bucket to the earliest of the next non-empty one, and each such pair is a
// gap iff it is more than `limit` apart. A far-future clock jump
// would need too many buckets; then the timestamps are sorted instead.
std::vector<DqGap> FindGaps(const MetricStore& store, StrId node, double lo,
                            double hi, size_t count, double limit) {
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  std::vector<DqGap> gaps;
  if (count < 2 || !(hi > lo)) return gaps;
  const double width = limit / 2;
  const double span_buckets = std::floor((hi - lo) / width) + 1;
  if (span_buckets <= static_cast<double>(4 * count + 1024)) {
    const auto n_buckets = static_cast<size_t>(span_buckets);
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<double> bmin(n_buckets, kInf), bmax(n_buckets, -kInf);
    // Order does not matter here: rows in storage order (sequential reads).
    std::vector<char> mine(series.size(), 0);
    for (uint32_t s = 0; s < series.size(); ++s) mine[s] = series[s].node == node;
    for (size_t row = 0; row < sys.size(); ++row) {
      if (!mine[sys.series(row)]) continue;
      const double ts = sys.ts(row);
      const size_t b = std::min(n_buckets - 1, static_cast<size_t>((ts - lo) / width));
      bmin[b] = std::min(bmin[b], ts);
      bmax[b] = std::max(bmax[b], ts);
    }
    double prev_max = -kInf;
    for (size_t b = 0; b < n_buckets; ++b) {
      if (bmin[b] == kInf) continue;
      if (prev_max != -kInf && bmin[b] - prev_max > limit) {
        gaps.push_back(DqGap{prev_max, bmin[b]});
      }
      prev_max = bmax[b];
    }
    return gaps;
  }
  std::vector<double> all_ts;
  all_ts.reserve(count);
  for (uint32_t s = 0; s < series.size(); ++s) {
    if (series[s].node != node) continue;
    for (uint32_t row : store.SeriesRows(s)) all_ts.push_back(sys.ts(row));
  }
  std::sort(all_ts.begin(), all_ts.end());
  for (size_t i = 1; i < all_ts.size(); ++i) {
    if (all_ts[i] - all_ts[i - 1] > limit) gaps.push_back(DqGap{all_ts[i - 1], all_ts[i]});
  }
  return gaps;
}

// Sampling interval, gaps and ordering of every system node.
void AnalyseSystemTime(const MetricStore& store, std::map<std::string, DqNode>* nodes) {
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  if (sys.size() == 0) return;

  // Reader order: a sample earlier than its series' previous one is out of
  // order (a clock step back, or files merged out of order).
  std::vector<double> last(series.size(), -std::numeric_limits<double>::infinity());
  std::unordered_map<StrId, DqNode*> by_id;
  for (StrId id : store.system_nodes()) {
    by_id[id] = NodeFor(nodes, SanitizeUtf8(store.str(id)));
  }
  std::vector<DqNode*> node_of(series.size(), nullptr);
  for (size_t s = 0; s < series.size(); ++s) {
    auto it = by_id.find(series[s].node);
    if (it != by_id.end()) node_of[s] = it->second;
  }
  for (size_t row = 0; row < sys.size(); ++row) {
    const uint32_t s = sys.series(row);
    DqNode* n = node_of[s];
    const double ts = sys.ts(row);
    if (n->system_samples == 0) {
      n->first_s = n->last_s = ts;
    } else {
      n->first_s = std::min(n->first_s, ts);
      n->last_s = std::max(n->last_s, ts);
    }
    ++n->system_samples;
    if (ts < last[s]) {
      ++n->out_of_order_samples;
      n->max_backward_jump_s = std::max(n->max_backward_jump_s, last[s] - ts);
    }
    last[s] = ts;
  }

  // Interval: the median step between consecutive samples of each series
  // (series of one node are sampled together, a few ms apart, so the union
  // of their timestamps would give ms steps). Gaps: steps of the node's
  // union of timestamps longer than kGapIntervals intervals.
  for (StrId id : store.system_nodes()) {
    DqNode* n = by_id[id];
    std::vector<double> steps;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    size_t count = 0;
    steps.reserve(static_cast<size_t>(n->system_samples));  // at most one per sample
    if (n->out_of_order_samples == 0) {
      // Every series of the node is in time order as stored, so storage
      // order gives the same steps as SeriesRows, with sequential reads.
      std::vector<double> prev(series.size(), std::numeric_limits<double>::quiet_NaN());
      for (size_t row = 0; row < sys.size(); ++row) {
        const uint32_t s = sys.series(row);
        if (node_of[s] != n) continue;
        const double ts = sys.ts(row);
        if (ts > prev[s]) steps.push_back(ts - prev[s]);  // false while NaN
        prev[s] = ts;
      }
      lo = n->first_s;
      hi = n->last_s;
      count = n->system_samples;
    } else {
      for (uint32_t s = 0; s < series.size(); ++s) {
        if (series[s].node != id) continue;
        double prev = 0;
        bool have_prev = false;
        for (uint32_t row : store.SeriesRows(s)) {
          const double ts = sys.ts(row);
          lo = std::min(lo, ts);
          hi = std::max(hi, ts);
          ++count;
          if (have_prev && ts > prev) steps.push_back(ts - prev);
          prev = ts;
          have_prev = true;
        }
      }
    }
    n->median_interval_s = Median(&steps);
    if (n->median_interval_s <= 0) continue;
    const double limit = DataQuality::kGapIntervals * n->median_interval_s;
    n->gaps = FindGaps(store, id, lo, hi, count, limit);
  }
}

void AnalyseFrameworkTime(const MetricStore& store, std::map<std::string, DqNode>* nodes) {
  const EventColumns& ev = store.events();
  std::unordered_map<StrId, DqNode*> by_id;
  for (size_t i = 0; i < ev.size(); ++i) {
    auto it = by_id.find(ev.node[i]);
    if (it == by_id.end()) {
      it = by_id.emplace(ev.node[i], NodeFor(nodes, SanitizeUtf8(store.str(ev.node[i])))).first;
    }
    DqNode* n = it->second;
    if (n->framework_events == 0) {
      n->framework_first_us = ev.start_us[i];
      n->framework_last_us = ev.end_us[i];
    } else {
      n->framework_first_us = std::min(n->framework_first_us, ev.start_us[i]);
      n->framework_last_us = std::max(n->framework_last_us, ev.end_us[i]);
    }
    ++n->framework_events;
  }
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
  DataQuality dq;
  dq.python_stats_files = discovery.python_stats.count;
  const auto& file_counts = diagnostics.file_counts();
  auto issue_count = [&](const std::string& rel, Issue issue) -> int64_t {
    auto it = file_counts.find(rel);
    return it == file_counts.end() ? 0 : it->second[static_cast<size_t>(issue)];
  };

  std::unordered_map<std::string, const FileStats*> stats_by_path;
  for (const FileStats& f : store.files()) stats_by_path.emplace(f.rel_path, &f);

  // ---- files, per (kind, node) ----
  std::map<std::tuple<int, std::string, std::string>, DqFileGroup> groups;
  std::map<std::tuple<int, std::string, std::string>, IssueCounts> group_issues;
  std::vector<DqFileNotRead> not_read;
  for (const auto& [path, why] : discovery.ignored) {
    not_read.push_back({SanitizeUtf8(path), SanitizeUtf8(why)});
  }
  std::map<std::string, DqNode> nodes;
  for (const InputFile& f : discovery.files) {
    const std::string kind = FileKindName(f.kind);
    const std::string node = SanitizeUtf8(f.node);
    const auto key = std::make_tuple(KindOrder(kind), node, kind);
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
  for (auto& [key, g] : groups) {
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
  std::sort(not_read.begin(), not_read.end(),
            [](const DqFileNotRead& a, const DqFileNotRead& b) {
              return std::tie(a.path, a.reason) < std::tie(b.path, b.reason);
            });
  dq.files_not_read = static_cast<int64_t>(not_read.size());
  dq.links_skipped = discovery.links_skipped;
  if (not_read.size() > DataQuality::kMaxNotReadListed) {
    not_read.resize(DataQuality::kMaxNotReadListed);
  }
  dq.not_read = std::move(not_read);

  // ---- reasons ----
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
    dq.reasons.push_back(std::move(r));
  }

  // ---- time, per node ----
  AnalyseSystemTime(store, &nodes);
  AnalyseFrameworkTime(store, &nodes);
  for (auto& [name, n] : nodes) dq.nodes.push_back(std::move(n));
  std::sort(dq.nodes.begin(), dq.nodes.end(),
            [](const DqNode& a, const DqNode& b) { return NaturalLess(a.node, b.node); });

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
      how += fmt::format("{}ends {:.0f} s before the last one", how.empty() ? "" : " and ",
                         early);
    }
    if (!how.empty()) {
      dq.notes.push_back(fmt::format("Node {} has system samples from {} to {} UTC: it {}.",
                                     n.node, FormatUtcText(n.first_s), FormatUtcText(n.last_s),
                                     how));
    }
  }
  if (!store.has_system() && store.has_framework()) {
    dq.notes.push_back(
        "Only framework data: no system metrics were read, so system-usage charts and the "
        "system rules have no data.");
  } else if (store.has_system() && !store.has_framework()) {
    dq.notes.push_back(
        "Only system data: no framework trace events were read, so step and operator "
        "statistics are not available.");
  } else if (!store.has_system() && !store.has_framework()) {
    dq.notes.push_back("No records could be read from the input.");
    time_clean = false;
  }

  dq.clean = issues_clean && time_clean && dq.files_not_read == 0;
  if (dq.clean) {
    dq.summary = fmt::format("All input was read cleanly: {}, {} kept, nothing skipped.",
                             Count(dq.files_read, "file", "files"),
                             Count(dq.records_kept, "record", "records"));
  } else {
    int64_t gaps = 0;
    for (const DqNode& n : dq.nodes) gaps += static_cast<int64_t>(n.gaps.size());
    dq.summary = fmt::format("Read {} of {} data files; kept {} of {} records, skipped {}",
                             dq.files_read, dq.files_found, dq.records_kept, dq.records_read,
                             dq.records_skipped);
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
  return dq;
}

std::string DataQualityToJson(const DataQuality& dq) {
  Json j;
  j["clean"] = dq.clean;
  j["summary"] = dq.summary;
  j["totals"] = {{"files_found", dq.files_found},
                 {"files_read", dq.files_read},
                 {"files_not_read", dq.files_not_read},
                 {"links_skipped", dq.links_skipped},
                 {"bytes", dq.bytes},
                 {"records_read", dq.records_read},
                 {"records_kept", dq.records_kept},
                 {"records_skipped", dq.records_skipped},
                 {"python_stats_files", dq.python_stats_files}};
  Json groups = Json::array();
  for (const DqFileGroup& g : dq.groups) {
    Json reasons = Json::object();
    for (const auto& [key, n] : g.by_reason) reasons[key] = n;
    groups.push_back({{"node", g.node},
                      {"type", g.kind},
                      {"files", g.files},
                      {"files_unreadable", g.files_unreadable},
                      {"files_empty", g.files_empty},
                      {"files_duplicate", g.files_duplicate},
                      {"bytes", g.bytes},
                      {"records_read", g.records_read},
                      {"records_kept", g.records_kept},
                      {"records_skipped", g.records_skipped},
                      {"by_reason", std::move(reasons)}});
  }
  j["files"] = std::move(groups);
  Json not_read = Json::array();
  for (const DqFileNotRead& f : dq.not_read) {
    not_read.push_back({{"path", f.path}, {"reason", f.reason}});
  }
  j["not_read"] = std::move(not_read);
  Json reasons = Json::array();
  for (const DqReason& r : dq.reasons) {
    Json examples = Json::array();
    for (const DiagnosticExample& e : r.examples) {
      examples.push_back({{"file", e.file}, {"line", e.line}, {"excerpt", e.excerpt}});
    }
    reasons.push_back({{"key", r.key},
                       {"description", r.description},
                       {"data_loss", r.data_loss},
                       {"count", r.count},
                       {"examples", std::move(examples)}});
  }
  j["reasons"] = std::move(reasons);
  Json nodes = Json::array();
  for (const DqNode& n : dq.nodes) {
    Json node = {{"node", n.node}, {"system_samples", n.system_samples}};
    if (n.system_samples > 0) {
      node["first_utc"] = FormatUtcIso(n.first_s);
      node["last_utc"] = FormatUtcIso(n.last_s);
      node["first_s"] = n.first_s;
      node["last_s"] = n.last_s;
      node["median_interval_s"] = n.median_interval_s;
      Json gaps = Json::array();
      for (const DqGap& g : n.gaps) {
        gaps.push_back({{"start_utc", FormatUtcIso(g.start_s)},
                        {"end_utc", FormatUtcIso(g.end_s)},
                        {"start_s", g.start_s},
                        {"end_s", g.end_s},
                        {"length_s", g.length_s()}});
      }
      node["gaps"] = std::move(gaps);
      node["out_of_order_samples"] = n.out_of_order_samples;
      node["max_backward_jump_s"] = n.max_backward_jump_s;
    } else if (n.system_files) {
      node["note"] = "system files found, no usable samples";
    }
    node["framework_events"] = n.framework_events;
    if (n.framework_events > 0) {
      node["framework_first_utc"] = FormatUtcIso(static_cast<double>(n.framework_first_us) / 1e6);
      node["framework_last_utc"] = FormatUtcIso(static_cast<double>(n.framework_last_us) / 1e6);
      node["framework_first_us"] = n.framework_first_us;
      node["framework_last_us"] = n.framework_last_us;
    }
    nodes.push_back(std::move(node));
  }
  j["nodes"] = std::move(nodes);
  j["notes"] = dq.notes;
  // Every string was made valid UTF-8 upstream; `replace` keeps dump() from
  // throwing should one ever slip through.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace smr
