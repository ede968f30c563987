#include "smr/report_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "smr/data_quality.h"
#include "src/report/blocks.h"
#include "src/report/data_quality_section.h"
#include "src/report/rule_sections.h"

namespace smr {
namespace {

using namespace report_internal;  // NOLINT: private helpers of this module

// ---- the builder --------------------------------------------------------------

class Builder {
 public:
  explicit Builder(const ReportInputs& in) : in_(in) {
    if (in.results) {
      for (const RuleResult& r : *in.results) results_[r.name] = &r;
    }
  }

  ReportModel Build() {
    ReportModel m;
    m.input_dir = in_.input_dir;
    m.generated_by = in_.generated_by;
    m.subtitle = in_.input_dir.empty() ? std::string()
                                       : fmt::format("Profiler data: {}", in_.input_dir);
    m.overview = Overview();
    m.sections.push_back(JobSummary());
    m.sections.push_back(SystemUsage());
    if (auto s = FrameworkMetrics(); !s.blocks.empty() || !s.subsections.empty()) {
      m.sections.push_back(std::move(s));
    }
    m.sections.push_back(RulesSummary());
    m.sections.push_back(TrainingLoop());
    if (in_.discovery && in_.store && in_.diagnostics) {
      m.sections.push_back(DataQualitySection(
          BuildDataQuality(*in_.discovery, *in_.store, *in_.diagnostics)));
    } else if (in_.diagnostics || in_.store) {
      m.sections.push_back(DataQuality());
    }
    m.rules = RuleStates();
    return m;
  }

 private:
  const RuleResult* Result(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? nullptr : it->second;
  }

  bool IsDisabled(const std::string& name) const {
    return std::find(in_.disabled_rules.begin(), in_.disabled_rules.end(), name) !=
           in_.disabled_rules.end();
  }

  // The rule's missing or unreadable result (render mode), or null.
  const RuleStatus* Unavailable(const std::string& name) const {
    for (const RuleStatus& u : in_.unavailable_rules) {
      if (u.name == name) return &u;
    }
    return nullptr;
  }

  // "The BatchSize rule's result is unreadable: BatchSize.json: not valid
  // JSON: line 1, column 21: ...; <consequence>"
  static std::string UnavailableText(const RuleStatus& u, const std::string& consequence) {
    return fmt::format("The {} rule's result is {}: {}.{}{}", u.name, RuleStateName(u.state),
                       u.detail, consequence.empty() ? "" : " ", consequence);
  }

  // "BatchSize (unreadable), LoadBalancing (missing)"
  std::string UnavailableList() const {
    std::string list;
    for (const RuleStatus& u : in_.unavailable_rules) {
      list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", u.name, RuleStateName(u.state));
    }
    return list;
  }

  // Every rule with its state, in registry order (rules not in the registry
  // after, in the order given).
  std::vector<RuleStatus> RuleStates() const {
    std::vector<RuleStatus> states;
    if (in_.results) {
      for (const RuleResult& r : *in_.results) {
        RuleStatus st{r.name, r.triggered > 0 ? RuleState::kTriggered : RuleState::kOk, ""};
        if (r.failed) {
          st = {r.name, RuleState::kFailed, r.error};
        } else if (!r.applicable) {
          st = {r.name, RuleState::kNotApplicable, r.not_applicable_reason};
        }
        states.push_back(std::move(st));
      }
    }
    for (const std::string& name : in_.disabled_rules) {
      states.push_back({name, RuleState::kDisabled, "disabled by configuration"});
    }
    for (const RuleStatus& u : in_.unavailable_rules) states.push_back(u);
    const auto order = [&](const RuleStatus& st) {
      size_t i = 0;
      if (in_.rules) {
        for (; i < in_.rules->size(); ++i) {
          if ((*in_.rules)[i]->name() == st.name) break;
        }
      }
      return i;
    };
    std::stable_sort(states.begin(), states.end(),
                     [&](const RuleStatus& a, const RuleStatus& b) { return order(a) < order(b); });
    return states;
  }

  // The rules table's "What it checks, and what to do" cell.
  static std::string RuleText(const Rule* rule) {
    std::string text = rule ? std::string(rule->description()) : "";
    if (rule && !rule->recommendation().empty()) {
      text += (text.empty() ? "" : "\n") + std::string("What to do: ") +
              std::string(rule->recommendation());
    }
    return text;
  }

  const Rule* RuleByName(const std::string& name) const {
    if (!in_.rules) return nullptr;
    for (const auto& r : *in_.rules) {
      if (r->name() == name) return r.get();
    }
    return nullptr;
  }

  // Job timing as SageMaker's report derives it (§2.1), from
  // MaxInitializationTime's Details.
  struct JobTiming {
    bool has_job = false;
    double start_s = 0, end_s = 0;
    bool has_steps = false;
    double first_s = 0, last_s = 0;
    int64_t job_duration = 0, loop = 0, init = 0, fin = 0;
    int64_t init_pct = 0, loop_pct = 0, fin_pct = 0;
  };

