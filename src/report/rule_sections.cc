#include "src/report/rule_sections.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/store.h"
#include "src/report/blocks.h"

namespace smr {
namespace report_internal {
namespace {

std::string Analysed(const RuleResult& r) {
  return fmt::format("The rule analysed {} datapoints and triggered {} times.", r.datapoints,
                     r.triggered);
}

std::string LastWindow(const Json& d) {
  const double ts = Num(d, "last_timestamp");
  if (!std::isfinite(ts)) return "";
  return FormatUtc(ts / 1e6) + " UTC";
}

// Shares (%) of a {name: value} object as a horizontal bar chart.
Chart SharesChart(const std::string& id, const std::string& title, const Json& obj) {
  Chart c;
  c.kind = ChartKind::kBar;
  c.id = id;
  c.title = title;
  if (obj.is_object()) {
    for (const auto& [k, v] : obj.items()) {
      if (v.is_number()) c.slices.push_back({k, v.get<double>()});
    }
  }
  std::stable_sort(c.slices.begin(), c.slices.end(),
                   [](const PieSlice& a, const PieSlice& b) { return a.value > b.value; });
  if (c.slices.size() > 12) c.slices.resize(12);
  c.width = 440;
  c.height = 60 + 22.0 * std::max<size_t>(c.slices.size(), 3);
  return c;
}

// The framework activity correlated with a rule's findings (§4.12 keys).
void AppendCorrelatedActivity(const Json& d, const std::string& id_prefix,
                              const std::string& what, Section* s) {
  std::vector<Chart> row;
  if (HasObject(d, "phase")) {
    row.push_back(SharesChart(id_prefix + "-phase", "Training phase (%)", d["phase"]));
  }
  if (HasObject(d, "ratio")) {
    row.push_back(SharesChart(id_prefix + "-ratio", "CPU vs GPU operators (%)", d["ratio"]));
  }
  if (HasObject(d, "general")) {
    row.push_back(SharesChart(id_prefix + "-general", "Framework operations (%)", d["general"]));
  }
  if (HasObject(d, "CPU")) {
    row.push_back(SharesChart(id_prefix + "-cpu", "Top CPU operators (%)", d["CPU"]));
  }
  if (HasObject(d, "GPU")) {
    row.push_back(SharesChart(id_prefix + "-gpu", "Top GPU operators (%)", d["GPU"]));
  }
  if (row.empty()) return;
  s->blocks.push_back(Paragraph(fmt::format(
      "Framework activity recorded during {}: which training phases, operators and "
      "framework operations were running, as a share of their time.",
      what)));
  s->blocks.push_back(ChartsBlock(std::move(row)));
}

std::string ShortPhase(std::string_view phase) {
  const size_t dot = phase.rfind('.');
  return std::string(dot == std::string_view::npos ? phase : phase.substr(dot + 1));
}

// Event indices of one framework node, sorted by start time.
std::vector<uint32_t> EventsOfNode(const MetricStore& st, StrId node) {
  std::vector<uint32_t> out;
  const EventColumns& ev = st.events();
  for (uint32_t i = 0; i < ev.size(); ++i) {
    if (ev.node[i] == node) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](uint32_t a, uint32_t b) { return ev.start_us[a] < ev.start_us[b]; });
  return out;
}

// "Forward 52 %, DataLoaderIter 31 %": time per phase of the non-step events
// overlapping [start, end] on one node.
std::string ActivityInside(const MetricStore& st, const std::vector<uint32_t>& node_events,
                           int64_t start, int64_t end) {
  const EventColumns& ev = st.events();
  std::map<StrId, double> per_phase;
  double total = 0;
  // Events are sorted by start; none that start after `end` can overlap.
  auto last = std::upper_bound(node_events.begin(), node_events.end(), end,
                               [&](int64_t t, uint32_t e) { return t < ev.start_us[e]; });
  for (auto it = node_events.begin(); it != last; ++it) {
    const uint32_t e = *it;
    if (ev.end_us[e] < start) continue;
    if (st.str(ev.name[e]).find("Step:ModeKeys") != std::string_view::npos) continue;
    const double overlap = static_cast<double>(std::min(end, ev.end_us[e]) -
                                               std::max(start, ev.start_us[e]));
    if (overlap <= 0) continue;
    per_phase[ev.phase[e]] += overlap;
    total += overlap;
  }
  if (total <= 0) return "no framework events recorded";
  std::vector<std::pair<double, StrId>> sorted;
  for (const auto& [p, v] : per_phase) sorted.emplace_back(v, p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < 3; ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {:.0f} %", st.str(sorted[i].second), 100 * sorted[i].first / total);
  }
  return out;
}

}  // namespace

Table FindingsTable(const RuleResult& r, const std::string& value_label) {
  struct Agg {
    int64_t count = 0;
    int64_t first = 0, last = 0;
    double min_v = 0, max_v = 0;
  };
  std::map<std::pair<std::string, std::string>, Agg> agg;
  std::vector<std::pair<std::string, std::string>> order;
  for (const RuleFinding& f : r.findings) {
    auto key = std::make_pair(f.node, f.device);
    auto it = agg.find(key);
    if (it == agg.end()) {
      order.push_back(key);
      agg[key] = {1, f.window_start_us, f.window_start_us, f.value, f.value};
      continue;
    }
    Agg& a = it->second;
    ++a.count;
    a.first = std::min(a.first, f.window_start_us);
    a.last = std::max(a.last, f.window_start_us);
    a.min_v = std::min(a.min_v, f.value);
    a.max_v = std::max(a.max_v, f.value);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return NaturalLess(a.first, b.first);
    return NaturalLess(a.second, b.second);
  });
  Table t;
  t.caption = "When and where the rule fired (60-second windows, UTC)";
  t.columns = {"Node", "Device", "Times fired", "First window", "Last window", value_label};
  t.numeric = {false, false, true, false, false, true};
  for (const auto& key : order) {
    const Agg& a = agg[key];
    t.rows.push_back({key.first.empty() ? "-" : key.first, key.second.empty() ? "-" : key.second,
                      fmt::format("{}", a.count), FormatUtc(a.first / 1e6),
                      FormatUtc(a.last / 1e6),
                      a.min_v == a.max_v
                          ? FormatNumber(a.min_v, 1)
                          : fmt::format("{} – {}", FormatNumber(a.min_v, 1), FormatNumber(a.max_v, 1))});
  }
  return t;
}