  JobTiming Timing() const {
    JobTiming t;
    // With raw data the summary covers all of it: the timeline (job
    // start/end from every system sample, first/last step start). The rule
    // JSON's Details hold the same values over the rule windows only, which
    // by default stop where SageMaker stops; they are used when the report
    // is rendered from rule JSONs alone.
    const RuleResult* r = in_.timeline ? nullptr : Result("MaxInitializationTime");
    Json from_timeline;
    if (!r && in_.timeline) {
      const JobTimeline& tl = *in_.timeline;
      if (tl.has_system) {
        from_timeline["job_start"] = tl.job_start_s;
        from_timeline["job_end"] = tl.job_end_s;
      }
      if (tl.has_steps) {
        from_timeline["step_num"]["first"] = tl.first_step_start_us;
        from_timeline["step_num"]["last"] = tl.last_step_start_us;
      }
    } else if (!r) {
      return t;
    }
    const Json& d = r ? r->details : from_timeline;
    t.start_s = Num(d, "job_start");
    t.end_s = Num(d, "job_end");
    t.has_job = std::isfinite(t.start_s) && std::isfinite(t.end_s);
    if (!t.has_job) return t;
    t.job_duration = static_cast<int64_t>(t.end_s - t.start_s);
    if (HasObject(d, "step_num")) {
      const double first = Num(d["step_num"], "first");
      const double last = Num(d["step_num"], "last");
      if (std::isfinite(first) && std::isfinite(last)) {
        t.has_steps = true;
        t.first_s = first / 1e6;
        t.last_s = last / 1e6;
        t.loop = static_cast<int64_t>((last - first) / 1e6);
        t.init = static_cast<int64_t>(first / 1e6 - t.start_s);
        t.fin = static_cast<int64_t>(std::fabs(t.end_s - last / 1e6));
        if (t.job_duration > 0) {
          t.init_pct = static_cast<int64_t>(static_cast<double>(t.init) / t.job_duration * 100);
          t.loop_pct = static_cast<int64_t>(static_cast<double>(t.loop) / t.job_duration * 100);
          t.fin_pct = static_cast<int64_t>(static_cast<double>(t.fin) / t.job_duration * 100);
        }
      }
    }
    return t;
  }

  std::vector<KeyValue> Overview() const {
    std::vector<KeyValue> kv;
    const JobTiming t = Timing();
    if (t.has_job) {
      kv.push_back({"Job start (UTC)", FormatUtc(t.start_s)});
      kv.push_back({"Job duration", FormatDuration(t.end_s - t.start_s)});
    }
    if (in_.store && in_.store->has_system()) {
      const MetricStore& s = *in_.store;
      const auto& nodes = s.system_nodes();
      size_t gpus = 0, cpus = 0;
      if (!nodes.empty()) {
        gpus = s.SeriesOf(nodes[0], MetricKind::kGpuUtilization).size();
        cpus = s.SeriesOf(nodes[0], MetricKind::kCpuUtilization).size();
      }
      kv.push_back({"Nodes", fmt::format("{} × {} GPUs, {} vCPUs", nodes.size(), gpus, cpus)});
    }
    if (in_.timeline && in_.timeline->has_steps) {
      std::map<std::string, int64_t> per_phase;
      for (const StepEvent& st : in_.timeline->steps) {
        std::string_view p = in_.store->str(st.phase);
        const size_t dot = p.rfind('.');
        per_phase[std::string(dot == std::string_view::npos ? p : p.substr(dot + 1))]++;
      }
      std::string steps;
      for (const auto& [p, n] : per_phase) {
        if (!steps.empty()) steps += ", ";
        steps += fmt::format("{} {}", n, p);
      }
      kv.push_back({"Steps", steps});
    }
    if (in_.results) {
      int64_t n = 0, fired = 0;
      for (const RuleResult& r : *in_.results) {
        if (r.name == "OverallSystemUsage" || r.name == "OverallFrameworkMetrics") continue;
        ++n;
        if (r.triggered > 0) ++fired;
      }
      kv.push_back({"Rules triggered", fmt::format("{} of {}", fired, n)});
    }
    if (!in_.unavailable_rules.empty()) kv.push_back({"Rules not read", UnavailableList()});
    if (in_.diagnostics) {
      kv.push_back({"Data problems",
                    in_.diagnostics->total_data_loss() == 0
                        ? std::string("none")
                        : fmt::format("{} records skipped", in_.diagnostics->total_data_loss())});
    }
    return kv;
  }

  // ---- Training job summary (§2.1) ----

  Section JobSummary() const {
    Section s;
    s.id = "training-job-summary";
    s.title = "Training job summary";
    const JobTiming t = Timing();
    if (!t.has_job) {
      const RuleStatus* u = Unavailable("MaxInitializationTime");
      s.blocks.push_back(Note(Severity::kWarning,
                              u ? UnavailableText(*u, "The job start, end and duration come from "
                                                      "it, so they cannot be shown.")
                                : "No system metrics were found, so the job start, end and "
                                  "duration cannot be computed."));
      return s;
    }
    s.blocks.push_back(Paragraph(fmt::format(
        "The following table gives a summary of the training job: start and end time, "
        "duration of the training loop and of the time before it (initialization) and "
        "after it (finalization). Your training job started on {} UTC and ran for {} "
        "seconds ({}).",
        FormatUtc(t.start_s), t.job_duration, FormatDuration(t.end_s - t.start_s))));
    std::vector<KeyValue> kv = {
        {"Start time", FormatUtc(t.start_s) + " UTC"},
        {"End time", FormatUtc(t.end_s) + " UTC"},
        {"Job duration", fmt::format("{} seconds", t.job_duration)},
    };
    if (t.has_steps) {
      kv.push_back({"Training loop start", FormatUtc(t.first_s) + " UTC"});
      kv.push_back({"Training loop end", FormatUtc(t.last_s) + " UTC"});
      kv.push_back({"Training loop duration", fmt::format("{} seconds", t.loop)});
      kv.push_back({"Initialization time", fmt::format("{} seconds", t.init)});
      kv.push_back({"Finalization time", fmt::format("{} seconds", t.fin)});
      kv.push_back({"Initialization", fmt::format("{} %", t.init_pct)});
      kv.push_back({"Training loop", fmt::format("{} %", t.loop_pct)});
      kv.push_back({"Finalization", fmt::format("{} %", t.fin_pct)});
    }
    s.blocks.push_back(KeyValues(std::move(kv)));
    if (!t.has_steps) {
      s.blocks.push_back(Note(Severity::kInfo,
                              "No step information was profiled (no Step:ModeKeys events), "
                              "so initialization and finalization time cannot be computed."));
      return s;
    }
    Chart pie;
    pie.kind = ChartKind::kPie;
    pie.id = "job-phases";
    pie.title = "Share of the job (seconds)";
    pie.slices = {{"Initialization", static_cast<double>(t.init)},
                  {"Training loop", static_cast<double>(t.loop)},
                  {"Finalization", static_cast<double>(t.fin)}};
    pie.width = 420;
    pie.height = 260;
    std::vector<Chart> row{pie};
    if (const RuleResult* r = Result("MaxInitializationTime"); r && r->triggered > 0) {
      s.blocks.push_back(Note(
          Severity::kIssue,
          fmt::format("Initialization took {} seconds, longer than the MaxInitializationTime "
                      "threshold of {} minutes. Check data download and preprocessing before "
                      "the first step; for large datasets consider streaming input (Pipe or "
                      "FastFile mode) instead of downloading everything first.",
                      t.init, ParamValue(*r, "threshold", "20"))));
    }
    if (in_.timeline && !in_.timeline->phases.empty()) {
      Chart bar;
      bar.kind = ChartKind::kBar;
      bar.id = "phase-durations";
      bar.title = "Time per phase of the job (seconds)";
      std::map<std::string, double> total;
      std::vector<std::string> order;
      for (const PhaseInterval& p : in_.timeline->phases) {
        if (!total.count(p.label)) order.push_back(p.label);
        total[p.label] += (p.end_us - p.start_us) / 1e6;
      }
      for (const auto& label : order) bar.slices.push_back({label, total[label]});
      bar.width = 480;
      bar.height = 260;
      row.push_back(bar);
    }
    s.blocks.push_back(ChartsBlock(std::move(row)));
    return s;
  }

  // ---- System usage statistics (§2.2) ----

  Section SystemUsage() const {
    Section s;
    s.id = "system-usage";
    s.title = "System usage statistics";
    const RuleResult* r =
        in_.system_usage_all_data ? in_.system_usage_all_data : Result("OverallSystemUsage");
    if (!r || !r->details.is_object() || r->details.empty()) {
      const RuleStatus* u = r ? nullptr : Unavailable("OverallSystemUsage");
      s.blocks.push_back(Note(Severity::kWarning,
                              u ? UnavailableText(*u, "The system usage statistics come from "
                                                      "it, so they cannot be shown.")
                                : "No system metrics were found."));
      return s;
    }
    if (in_.system_usage_all_data) {
      s.blocks.push_back(Note(
          Severity::kInfo,
          "These statistics cover all system data. OverallSystemUsage.json, like SageMaker's, "
          "covers the rule windows only (see the Rules summary), so its numbers can differ "
          "slightly."));
    }
    const Json& d = r->details;
    // Paragraph per node, as SageMaker words it (numbers truncated with int()).
    std::string text;
    if (HasObject(d, "CPU")) {
      for (const auto& [node, cpu] : d["CPU"].items()) {
        const double cpu95 = Num(cpu, "p95", 0);
        const double cpu50 = Num(cpu, "p50", 0);
        const bool has_gpu = HasObject(d, "GPU") && d["GPU"].contains(node);
        if (!has_gpu) {
          text += fmt::format(
              "The median total CPU utilization on node {} was {} % (p95 {} %); no GPU "
              "metrics were recorded for this node. ",
              node, static_cast<int64_t>(cpu50), static_cast<int64_t>(cpu95));
          continue;
        }
        const Json& gpu = d["GPU"][node];
        const double gpu95 = Num(gpu, "p95", 0);
        const double gpu50 = Num(gpu, "p50", 0);
        if (gpu95 < 70 && cpu95 < 70) {
          text += fmt::format(
              "The 95th percentile of the total GPU utilization on node {} is only {} %, "
              "and the 95th percentile of the total CPU utilization is only {} %. Node {} "
              "is underutilized: consider a smaller instance type. ",
              node, static_cast<int64_t>(gpu95), static_cast<int64_t>(cpu95), node);
        } else if (gpu95 < 70 && cpu95 > 70) {
          text += fmt::format(
              "The 95th percentile of the total GPU utilization on node {} is only {} %, "
              "while the 95th percentile of the total CPU utilization is {} %. The GPUs "
              "are underutilized, likely because of CPU bottlenecks. ",
              node, static_cast<int64_t>(gpu95), static_cast<int64_t>(cpu95));
        } else if (gpu50 > 70) {
          text += fmt::format(
              "The median total GPU utilization on node {} is {} %: the GPUs are well "
              "utilized. ",
              node, static_cast<int64_t>(gpu50));
        } else {
          text += fmt::format(
              "The median total GPU utilization on node {} is {} % and the median total "
              "CPU utilization is {} %. ",
              node, static_cast<int64_t>(gpu50), static_cast<int64_t>(cpu50));
        }
      }
    }
    if (!text.empty()) {
      text.pop_back();
      s.blocks.push_back(Paragraph(text));
    }
    s.blocks.push_back(Paragraph(
        "The table shows the utilization of each resource per node over the whole job: "
        "maximum, 99th, 95th and 50th percentile and minimum. GPU and CPU values are the "
        "average over all GPUs or cores of the node at each sample; network is the sum of "
        "the algorithm's receive and transmit throughput; I/O is the average I/O wait "
        "per core."));
    Table t;
    t.caption = "Resource utilization per node";
    t.columns = {"Node", "Metric", "Unit", "max", "p99", "p95", "p50", "min"};
    t.numeric = {false, false, false, true, true, true, true, true};
    for (const auto& [metric, nodes] : d.items()) {
      if (!nodes.is_object()) continue;
      const std::string unit = metric == "Network" ? "bytes/s" : "percent";
      for (const auto& [node, st] : nodes.items()) {
        // Init-captures: clang before 16 cannot capture structured bindings.
        auto cell = [&st = st, &metric = metric](const char* k) {
          const double v = Num(st, k);
          if (!std::isfinite(v)) return std::string("-");
          return metric == "Network" ? FormatBytes(v) : FormatNumber(v, 2);
        };
        t.rows.push_back({node, metric, unit, cell("max"), cell("p99"), cell("p95"),
                          cell("p50"), cell("min")});
      }
    }
    s.blocks.push_back(TableBlock(std::move(t)));
    if (in_.store && in_.store->has_system()) {
      for (StrId node : in_.store->system_nodes()) {
        Section sub = NodeUsage(node);
        s.subsections.push_back(std::move(sub));
      }
    }
    return s;
  }