bool AppendStatusNote(const RuleResult& r, const std::string& quiet_text, Section* s) {
  if (r.failed) {
    s->blocks.push_back(Note(Severity::kIssue,
                             "The rule failed with an internal error and gave no verdict: " +
                                 r.error));
    return true;
  }
  if (!r.applicable) {
    s->blocks.push_back(Note(Severity::kInfo, r.not_applicable_reason));
    return true;
  }
  if (r.triggered == 0) {
    s->blocks.push_back(Note(Severity::kOk, quiet_text));
    return false;
  }
  return false;
}

// ---- Step duration analysis (StepOutlier, §4.6) ------------------------------

Section StepOutlierSection(const RuleResult& r, const ReportInputs& in) {
  Section s;
  s.id = "step-duration";
  s.title = "Step duration analysis";
  s.level = 3;
  const std::string k = ParamValue(r, "stddev", "3");
  const std::string n_out = ParamValue(r, "n_outliers", "10");
  s.blocks.push_back(Paragraph(fmt::format(
      "The StepOutlier rule measures the duration of every training step per node and phase. "
      "A step is an outlier when it takes longer than the mean plus {} standard deviations of "
      "its phase; the rule fires when a phase with more than 100 steps has more than {} "
      "outliers. Outliers point at hiccups such as data stalls, checkpointing, garbage "
      "collection or contention with other processes. {}",
      k, n_out, Analysed(r))));
  const Json& d = r.details;
  const bool has_steps = HasObject(d, "step_details") ||
                         (in.timeline && !in.timeline->by_node_phase.empty());
  if (!has_steps && r.datapoints == 0) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No step events were recorded (framework profiling off or no "
                            "Step:ModeKeys events), so step durations cannot be analysed."));
    return s;
  }
  if (AppendStatusNote(r, "No phase had more outlier steps than the rule allows.", &s) &&
      (r.failed || !r.applicable)) {
    return s;
  }
  if (r.triggered > 0) {
    s.blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule was triggered {} times ({} outlier steps counted over the "
                    "evaluations). What to do: look at what runs inside the slow steps (table "
                    "below) and at the CPU and I/O bottleneck sections; slow data loading, "
                    "synchronisation or periodic work (checkpoints, evaluation, logging) are "
                    "the usual causes.",
                    r.triggered, r.violations)));
  }

  // The JSON's per-node statistics (SageMaker shape), one table.
  std::map<std::string, const Json*> json_stats;  // "node|phase" -> stats object
  if (HasObject(d, "step_details_by_phase")) {
    for (const auto& [node, phases] : d["step_details_by_phase"].items()) {
      if (!phases.is_object()) continue;
      for (const auto& [phase, st] : phases.items()) json_stats[node + "|" + phase] = &st;
    }
  }
  if (HasObject(d, "step_details")) {
    for (const auto& [node, st] : d["step_details"].items()) {
      if (!st.is_object()) continue;
      const std::string phase =
          st.contains("phase") && st["phase"].is_string() ? st["phase"].get<std::string>() : "";
      json_stats.emplace(node + "|" + phase, &st);
    }
  }
  if (!json_stats.empty()) {
    Table t;
    t.caption = "Step durations per node and phase (seconds; phases with more than 100 steps)";
    t.columns = {"Node", "Phase", "mean", "max", "p99", "p95", "p50", "min", "σ", "Outliers"};
    t.numeric = {false, false, true, true, true, true, true, true, true, true};
    for (const auto& [key, st] : json_stats) {
      const size_t bar = key.find('|');
      const Json& ss = st->contains("step_stats") ? (*st)["step_stats"] : Json();
      const double outliers = Num(*st, "number_of_outliers", 0);
      t.rows.push_back({key.substr(0, bar), key.substr(bar + 1), FormatNumber(Num(ss, "mean"), 4),
                        FormatNumber(Num(ss, "max"), 4), FormatNumber(Num(ss, "p99"), 4),
                        FormatNumber(Num(ss, "p95"), 4), FormatNumber(Num(ss, "p50"), 4),
                        FormatNumber(Num(ss, "min"), 4), FormatNumber(Num(*st, "stddev"), 2),
                        fmt::format("{}", static_cast<int64_t>(outliers))});
      if (outliers > std::atof(n_out.c_str())) {
        t.highlight_rows.push_back(static_cast<int>(t.rows.size()) - 1);
      }
    }
    s.blocks.push_back(TableBlock(std::move(t)));
  } else if (r.datapoints > 0) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No phase had more than 100 steps, so the rule computed no "
                            "statistics."));
  }

  if (in.store && in.timeline && !in.timeline->by_node_phase.empty()) {
    const MetricStore& st = *in.store;
    const double kk = std::atof(k.c_str());
    std::vector<Chart> charts;
    Table outl;
    outl.caption = "Slowest outlier steps (duration above mean + k·σ of the phase)";
    outl.columns = {"Node", "Phase", "Step", "Start (UTC)", "Duration (s)", "Threshold (s)",
                    "Activity inside the step"};
    outl.numeric = {false, false, true, false, true, true, false};
    std::map<StrId, std::vector<uint32_t>> node_events;
    for (const NodePhaseSteps& np : in.timeline->by_node_phase) {
      std::vector<double> durs;
      for (uint32_t si : np.steps) {
        const StepEvent& e = in.timeline->steps[si];
        durs.push_back((e.end_us - e.start_us) / 1e6);
      }
      if (durs.empty()) continue;
      double mean = 0;
      for (double v : durs) mean += v;
      mean /= durs.size();
      double var = 0;
      for (double v : durs) var += (v - mean) * (v - mean);
      const double sd = std::sqrt(var / durs.size());
      const double thr = mean + kk * sd;
      Chart h;
      h.kind = ChartKind::kHistogram;
      h.id = fmt::format("steps-{}-{}", st.str(np.node), ShortPhase(st.str(np.phase)));
      h.title = fmt::format("{} {}: step durations", st.str(np.node), ShortPhase(st.str(np.phase)));
      h.x_label = "Step duration (s)";
      h.y_label = "Steps";
      const auto [mn, mx] = std::minmax_element(durs.begin(), durs.end());
      const double lo = *mn, hi = std::max(*mx, thr);
      const int bins = 40;
      const double width = hi > lo ? (hi - lo) / bins : 1.0;
      HistogramSeries hs;
      hs.label = "steps";
      for (int b = 0; b < bins; ++b) hs.bins.push_back({lo + b * width, lo + (b + 1) * width, 0});
      for (double v : durs) {
        int b = static_cast<int>((v - lo) / width);
        b = std::clamp(b, 0, bins - 1);
        hs.bins[b].count += 1;
      }
      h.histograms.push_back(std::move(hs));
      h.vlines.push_back(thr);
      h.width = 440;
      h.height = 240;
      charts.push_back(std::move(h));
      // Outlier steps, slowest first.
      std::vector<uint32_t> outliers;
      for (uint32_t si : np.steps) {
        const StepEvent& e = in.timeline->steps[si];
        if ((e.end_us - e.start_us) / 1e6 > thr) outliers.push_back(si);
      }
      std::stable_sort(outliers.begin(), outliers.end(), [&](uint32_t a, uint32_t b) {
        const auto& ea = in.timeline->steps[a];
        const auto& eb = in.timeline->steps[b];
        return (ea.end_us - ea.start_us) > (eb.end_us - eb.start_us);
      });
      if (outliers.size() > 10) outliers.resize(10);
      if (!outliers.empty() && !node_events.count(np.node)) {
        node_events[np.node] = EventsOfNode(st, np.node);
      }
      for (uint32_t si : outliers) {
        const StepEvent& e = in.timeline->steps[si];
        outl.rows.push_back({std::string(st.str(np.node)), ShortPhase(st.str(np.phase)),
                             fmt::format("{}", e.step), FormatUtc(e.start_us / 1e6),
                             FormatNumber((e.end_us - e.start_us) / 1e6, 3),
                             FormatNumber(thr, 3),
                             ActivityInside(st, node_events[np.node], e.start_us, e.end_us)});
      }
    }
    if (!charts.empty()) {
      s.blocks.push_back(Paragraph(
          "Histograms of all step durations per node and phase; the dashed line is the outlier "
          "threshold (mean + k·σ)."));
      s.blocks.push_back(ChartsBlock(std::move(charts)));
    }
    if (!outl.rows.empty()) {
      s.blocks.push_back(TableBlock(std::move(outl)));
    } else {
      s.blocks.push_back(Note(Severity::kOk, "No step took longer than its phase's threshold."));
    }
  } else if (HasObject(d, "step_details")) {
    // Render-from-JSON: the histogram of non-outlier steps the rule stored.
    std::vector<Chart> charts;
    for (const auto& [node, st] : d["step_details"].items()) {
      if (!st.contains("probs") || !st.contains("binedges")) continue;
      const Json& probs = st["probs"];
      const Json& edges = st["binedges"];
      if (!probs.is_array() || !edges.is_array() || edges.size() != probs.size() + 1) continue;
      Chart h;
      h.kind = ChartKind::kHistogram;
      h.id = "steps-" + node;
      h.title = fmt::format("{}: step durations (outliers excluded)", node);
      h.x_label = "Step duration (s)";
      h.y_label = "Steps";
      HistogramSeries hs;
      hs.label = node;
      for (size_t i = 0; i < probs.size(); ++i) {
        hs.bins.push_back({edges[i].get<double>(), edges[i + 1].get<double>(),
                           probs[i].is_number() ? probs[i].get<double>() : 0.0});
      }
      h.histograms.push_back(std::move(hs));
      h.width = 440;
      h.height = 240;
      charts.push_back(std::move(h));
    }
    if (!charts.empty()) s.blocks.push_back(ChartsBlock(std::move(charts)));
  }
  if (r.triggered > 0) AppendCorrelatedActivity(d, "stepoutlier", "the outlier steps", &s);
  return s;
}