  // Average over the series of one kind per timestamp (e.g. total CPU).
  std::vector<ChartPoint> AveragePerTimestamp(const std::vector<uint32_t>& series) const {
    const MetricStore& st = *in_.store;
    std::map<double, std::pair<double, int>> acc;
    for (uint32_t s : series) {
      for (uint32_t row : st.SeriesRows(s)) {
        auto& a = acc[st.system().ts(row)];
        a.first += st.system().value(row);
        a.second += 1;
      }
    }
    std::vector<ChartPoint> pts;
    pts.reserve(acc.size());
    for (const auto& [ts, a] : acc) pts.push_back({ts, a.first / a.second});
    return pts;
  }

  std::vector<ChartPoint> SeriesPoints(uint32_t series) const {
    const MetricStore& st = *in_.store;
    std::vector<ChartPoint> pts;
    for (uint32_t row : st.SeriesRows(series)) {
      pts.push_back({st.system().ts(row), st.system().value(row)});
    }
    return pts;
  }

  Section NodeUsage(StrId node) const {
    const MetricStore& st = *in_.store;
    const std::string node_name(st.str(node));
    Section sub;
    sub.id = "system-usage-" + node_name;
    sub.title = "Utilization over time on " + node_name;
    sub.level = 3;
    auto timeline_chart = [&](const std::string& id, const std::string& title) {
      Chart c;
      c.kind = ChartKind::kLine;
      c.id = id;
      c.title = title;
      c.x_label = "Time";
      c.y_label = "Utilization (%)";
      c.x_is_time = true;
      c.y_min = 0;
      c.y_max = 100;
      c.height = 300;
      if (in_.timeline) {
        for (const PhaseInterval& p : in_.timeline->phases) {
          if (p.phase.empty()) continue;
          c.bands.push_back(
              {p.start_us / 1e6, p.end_us / 1e6, p.label, p.phase == "EVAL" ? 1 : 0});
        }
      }
      return c;
    };
    const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
    const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
    const auto gmem = st.SeriesOf(node, MetricKind::kGpuMemory);
    const auto hmem = st.SeriesOf(node, MetricKind::kHostMemoryUsed);
    Chart host = timeline_chart("timeline-host-" + node_name,
                                fmt::format("{}: CPU and memory", node_name));
    if (!cpus.empty()) host.series.push_back({"CPU (all cores)", AveragePerTimestamp(cpus), 0});
    if (!gmem.empty()) host.series.push_back({"GPU memory (avg)", AveragePerTimestamp(gmem), 1});
    if (!hmem.empty()) host.series.push_back({"Host memory", AveragePerTimestamp(hmem), 2});
    sub.blocks.push_back(Paragraph(fmt::format(
        "Total CPU utilization (average over {}), average GPU memory utilization and host "
        "memory used on {} over the job{}. Shaded areas are the training phases.",
        Plural(static_cast<int64_t>(cpus.size()), "core", "cores"), node_name,
        gpus.empty() ? "" : ", then the utilization of each GPU")));
    sub.blocks.push_back(ChartBlock(std::move(host)));
    if (!gpus.empty()) {
      Chart gc = timeline_chart("timeline-gpu-" + node_name,
                                fmt::format("{}: utilization per GPU", node_name));
      for (uint32_t g : gpus) {
        gc.series.push_back({std::string(st.str(st.series()[g].name)), SeriesPoints(g), -1});
      }
      sub.blocks.push_back(ChartBlock(std::move(gc)));
    }
    if (in_.timeline && !in_.timeline->phases.empty()) {
      sub.blocks.push_back(TableBlock(PhaseUsageTable(node, cpus, gpus, gmem, hmem)));
    }
    return sub;
  }

  // Mean utilization per training phase (TRAIN, EVAL, before/between/after).
  Table PhaseUsageTable(StrId node, const std::vector<uint32_t>& cpus,
                        const std::vector<uint32_t>& gpus,
                        const std::vector<uint32_t>& gmem,
                        const std::vector<uint32_t>& hmem) const {
    const MetricStore& st = *in_.store;
    const auto& phases = in_.timeline->phases;
    std::vector<std::string> labels;
    for (const auto& p : phases) {
      if (std::find(labels.begin(), labels.end(), p.label) == labels.end()) {
        labels.push_back(p.label);
      }
    }
    auto label_index = [&](const std::string& l) {
      return static_cast<size_t>(std::find(labels.begin(), labels.end(), l) - labels.begin());
    };
    // sums[kind][label] = (sum, n)
    std::vector<std::vector<std::pair<double, int64_t>>> sums(
        4, std::vector<std::pair<double, int64_t>>(labels.size()));
    std::vector<double> seconds(labels.size(), 0);
    for (const auto& p : phases) seconds[label_index(p.label)] += (p.end_us - p.start_us) / 1e6;
    const std::vector<const std::vector<uint32_t>*> groups = {&cpus, &gpus, &gmem, &hmem};
    for (size_t k = 0; k < groups.size(); ++k) {
      for (uint32_t s : *groups[k]) {
        for (uint32_t row : st.SeriesRows(s)) {
          const int64_t ts_us = static_cast<int64_t>(st.system().ts(row) * 1e6);
          // Last phase starting at or before ts.
          auto it = std::upper_bound(phases.begin(), phases.end(), ts_us,
                                     [](int64_t t, const PhaseInterval& p) { return t < p.start_us; });
          if (it == phases.begin()) continue;
          --it;
          if (ts_us > it->end_us) continue;
          auto& a = sums[k][label_index(it->label)];
          a.first += st.system().value(row);
          a.second += 1;
        }
      }
    }
    Table t;
    t.caption = fmt::format("Mean utilization per phase on {} (percent)", st.str(node));
    t.columns = {"Phase", "Duration", "CPU", "GPU", "GPU memory", "Host memory"};
    t.numeric = {false, true, true, true, true, true};
    for (size_t i = 0; i < labels.size(); ++i) {
      std::vector<std::string> row = {labels[i], FormatDuration(seconds[i])};
      for (size_t k = 0; k < 4; ++k) {
        row.push_back(sums[k][i].second == 0
                          ? "-"
                          : FormatNumber(sums[k][i].first / sums[k][i].second, 1));
      }
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  // ---- Framework metrics summary (§2.3) ----

  static Chart ShareChart(const std::string& id, const std::string& title, const Json& obj,
                          ChartKind kind) {
    Chart c;
    c.kind = kind;
    c.id = id;
    c.title = title;
    for (const auto& [k, v] : obj.items()) {
      if (v.is_number()) c.slices.push_back({k, v.get<double>()});
    }
    c.width = 440;
    c.height = 260;
    return c;
  }

  Table OperatorTable(const Json& shares, const Json& totals, const std::string& what) const {
    std::vector<std::tuple<double, double, std::string>> rows;
    for (const auto& [op, v] : shares.items()) {
      const double total = totals.is_object() ? Num(totals, op.c_str()) : kNaN;
      rows.emplace_back(v.is_number() ? v.get<double>() : 0.0, total, op);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) > std::get<0>(b);
    });
    Table t;
    t.caption = what + " operators (share of the time of the operators above 2 %)";
    t.columns = {"Operator", "Percentage", "Cumulative time (microseconds)"};
    t.numeric = {false, true, true};
    for (const auto& [pct, total, op] : rows) {
      t.rows.push_back({op, FormatNumber(pct, 2),
                        std::isfinite(total) ? fmt::format("{:.0f}", total) : "-"});
    }
    return t;
  }

  Section FrameworkMetrics() const {
    Section s;
    s.id = "framework-metrics";
    s.title = "Framework metrics summary";
    const RuleResult* r = Result("OverallFrameworkMetrics");
    if (const RuleStatus* u = r ? nullptr : Unavailable("OverallFrameworkMetrics")) {
      s.blocks.push_back(Note(Severity::kWarning,
                              UnavailableText(*u, "The framework metrics summary comes from it, "
                                                  "so it cannot be shown.")));
    }
    const bool has_fw_json = r && (HasObject(r->details, "phase") || HasObject(r->details, "ratio"));
    if (has_fw_json) {
      const Json& d = r->details;
      std::vector<Chart> row;
      if (HasObject(d, "phase")) {
        const double others = Num(d["phase"], "others", 0);
        s.blocks.push_back(Paragraph(fmt::format(
            "The chart on the left shows how the time of the training job splits between "
            "the training phases (TRAIN, EVAL, ...) and everything outside them (\"others\": "
            "initialization, data loading between steps, finalization). {}",
            others > 25 ? fmt::format("{:.0f} % of the time was spent outside the training "
                                      "phases; if this is not initialization or "
                                      "finalization, look for time spent between steps.",
                                      others)
                        : std::string("Most of the time was spent in the training phases."))));
        row.push_back(ShareChart("fw-phase", "Time per phase (%)", d["phase"], ChartKind::kBar));
      }
      if (HasObject(d, "ratio")) {
        row.push_back(ShareChart("fw-ratio", "Time on CPU vs GPU operators (%)", d["ratio"],
                                 ChartKind::kPie));
      }
      if (HasObject(d, "general")) {
        row.push_back(ShareChart("fw-general", "General framework operations (%)", d["general"],
                                 ChartKind::kBar));
      }
      if (!row.empty()) s.blocks.push_back(ChartsBlock(std::move(row)));
      for (const char* dev : {"CPU", "GPU"}) {
        if (!HasObject(d, dev)) continue;
        Section sub;
        sub.id = fmt::format("{}-operators", dev == std::string("CPU") ? "cpu" : "gpu");
        sub.title = fmt::format("Overview: {} operators", dev);
        sub.level = 3;
        std::string top;
        double top_v = -1;
        for (const auto& [op, v] : d[dev].items()) {
          if (v.is_number() && v.get<double>() > top_v) {
            top_v = v.get<double>();
            top = op;
          }
        }
        sub.blocks.push_back(Paragraph(fmt::format(
            "The most expensive {} operator was {} with {} % of the {} operator time.", dev,
            top, static_cast<int64_t>(top_v), dev)));
        const std::string total_key = std::string(dev) + "_total";
        sub.blocks.push_back(TableBlock(
            OperatorTable(d[dev], d.contains(total_key) ? d[total_key] : Json(), dev)));
        s.subsections.push_back(std::move(sub));
      }
    }
    if (in_.timeline && !in_.timeline->by_node_phase.empty()) {
      Section sub;
      sub.id = "step-statistics";
      sub.title = "Step duration statistics";
      sub.level = 3;
      sub.blocks.push_back(Paragraph(
          "Duration of the training steps per node (process) and phase, in seconds."));
      Table t;
      t.caption = "Step durations (seconds)";
      t.columns = {"Node", "Phase", "Steps", "mean", "p50", "p95", "p99", "max", "min"};
      t.numeric = {false, false, true, true, true, true, true, true, true};
      for (const NodePhaseSteps& np : in_.timeline->by_node_phase) {
        const StepStats& st = np.stats;
        t.rows.push_back({std::string(in_.store->str(np.node)),
                          std::string(in_.store->str(np.phase)), fmt::format("{}", st.count),
                          FormatNumber(st.mean_s, 4), FormatNumber(st.p50_s, 4),
                          FormatNumber(st.p95_s, 4), FormatNumber(st.p99_s, 4),
                          FormatNumber(st.max_s, 4), FormatNumber(st.min_s, 4)});
      }
      sub.blocks.push_back(TableBlock(std::move(t)));
      s.subsections.push_back(std::move(sub));
    }
    if (s.blocks.empty() && s.subsections.empty()) {
      s.blocks.push_back(Note(Severity::kInfo,
                              "No framework metrics were profiled for this job (no trace "
                              "files under framework/)."));
    }
    return s;
  }