// ---- Workload balancing (LoadBalancing, §4.7) ------------------------------------

namespace {

double JensenShannon(const std::vector<double>& a, const std::vector<double>& b) {
  double sa = 0, sb = 0;
  for (double v : a) sa += v;
  for (double v : b) sb += v;
  if (sa <= 0 || sb <= 0) return std::nan("");
  double js = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double p = a[i] / sa, q = b[i] / sb, m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * std::log(p / m);
    if (q > 0) js += 0.5 * q * std::log(q / m);
  }
  return std::sqrt(std::max(0.0, js));
}

// Mean utilization (%) of a workloads histogram of 2-point bins, each sample
// at the middle of its bin (bin i -> 2i+1 %), as the rule computes it.
double HistogramMean(const std::vector<double>& counts) {
  double n = 0, sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    n += counts[i];
    sum += (2.0 * static_cast<double>(i) + 1.0) * counts[i];
  }
  return n > 0 ? sum / n : std::nan("");
}

}  // namespace

Section LoadBalancingSection(const RuleResult& r, const ReportInputs& in) {
  (void)in;
  Section s;
  s.id = "workload-balancing";
  s.title = "Workload balancing";
  s.level = 3;
  const std::string thr = ParamValue(r, "threshold", "0.2");
  // SageMaker's JSONs have no min_difference: sm-report's default applies.
  const std::string min_diff = ParamValue(r, "min_difference", "10");
  s.blocks.push_back(Paragraph(fmt::format(
      "The LoadBalancing rule compares the utilization histograms of the GPUs of each node. "
      "When the Jensen–Shannon distance between two GPUs' histograms exceeds {} and their mean "
      "utilizations differ by at least {} percentage points, the work is unevenly spread: some "
      "GPUs wait while others compute. {}",
      thr, min_diff, Analysed(r))));
  if (AppendStatusNote(r, "The GPUs of each node had similar utilization.", &s) &&
      (r.failed || !r.applicable)) {
    return s;
  }
  const Json& d = r.details;
  bool any = false;
  const double threshold = std::atof(thr.c_str());
  const double min_difference = std::atof(min_diff.c_str());
  for (const auto& [node, nd] : d.items()) {
    if (!nd.is_object() || !HasObject(nd, "workloads")) continue;
    any = true;
    Chart h;
    h.kind = ChartKind::kHistogram;
    h.id = "workloads-" + node;
    h.title = fmt::format("Workloads on node {}", node);
    h.x_label = "GPU utilization (%)";
    h.y_label = "Samples";
    std::vector<std::pair<std::string, std::vector<double>>> hists;
    for (const auto& [gpu, arr] : nd["workloads"].items()) {
      if (!arr.is_array()) continue;
      std::vector<double> counts;
      for (const auto& v : arr) counts.push_back(v.is_number() ? v.get<double>() : 0.0);
      const double bin_w = counts.empty() ? 2.0 : 100.0 / std::max<size_t>(counts.size(), 50);
      HistogramSeries hs;
      hs.label = gpu;
      for (size_t i = 0; i < counts.size(); ++i) {
        hs.bins.push_back({i * 2.0, i * 2.0 + std::max(bin_w, 2.0), counts[i]});
      }
      h.histograms.push_back(std::move(hs));
      hists.emplace_back(gpu, std::move(counts));
    }
    h.height = 260;
    s.blocks.push_back(ChartBlock(std::move(h)));
    if (hists.size() < 2) {
      s.blocks.push_back(Note(Severity::kInfo,
                              fmt::format("Node {} has a single GPU: nothing to balance.", node)));
      continue;
    }
    struct Pair {
      std::string a, b;
      double d;
      double difference;  // of the mean utilizations, percentage points
      bool flagged;
    };
    std::vector<Pair> pairs;
    for (size_t i = 0; i < hists.size(); ++i) {
      for (size_t j = i + 1; j < hists.size(); ++j) {
        const double d = JensenShannon(hists[i].second, hists[j].second);
        const double diff =
            std::abs(HistogramMean(hists[i].second) - HistogramMean(hists[j].second));
        const bool flagged = std::isfinite(d) && d > threshold && std::isfinite(diff) &&
                             diff >= min_difference;
        pairs.push_back({hists[i].first, hists[j].first, d, diff, flagged});
      }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
      if (x.flagged != y.flagged) return x.flagged;
      const double dx = std::isfinite(x.d) ? x.d : -1, dy = std::isfinite(y.d) ? y.d : -1;
      return dx > dy;
    });
    Table t;
    t.caption = fmt::format("Pairwise distances between the GPUs of {} (flagged first)", node);
    t.columns = {"GPU", "GPU", "Jensen–Shannon distance", "Mean utilization difference (points)",
                 "Flagged"};
    t.numeric = {false, false, true, true, false};
    for (const Pair& p : pairs) {
      if (p.flagged) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
      t.rows.push_back({p.a, p.b, FormatNumber(p.d, 2), FormatNumber(p.difference, 1),
                        p.flagged ? "yes" : "no"});
    }
    s.blocks.push_back(TableBlock(std::move(t)));
  }
  if (!any) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No GPU utilization was recorded (CPU-only instance or too few "
                            "samples), so the rule does not apply."));
  } else if (r.triggered > 0) {
    s.blocks.push_back(Note(
        Severity::kWarning,
        "What to do: check that every GPU gets the same amount of work (data sharding, "
        "batch split, device placement); consider a different distributed training strategy "
        "or framework."));
  }
  return s;
}