  // ---- Rules summary (§2.4) ----

  // Which stretch of the job the rules evaluated, and what they left out
  // (the descriptive sections always cover all data).
  static Block WindowCoverageNote(const WindowPlan& w) {
    const WindowCoverage& c = w.coverage();
    const auto utc = [](int64_t us) { return FormatUtc(static_cast<double>(us) / 1e6); };
    std::string text =
        w.size() == 0
            ? std::string("The rules evaluated no window of 60 seconds: ")
            : fmt::format("The rules evaluated {} window{} of 60 seconds, from {} to {} UTC. ",
                          w.size(), w.size() == 1 ? "" : "s", utc(w.first_timestamp_us()),
                          utc(w.evaluated_end_us()));
    if (w.size() == 0) {
      text += c.stops_like_sagemaker
                  ? "as in SageMaker, the walk stops before the window that starts at the latest "
                    "file timestamp, and this job's data ends within the first minute. "
                  : "there is no data. ";
    }
    std::vector<std::string> out;
    if (c.system_rows_after > 0) {
      const double s = c.system_seconds_after;
      out.push_back(fmt::format("the last {} of system data ({} sample{})",
                                s < 60 ? fmt::format("{:.0f} s", s) : FormatDuration(s),
                                c.system_rows_after, c.system_rows_after == 1 ? "" : "s"));
    }
    if (c.events_after > 0) {
      out.push_back(fmt::format("{} framework event{} after the last window", c.events_after,
                                c.events_after == 1 ? "" : "s"));
    }
    if (c.system_rows_before > 0 || c.events_before > 0) {
      out.push_back(fmt::format("{} system sample{} and {} framework event{} before the first "
                                "window",
                                c.system_rows_before, c.system_rows_before == 1 ? "" : "s",
                                c.events_before, c.events_before == 1 ? "" : "s"));
    }
    if (out.empty()) {
      text += c.stops_like_sagemaker
                  ? "Every sample and event lies within these windows."
                  : "Every sample and event was evaluated (--analyze-trailing-data); SageMaker "
                    "stops at the latest file timestamp and may evaluate less.";
      return Note(Severity::kInfo, text);
    }
    std::string list;
    for (size_t i = 0; i < out.size(); ++i) {
      list += (i == 0 ? "" : (i + 1 == out.size() ? " and " : ", ")) + out[i];
    }
    text += fmt::format(
        "As in SageMaker, {} are not evaluated by the rules; the other sections of this report "
        "cover all data. Run sm-report build with --analyze-trailing-data to evaluate them too.",
        list);
    return Note(Severity::kInfo, text);
  }

  Section RulesSummary() const {
    Section s;
    s.id = "rules-summary";
    s.title = "Rules summary";
    std::vector<const RuleResult*> rows;
    if (in_.results) {
      for (const RuleResult& r : *in_.results) {
        if (r.name == "OverallSystemUsage" || r.name == "OverallFrameworkMetrics") continue;
        rows.push_back(&r);
      }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const RuleResult* a, const RuleResult* b) {
      return a->triggered > b->triggered;
    });
    s.blocks.push_back(Paragraph(
        "The table lists every rule with its description, recommendation, how many times it "
        "was triggered, how many datapoints it analysed and its parameters. Rules are "
        "evaluated over the job in 60-second windows, so the trigger count is the number of "
        "evaluations (windows, GPUs or samples, depending on the rule) that met the "
        "condition."));
    if (in_.windows) s.blocks.push_back(WindowCoverageNote(*in_.windows));
    if (!rows.empty() && rows[0]->triggered > 0) {
      s.blocks.push_back(Note(
          Severity::kWarning,
          fmt::format("During your training job, the {} rule was the most frequently "
                      "triggered. It processed {} datapoints and was triggered {} times.",
                      rows[0]->name, rows[0]->datapoints, rows[0]->triggered)));
    } else if (!rows.empty()) {
      s.blocks.push_back(Note(Severity::kOk, in_.unavailable_rules.empty()
                                                 ? "No rule was triggered."
                                                 : "No rule that could be read was triggered."));
    }
    if (!in_.unavailable_rules.empty()) {
      s.blocks.push_back(Note(
          Severity::kWarning,
          fmt::format("{} of the rule results could not be read, so the report cannot say "
                      "whether those rules found issues: {}. The table gives the reason for "
                      "each.",
                      in_.unavailable_rules.size(), UnavailableList())));
    }
    if (!in_.disabled_rules.empty()) {
      std::string names;
      for (const std::string& n : in_.disabled_rules) names += (names.empty() ? "" : ", ") + n;
      s.blocks.push_back(Note(Severity::kInfo,
                              fmt::format("Disabled by configuration, so not evaluated and "
                                          "without a rule JSON: {}.",
                                          names)));
    }
    Table t;
    t.caption = "Rules";
    // SageMaker shows description and recommendation in two columns; one
    // column reads better and leaves room for the numbers.
    t.columns = {"Rule", "What it checks, and what to do", "Number of times rule triggered",
                 "Number of datapoints", "Rule parameters"};
    t.numeric = {false, false, true, true, false};
    for (size_t i = 0; i < rows.size(); ++i) {
      const RuleResult& r = *rows[i];
      const Rule* rule = RuleByName(r.name);
      std::string triggered = fmt::format("{}", r.triggered);
      if (r.failed) triggered = "failed: " + r.error;
      t.rows.push_back({r.name, RuleText(rule), triggered, fmt::format("{}", r.datapoints),
                        r.rule_parameters});
      if (r.triggered > 0 || r.failed) t.highlight_rows.push_back(static_cast<int>(i));
    }
    // Rules without a result, last: "unreadable: <file>: <error>" where the
    // trigger count would be (all of them, the two summary rules included).
    for (const RuleStatus& u : in_.unavailable_rules) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
      t.rows.push_back({u.name, RuleText(RuleByName(u.name)),
                        fmt::format("{}: {}", RuleStateName(u.state), u.detail), "-", "-"});
    }
    s.blocks.push_back(TableBlock(std::move(t)));
    return s;
  }

  // ---- Analyzing the training loop (§2.5) ----

  Section TrainingLoop() const {
    Section s;
    s.id = "training-loop";
    s.title = "Analyzing the training loop";
    s.blocks.push_back(Paragraph(
        "The following sections analyse the training loop rule by rule: what each rule "
        "checks, what it found, when and where, and what to do about it."));
    // Order of the original report (docs/rules.md §2.5).
    auto add = [&](const char* name, auto make) {
      if (const RuleResult* r = Result(name)) {
        s.subsections.push_back(make(*r));
      } else if (const RuleStatus* u = Unavailable(name)) {
        Section off;
        off.id = std::string("rule-") + name;
        off.title = name;
        off.level = 3;
        off.blocks.push_back(Note(Severity::kWarning,
                                  UnavailableText(*u, "Its findings cannot be shown.")));
        s.subsections.push_back(std::move(off));
      } else if (IsDisabled(name)) {
        Section off;
        off.id = std::string("rule-") + name;
        off.title = name;
        off.level = 3;
        off.blocks.push_back(Note(Severity::kInfo, fmt::format("The {} rule was disabled.", name)));
        s.subsections.push_back(std::move(off));
      }
    };
    add("StepOutlier", [&](const RuleResult& r) { return StepOutlierSection(r, in_); });
    add("LowGPUUtilization", [&](const RuleResult& r) { return GpuSection(r); });
    add("LoadBalancing", [&](const RuleResult& r) { return LoadBalancingSection(r, in_); });
    add("Dataloader", [&](const RuleResult& r) { return DataloaderSection(r, in_); });
    add("BatchSize", [&](const RuleResult& r) { return BatchSection(r); });
    add("CPUBottleneck", [&](const RuleResult& r) { return BottleneckSection(r, in_, false); });
    add("IOBottleneck", [&](const RuleResult& r) { return BottleneckSection(r, in_, true); });
    add("GPUMemoryIncrease", [&](const RuleResult& r) { return GpuMemorySection(r, in_); });
    return s;
  }

  static std::string WindowTime(const Json& d) {
    const double ts = Num(d, "last_timestamp");
    if (!std::isfinite(ts)) return "";
    return FormatUtc(ts / 1e6) + " UTC";
  }

  Section GpuSection(const RuleResult& r) const {
    Section s;
    s.id = "gpu-utilization";
    s.title = "GPU utilization analysis";
    s.level = 3;
    const std::string p95 = ParamValue(r, "threshold_p95", "70");
    const std::string p5 = ParamValue(r, "threshold_p5", "10");
    const std::string window = ParamValue(r, "window", "500");
    const std::string patience = ParamValue(r, "patience", "1000");
    s.blocks.push_back(Paragraph(fmt::format(
        "The LowGPUUtilization rule looks for GPUs that are underused or whose utilization "
        "fluctuates. It checks each GPU of each node once it has more than {} samples: the "
        "GPU is flagged as underused when the 95th percentile of its last {} samples is "
        "below {} %, and as fluctuating when that 95th percentile is above {} % while the 5th "
        "percentile is below {} %. The rule analysed {} datapoints and triggered {} times.",
        patience, window, p95, p95, p5, r.datapoints, r.triggered)));
    if (r.failed) {
      s.blocks.push_back(Note(Severity::kIssue, "The rule failed: " + r.error));
      return s;
    }
    if (!r.applicable || (r.datapoints == 0 && r.details.empty())) {
      s.blocks.push_back(Note(Severity::kInfo,
                              r.not_applicable_reason.empty()
                                  ? "No GPU utilization was recorded (CPU-only instance or no "
                                    "system metrics), so the rule does not apply."
                                  : r.not_applicable_reason));
      return s;
    }
    if (r.triggered == 0) {
      s.blocks.push_back(Note(Severity::kOk,
                              "No GPU was underused or fluctuating in any evaluated window."));
      return s;
    }
    const std::string when = WindowTime(r.details);
    s.blocks.push_back(Note(
        Severity::kIssue,
        fmt::format("The rule was triggered {} times{}. What to do: check for CPU or I/O "
                    "bottlenecks that starve the GPUs, reduce blocking calls (synchronisation, "
                    "logging) in the training loop, consider a different distributed training "
                    "strategy, or increase the batch size.",
                    r.triggered, when.empty() ? "" : "; it was last triggered in the window "
                                                     "starting " + when)));
    if (!r.findings.empty()) s.blocks.push_back(TableBlock(FindingsTable(r, "p95/p5 of window (%)")));
    for (const auto& [node, gpus] : r.details.items()) {
      if (!gpus.is_object()) continue;
      Chart c;
      c.kind = ChartKind::kBox;
      c.id = "lowgpu-" + node;
      c.title = fmt::format("GPU utilization on node {}", node);
      c.y_label = "Utilization (%)";
      c.y_min = 0;
      c.y_max = 100;
      c.height = 280;
      Table t;
      t.caption = fmt::format("GPUs flagged on node {} (last evaluation)", node);
      t.columns = {"GPU", "Finding", "p95 last window (%)", "p5 last window (%)",
                   "Median (%)", "Max (%)"};
      t.numeric = {false, false, true, true, true, true};
      const double thr95 = std::atof(p95.c_str()), thr5 = std::atof(p5.c_str());
      for (const auto& [gpu, st] : gpus.items()) {
        const double g95 = Num(st, "gpu_95", 0), g5 = Num(st, "gpu_5", 0);
        const bool under = g95 < thr95;
        c.boxes.push_back(BoxFrom(gpu, st, under));
        std::string finding = under ? "underused (p95 below threshold)"
                                    : (g5 < thr5 ? "fluctuating (p5 below threshold)"
                                                 : "flagged");
        if (g95 - g5 > 50) finding += "; fluctuates a lot";
        if (under) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
        t.rows.push_back({gpu, finding, FormatNumber(g95, 1), FormatNumber(g5, 1),
                          FormatNumber(Num(st, "p50", 0), 1),
                          FormatNumber(Num(st, "gpu_max", 0), 1)});
      }
      s.blocks.push_back(TableBlock(std::move(t)));
      s.blocks.push_back(ChartBlock(std::move(c)));
    }
    return s;
  }