// ---- Dataloading analysis (Dataloader, §4.8) --------------------------------------

Section DataloaderSection(const RuleResult& r, const ReportInputs& in) {
  Section s;
  s.id = "dataloading";
  s.title = "Dataloading analysis";
  s.level = 3;
  const std::string lo = ParamValue(r, "min_threshold", "70");
  const std::string hi = ParamValue(r, "max_threshold", "200");
  s.blocks.push_back(Paragraph(fmt::format(
      "The Dataloader rule counts how many data-loader processes run in parallel (per second) "
      "and compares the median with the number of CPU cores: fewer than {} % of the cores "
      "leaves CPUs idle and can starve the GPUs, more than {} % oversubscribes the CPU. {}",
      lo, hi, Analysed(r))));
  const Json& d = r.details;
  if (r.failed) {
    AppendStatusNote(r, "", &s);
    return s;
  }
  if (!d.is_object() || d.empty()) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No PyTorch data-loader events were recorded (dataloader "
                            "profiling off, or a TensorFlow job), so the rule does not apply."));
    return s;
  }
  const double cores = Num(d, "cores", 0);
  const double loaders = Num(d, "dataloaders", 0);
  std::vector<KeyValue> kv = {
      {"CPU cores", FormatNumber(cores, 0)},
      {"Median parallel data loaders", FormatNumber(loaders, 0)},
  };
  if (d.contains("num_workers")) kv.push_back({"num_workers", d["num_workers"].dump()});
  if (d.contains("pin_memory")) kv.push_back({"pin_memory", d["pin_memory"].dump()});
  if (d.contains("prefetch")) kv.push_back({"prefetch", d["prefetch"].dump()});
  s.blocks.push_back(KeyValues(std::move(kv)));
  const double min_v = cores * std::atof(lo.c_str()) / 100;
  const double max_v = cores * std::atof(hi.c_str()) / 100;
  if (r.triggered > 0 && loaders < min_v) {
    s.blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The median number of parallel data loaders ({}) is below {} % of the {} "
                    "cores. What to do: increase num_workers of the DataLoader (for example to "
                    "{}) so data preparation keeps up with the GPUs.",
                    FormatNumber(loaders, 0), lo, FormatNumber(cores, 0),
                    FormatNumber(std::ceil(min_v), 0))));
  } else if (r.triggered > 0 && loaders > max_v) {
    s.blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The median number of parallel data loaders ({}) is above {} % of the {} "
                    "cores. What to do: reduce num_workers; too many loader processes compete "
                    "for the CPU.",
                    FormatNumber(loaders, 0), hi, FormatNumber(cores, 0))));
  } else if (r.triggered > 0) {
    s.blocks.push_back(Note(Severity::kWarning,
                            "The number of parallel data loaders left the recommended range "
                            "during the job."));
  } else {
    s.blocks.push_back(Note(Severity::kOk,
                            "The number of parallel data loaders stayed within the "
                            "recommended range."));
  }
  if (d.contains("pin_memory") && d["pin_memory"] == false) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "pin_memory is off: enabling it (DataLoader(pin_memory=True)) "
                            "speeds up host-to-GPU copies."));
  }
  std::vector<Chart> row;
  if (in.store) {
    // Parallel loader processes per second over time.
    const MetricStore& st = *in.store;
    const EventColumns& ev = st.events();
    std::map<int64_t, std::set<int64_t>> per_second;
    for (uint32_t e = 0; e < ev.size(); ++e) {
      const std::string_view phase = st.str(ev.phase[e]);
      if (phase != "DataLoaderWorker" && phase != "DataLoaderIter") continue;
      per_second[ev.start_us[e] / 1'000'000].insert(ev.os_pid[e]);
    }
    if (!per_second.empty()) {
      Chart c;
      c.kind = ChartKind::kLine;
      c.id = "dataloaders-over-time";
      c.title = "Parallel data-loader processes per second";
      c.x_label = "Time";
      c.y_label = "Processes";
      c.x_is_time = true;
      ChartSeries sr{"loader processes", {}, 0};
      for (const auto& [sec, pids] : per_second) {
        sr.points.push_back({static_cast<double>(sec), static_cast<double>(pids.size())});
      }
      const double x0 = sr.points.front().x, x1 = sr.points.back().x;
      c.series.push_back(std::move(sr));
      c.series.push_back({fmt::format("{} % of cores", lo), {{x0, min_v}, {x1, min_v}}, 5});
      c.series.push_back({fmt::format("{} % of cores", hi), {{x0, max_v}, {x1, max_v}}, 6});
      c.y_min = 0;
      c.width = 440;
      c.height = 260;
      row.push_back(std::move(c));
    }
  }
  if (HasObject(d, "dataloading_time")) {
    const Json& dt = d["dataloading_time"];
    if (dt.contains("probs") && dt.contains("binedges") && dt["probs"].is_array() &&
        dt["binedges"].is_array() && dt["binedges"].size() == dt["probs"].size() + 1) {
      Chart h;
      h.kind = ChartKind::kHistogram;
      h.id = "dataloading-time";
      h.title = "Dataloading time per event";
      h.x_label = "Duration (s)";
      h.y_label = "Events";
      HistogramSeries hs;
      hs.label = "events";
      for (size_t i = 0; i < dt["probs"].size(); ++i) {
        hs.bins.push_back({dt["binedges"][i].get<double>(), dt["binedges"][i + 1].get<double>(),
                           dt["probs"][i].is_number() ? dt["probs"][i].get<double>() : 0.0});
      }
      h.histograms.push_back(std::move(hs));
      h.width = 440;
      h.height = 260;
      row.push_back(std::move(h));
      s.blocks.push_back(Paragraph(fmt::format(
          "Dataloading time per event: median {} s, 95th percentile {} s, 25th percentile {} s.",
          FormatNumber(Num(dt, "p50"), 4), FormatNumber(Num(dt, "p95"), 4),
          FormatNumber(Num(dt, "p25"), 4))));
    }
  }
  if (!row.empty()) s.blocks.push_back(ChartsBlock(std::move(row)));
  return s;
}