  Section BatchSection(const RuleResult& r) const {
    Section s;
    s.id = "batch-size";
    s.title = "Batch size";
    s.level = 3;
    s.blocks.push_back(Paragraph(fmt::format(
        "The BatchSize rule detects GPUs that are underused because the batch is too small: "
        "it flags a GPU when, over the last {} samples, the 95th percentiles of the node's "
        "total CPU utilization, the GPU's utilization and its memory utilization are below "
        "{} %, {} % and {} %, after {} samples. The rule analysed {} datapoints and triggered "
        "{} times.",
        ParamValue(r, "window", "500"), ParamValue(r, "cpu_threshold_p95", "70"),
        ParamValue(r, "gpu_threshold_p95", "70"), ParamValue(r, "gpu_memory_threshold_p95", "70"),
        ParamValue(r, "patience", "1000"), r.datapoints, r.triggered)));
    if (r.failed) {
      s.blocks.push_back(Note(Severity::kIssue, "The rule failed: " + r.error));
      return s;
    }
    if (!r.applicable) {
      s.blocks.push_back(Note(Severity::kInfo, r.not_applicable_reason));
      return s;
    }
    if (r.triggered == 0) {
      s.blocks.push_back(Note(Severity::kOk,
                              "No GPU was found underused with low CPU and GPU memory "
                              "usage; the batch size does not look too small."));
      return s;
    }
    const std::string when = WindowTime(r.details);
    s.blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule was triggered {} times{}. What to do: run on a smaller instance "
                    "type, or increase the batch size so each step gives the GPU more work.",
                    r.triggered, when.empty() ? "" : "; last in the window starting " + when)));
    if (!r.findings.empty()) s.blocks.push_back(TableBlock(FindingsTable(r, "GPU p95 (%)")));
    for (const auto& [node, stats] : r.details.items()) {
      if (!stats.is_object()) continue;
      Chart c;
      c.kind = ChartKind::kBox;
      c.id = "batchsize-" + node;
      c.title = fmt::format("CPU, GPU and GPU memory utilization on node {}", node);
      c.y_label = "Utilization (%)";
      c.y_min = 0;
      c.y_max = 100;
      c.height = 280;
      std::vector<std::string> flagged;
      for (const auto& [key, st] : stats.items()) {
        c.boxes.push_back(BoxFrom(key, st, key != "cpu"));
        if (key != "cpu" && key.find("_memory") == std::string::npos) flagged.push_back(key);
      }
      std::string list;
      for (const auto& g : flagged) list += (list.empty() ? "" : ", ") + g;
      s.blocks.push_back(Paragraph(fmt::format(
          "Flagged on node {}: {}. The box plots show the distribution over the job "
          "(box: 25th to 75th percentile, line: median, whiskers: 1.5 × IQR).",
          node, list.empty() ? std::string("-") : list)));
      s.blocks.push_back(ChartBlock(std::move(c)));
    }
    return s;
  }

  // ---- Data quality (brief; full section in a later stage) ----

  Section DataQuality() const {
    Section s;
    s.id = "data-quality";
    s.title = "Data quality";
    if (in_.store) {
      std::map<std::string, std::tuple<int64_t, uint64_t, int64_t, int64_t>> per_kind;
      for (const FileStats& f : in_.store->files()) {
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
      if (in_.discovery && in_.discovery->python_stats.count > 0) {
        t.rows.push_back({"python_stats (listed, not parsed)",
                          fmt::format("{}", in_.discovery->python_stats.count), "-", "-", "-"});
      }
      s.blocks.push_back(TableBlock(std::move(t)));
    }
    if (in_.diagnostics) {
      const Diagnostics& d = *in_.diagnostics;
      if (d.total() == 0) {
        s.blocks.push_back(Note(Severity::kOk, "All input was read cleanly: nothing was skipped."));
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
        s.blocks.push_back(TableBlock(std::move(t)));
      }
    }
    return s;
  }

  const ReportInputs& in_;
  std::map<std::string, const RuleResult*> results_;
};

}  // namespace

ReportModel BuildReportModel(const ReportInputs& in) { return Builder(in).Build(); }

}  // namespace smr