// ---- CPU / I/O bottlenecks (§4.3, §4.4) ----------------------------------------------

Section BottleneckSection(const RuleResult& r, const ReportInputs& in, bool io) {
  Section s;
  s.id = io ? "io-bottlenecks" : "cpu-bottlenecks";
  s.title = io ? "I/O bottlenecks" : "CPU bottlenecks";
  s.level = 3;
  const std::string threshold = ParamValue(r, "threshold", "50");
  const std::string gpu_thr = ParamValue(r, "gpu_threshold", "10");
  const std::string res_thr = ParamValue(r, io ? "io_threshold" : "cpu_threshold", io ? "50" : "90");
  s.blocks.push_back(Paragraph(fmt::format(
      "The {} rule looks at every system sample: it is a bottleneck when a GPU's utilization is "
      "below {} % while {} above {} %. The rule fires when bottlenecks make up more than {} % "
      "of the samples. {}",
      r.name, gpu_thr, io ? "a CPU core's I/O wait is" : "a CPU core's utilization is", res_thr,
      threshold, Analysed(r))));
  if (r.failed || !r.applicable) {
    AppendStatusNote(r, "", &s);
    return s;
  }
  const Json& d = r.details;
  const int64_t perc =
      r.datapoints > 0 ? static_cast<int64_t>(static_cast<double>(r.violations) / r.datapoints * 100)
                       : 0;
  const double low_gpu = Num(d, "low_gpu_utilization", 0);
  if (r.datapoints == 0) {
    s.blocks.push_back(Note(Severity::kInfo, "No system samples were analysed."));
    return s;
  }
  const bool has_gpu = in.store ? [&] {
    for (const SeriesInfo& si : in.store->series()) {
      if (si.kind == MetricKind::kGpuUtilization) return true;
    }
    return false;
  }()
                                 : low_gpu > 0 || r.violations > 0;
  if (!has_gpu) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No GPU utilization was recorded (CPU-only instance), so GPU "
                            "starvation cannot be detected."));
    return s;
  }
  s.blocks.push_back(Paragraph(fmt::format(
      "{} of {} samples ({} %) were bottlenecks; the threshold is {} %. GPU utilization was "
      "below {} % in {} samples.",
      r.violations, r.datapoints, perc, threshold, gpu_thr, static_cast<int64_t>(low_gpu))));
  if (r.triggered > 0) {
    s.blocks.push_back(Note(
        Severity::kIssue,
        io ? fmt::format("The rule was triggered {} times. What to do: the GPUs wait for "
                         "storage; pre-fetch and cache data, use larger or binary file formats "
                         "(e.g. RecordIO, TFRecord, WebDataset shards), or faster storage.",
                         r.triggered)
           : fmt::format("The rule was triggered {} times. What to do: the GPUs wait for the "
                         "CPU; move preprocessing to the GPU or offline, increase the number of "
                         "data-loader workers, or pre-fetch batches.",
                         r.triggered)));
  } else {
    s.blocks.push_back(Note(Severity::kOk,
                            fmt::format("Bottlenecks stayed below the {} % threshold.", threshold)));
  }
  // Share of bottleneck samples per minute.
  std::map<int64_t, double> bottlenecks_per_min;
  if (HasObject(d, "bottlenecks")) {
    for (const auto& [ts, v] : d["bottlenecks"].items()) {
      const double t = std::atof(ts.c_str());
      if (std::isfinite(t) && t > 0) bottlenecks_per_min[static_cast<int64_t>(t / 60)] += 1;
    }
  }
  std::map<int64_t, double> samples_per_min;
  if (in.store) {
    std::set<std::pair<uint32_t, double>> seen;  // (node, ts) of GPU samples
    const MetricStore& st = *in.store;
    for (uint32_t row = 0; row < st.system().size(); ++row) {
      const SeriesInfo& si = st.series()[st.system().series(row)];
      if (si.kind != MetricKind::kGpuUtilization) continue;
      if (seen.insert({si.node, st.system().ts(row)}).second) {
        samples_per_min[static_cast<int64_t>(st.system().ts(row) / 60)] += 1;
      }
    }
  }
  // Nothing to plot when there were no bottlenecks at all.
  if (!bottlenecks_per_min.empty()) {
    Chart c;
    c.kind = ChartKind::kLine;
    c.id = s.id + "-share";
    c.title = samples_per_min.empty() ? "Bottleneck samples per minute"
                                      : "Share of bottleneck samples per minute";
    c.x_label = "Time";
    c.y_label = samples_per_min.empty() ? "Samples" : "Bottlenecks (%)";
    c.x_is_time = true;
    c.y_min = 0;
    ChartSeries sr{"bottlenecks", {}, 5};
    if (!samples_per_min.empty()) {
      c.y_max = 100;
      for (const auto& [m, n] : samples_per_min) {
        auto it = bottlenecks_per_min.find(m);
        const double b = it == bottlenecks_per_min.end() ? 0 : it->second;
        sr.points.push_back({m * 60.0 + 30, std::min(100.0, 100 * b / n)});
      }
    } else {
      for (const auto& [m, n] : bottlenecks_per_min) sr.points.push_back({m * 60.0 + 30, n});
    }
    if (!sr.points.empty()) {
      const double x0 = sr.points.front().x, x1 = sr.points.back().x;
      c.series.push_back(std::move(sr));
      if (!samples_per_min.empty()) {
        const double t = std::atof(threshold.c_str());
        c.series.push_back({"threshold", {{x0, t}, {x1, t}}, 6});
      }
      c.height = 260;
      s.blocks.push_back(ChartBlock(std::move(c)));
    }
  }
  if (r.triggered > 0) {
    AppendCorrelatedActivity(d, s.id, io ? "the I/O bottlenecks" : "the CPU bottlenecks", &s);
  }
  return s;
}

// ---- GPU memory (GPUMemoryIncrease, §4.5) --------------------------------------------

Section GpuMemorySection(const RuleResult& r, const ReportInputs& in) {
  Section s;
  s.id = "gpu-memory";
  s.title = "GPU memory";
  s.level = 3;
  const std::string inc = ParamValue(r, "increase", "5");
  const std::string window = ParamValue(r, "window", "10");
  s.blocks.push_back(Paragraph(fmt::format(
      "The GPUMemoryIncrease rule watches the memory utilization of every GPU: it fires when the "
      "mean of the last {} samples is more than {} percentage points above the mean of the "
      "samples before them (for example from 10 % to {} %), once a GPU has enough samples. A "
      "steadily growing footprint can end in an out-of-memory error. {}",
      window, inc, 10 + std::atof(inc.c_str()), Analysed(r))));
  if (r.failed || !r.applicable) {
    AppendStatusNote(r, "", &s);
    return s;
  }
  const Json& d = r.details;
  if (r.datapoints == 0) {
    s.blocks.push_back(Note(Severity::kInfo,
                            "No GPU memory utilization was recorded (CPU-only instance), so "
                            "the rule does not apply."));
    return s;
  }
  if (r.triggered == 0) {
    s.blocks.push_back(Note(Severity::kOk, "GPU memory did not grow sharply on any GPU."));
  } else {
    const std::string when = LastWindow(d);
    s.blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule was triggered {} times (once per sample that met the condition){}. "
                    "What to do: if memory approaches the GPU's maximum, use a larger instance or "
                    "a smaller batch, and look for tensors kept alive across steps.",
                    r.triggered, when.empty() ? "" : "; last in the window starting " + when)));
    if (!r.findings.empty()) s.blocks.push_back(TableBlock(FindingsTable(r, "Increase (points)")));
  }
  for (const auto& [node, gpus] : d.items()) {
    if (!gpus.is_object()) continue;
    Chart c;
    c.kind = ChartKind::kBox;
    c.id = "gpumem-" + node;
    c.title = fmt::format("GPU memory utilization on node {}", node);
    c.y_label = "Memory utilization (%)";
    c.y_min = 0;
    c.y_max = 100;
    c.height = 260;
    std::string text;
    for (const auto& [gpu, st] : gpus.items()) {
      BoxPlot b = BoxFrom(gpu, st, true);
      c.boxes.push_back(b);
      text += fmt::format("{} on {}: increase {} points, maximum {} %", gpu, node,
                          FormatNumber(Num(st, "increase", 0), 2),
                          FormatNumber(Num(st, "gpu_max", 0), 1));
      if (Num(st, "p95", 100) < 50) text += fmt::format(", p95 only {} %", FormatNumber(Num(st, "p95", 0), 1));
      if (Num(st, "p95", 0) - Num(st, "p05", 0) > 50) text += "; fluctuates a lot";
      text += ". ";
    }
    if (!text.empty()) {
      text.pop_back();
      s.blocks.push_back(Paragraph(text));
    }
    if (!c.boxes.empty()) s.blocks.push_back(ChartBlock(std::move(c)));
  }
  if (in.store) {
    const MetricStore& st = *in.store;
    for (StrId node : st.system_nodes()) {
      const auto mems = st.SeriesOf(node, MetricKind::kGpuMemory);
      if (mems.empty()) continue;
      Chart c;
      c.kind = ChartKind::kLine;
      c.id = fmt::format("gpumem-timeline-{}", st.str(node));
      c.title = fmt::format("{}: GPU memory utilization over time", st.str(node));
      c.x_label = "Time";
      c.y_label = "Memory utilization (%)";
      c.x_is_time = true;
      c.y_min = 0;
      c.y_max = 100;
      c.height = 260;
      for (uint32_t sid : mems) {
        ChartSeries sr{std::string(st.str(st.series()[sid].name)), {}, -1};
        for (uint32_t row : st.SeriesRows(sid)) {
          sr.points.push_back({st.system().ts(row), st.system().value(row)});
        }
        c.series.push_back(std::move(sr));
      }
      // Mark the windows in which the rule fired on this node.
      std::set<int64_t> windows;
      for (const RuleFinding& f : r.findings) {
        if (f.node == st.str(node)) windows.insert(f.window_start_us);
      }
      // Consecutive windows become one band.
      for (auto it = windows.begin(); it != windows.end();) {
        int64_t start = *it, end = *it + 60'000'000;
        for (++it; it != windows.end() && *it <= end; ++it) end = *it + 60'000'000;
        c.bands.push_back({start / 1e6, end / 1e6, "increase", 2});
      }
      s.blocks.push_back(ChartBlock(std::move(c)));
    }
  }
  return s;
}

}  // namespace report_internal
}  // namespace smr
