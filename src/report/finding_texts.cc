// Wording of the findings (finding_texts.h).
#include "src/report/finding_texts.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>

#include <fmt/format.h>

#include "smr/store.h"
#include "src/report/blocks.h"
#include "src/report/param_defaults.h"

namespace smr {
namespace report_internal {
namespace {

constexpr double kWindowS = 60.0;

const char kInitAdvice[] =
    "This happens before the first step: data download, preprocessing or model set-up. Stream "
    "or shard the input (FastFile or Pipe mode) instead of downloading all of it first, "
    "preprocess the data once and store the result, and look for slow set-up code.";
const char kFinAdvice[] =
    "This happens after the last step: model and checkpoint upload, a final evaluation or "
    "shut-down. Save checkpoints asynchronously or less often, upload smaller artifacts, and "
    "end the job as soon as training ends.";

struct RuleWords {
  const char* rule;
  const char* title;   // in the training loop
  const char* advice;  // in the training loop
};

const RuleWords kWords[] = {
    {"CPUBottleneck", "CPU bottleneck: the GPUs wait while CPU cores are saturated",
     "Move preprocessing and augmentation to the GPU or precompute it, use more data-loader "
     "workers if cores are free, or choose an instance with more CPU cores per GPU."},
    {"IOBottleneck", "I/O bottleneck: the GPUs wait for data to be read",
     "Prefetch and cache the data, read larger sequential chunks in a binary record format "
     "(TFRecord, RecordIO, WebDataset shards), and use faster storage or FastFile mode."},
    {"LoadBalancing", "Unbalanced GPUs: some GPUs do much less work than others",
     "Check that every rank gets the same amount of data (DistributedSampler, equal shards), "
     "that the model is split evenly, and that no rank does extra work such as logging or "
     "evaluation on its own."},
    {"LowGPUUtilization", "Low GPU utilization",
     "Find what the GPUs wait for: data loading (see the CPU and I/O sections), blocking "
     "synchronization, or a batch too small for the GPU; increase the batch size or overlap "
     "data loading with compute."},
    {"BatchSize", "GPUs under-used: the batch size may be too small",
     "Increase the batch size (scale the learning rate with it) or run on a smaller instance "
     "type."},
    {"Dataloader", "The number of data-loader processes does not fit the CPU cores",
     "Set the data loader's worker count (num_workers) near the number of CPU cores: more "
     "workers when they are too few to keep the GPUs fed, fewer when they compete for cores."},
    {"GPUMemoryIncrease", "GPU memory keeps growing: risk of running out of memory",
     "Look for tensors kept across steps (accumulated losses or outputs still attached to the "
     "graph, growing caches); if the growth is expected, choose a GPU with more memory."},
    {"StepOutlier", "Slow steps: some steps take much longer than the others",
     "Look for what runs at those steps: checkpoints, evaluation, logging, garbage collection "
     "or a data-shard switch; make it asynchronous or less frequent."},
    {"MaxInitializationTime", "Long initialization before the first step", kInitAdvice},
};

const RuleWords& WordsOf(const std::string& rule) {
  for (const RuleWords& w : kWords) {
    if (rule == w.rule) return w;
  }
  static const RuleWords kAny = {"", "Rule fired", "See the rule's section."};
  return kAny;
}

std::string TimeOfDay(double epoch_s) { return FormatUtc(epoch_s).substr(11); }

// "algo-1 gpu3, 2024-06-14 08:45:00–09:06:00 UTC" from the firings.
// "2024-06-14 08:45:00–09:06:00 UTC": the first to the last window.
std::string SpanText(const std::vector<const RuleFinding*>& firings) {
  if (firings.empty()) return "";
  int64_t first = firings[0]->window_start_us, last = first;
  for (const RuleFinding* f : firings) {
    first = std::min(first, f->window_start_us);
    last = std::max(last, f->window_start_us);
  }
  return fmt::format("{}–{} UTC", FormatUtc(first / 1e6), TimeOfDay(last / 1e6 + kWindowS));
}

std::string WhereText(const std::vector<const RuleFinding*>& firings) {
  if (firings.empty()) return "";
  std::map<std::string, std::set<std::string>, bool (*)(std::string_view, std::string_view)>
      devices(NaturalLess);
  for (const RuleFinding* f : firings) {
    if (!f->node.empty() || !f->device.empty()) devices[f->node].insert(f->device);
  }
  std::string where;
  int shown = 0;
  for (const auto& [node, devs] : devices) {
    if (++shown > 3) {
      where += fmt::format("; and {} more node{}", devices.size() - 3,
                           devices.size() - 3 == 1 ? "" : "s");
      break;
    }
    std::vector<std::string> d(devs.begin(), devs.end());
    std::sort(d.begin(), d.end(), NaturalLess);
    std::string list;
    for (size_t i = 0; i < d.size() && i < 8; ++i) list += (i ? ", " : "") + d[i];
    if (d.size() > 8) list += fmt::format(" and {} more", d.size() - 8);
    where += fmt::format("{}{}{}", where.empty() ? "" : "; ", node.empty() ? "" : node,
                         list.empty() ? "" : (node.empty() ? "" : " ") + list);
  }
  const std::string span = SpanText(firings);
  return where.empty() ? span : where + ", " + span;
}

// LoadBalancing's pairs: the GPUs that appear in every pair of their node
// are the odd ones out ("algo-1 gpu3 against gpu0, gpu1, gpu2").
std::string BalanceWhere(const std::vector<const RuleFinding*>& firings) {
  std::map<std::string, std::set<std::string>> pairs;
  for (const RuleFinding* f : firings) pairs[f->node].insert(f->device);
  std::string where;
  for (const auto& [node, ps] : pairs) {
    std::map<std::string, size_t> count;
    for (const std::string& p : ps) {
      const size_t slash = p.find('/');
      ++count[p.substr(0, slash)];
      if (slash != std::string::npos) ++count[p.substr(slash + 1)];
    }
    std::vector<std::string> odd, rest;
    for (const auto& [dev, n] : count) (n == ps.size() ? odd : rest).push_back(dev);
    std::sort(odd.begin(), odd.end(), NaturalLess);
    std::sort(rest.begin(), rest.end(), NaturalLess);
    const auto join = [](const std::vector<std::string>& v) {
      std::string out;
      for (size_t i = 0; i < v.size() && i < 8; ++i) out += (i ? ", " : "") + v[i];
      if (v.size() > 8) out += fmt::format(" and {} more", v.size() - 8);
      return out;
    };
    const std::string text =
        odd.size() == 1 && !rest.empty()
            ? fmt::format("{} {} against {}", node, join(odd), join(rest))
            : fmt::format("{} {}", node, join(std::vector<std::string>(ps.begin(), ps.end())));
    where += (where.empty() ? "" : "; ") + text;
    if (pairs.size() > 3 && where.size() > 200) break;
  }
  return where + ", " + SpanText(firings);
}

std::pair<double, double> ValueRange(const std::vector<const RuleFinding*>& firings) {
  double lo = firings.empty() ? 0 : firings[0]->value, hi = lo;
  for (const RuleFinding* f : firings) {
    lo = std::min(lo, f->value);
    hi = std::max(hi, f->value);
  }
  return {lo, hi};
}

std::string Range(std::pair<double, double> r, int decimals) {
  if (FormatNumber(r.first, decimals) == FormatNumber(r.second, decimals)) {
    return FormatNumber(r.first, decimals);
  }
  return fmt::format("{}–{}", FormatNumber(r.first, decimals), FormatNumber(r.second, decimals));
}

std::string Evidence(const std::string& rule, const RuleResult& r,
                     const std::vector<const RuleFinding*>& firings, int cores) {
  const auto range = ValueRange(firings);
  const std::string windows =
      Plural(static_cast<int64_t>(DistinctWindows(firings)), "window", "windows");
  if (rule == "CPUBottleneck" || rule == "IOBottleneck") {
    const bool cpu = rule == "CPUBottleneck";
    return fmt::format(
        "In {}, {} % of the datapoints had a GPU below {} % while a core was {} {} % (the rule "
        "fires above {} %).",
        windows, Range(range, 1), ParamValue(r, "gpu_threshold"),
        cpu ? "busy above" : "waiting on I/O above",
        ParamValue(r, cpu ? "cpu_threshold" : "io_threshold"), ParamValue(r, "threshold"));
  }
  if (rule == "LoadBalancing") {
    return fmt::format(
        "Jensen-Shannon distance between GPU utilization histograms up to {} (threshold {}) in "
        "{}, with mean utilizations at least {} points apart.",
        FormatNumber(range.second, 2), ParamValue(r, "threshold"), windows,
        ParamValue(r, "min_difference"));
  }
  if (rule == "LowGPUUtilization") {
    return fmt::format(
        "{}: p95 utilization below {} % (under-used) or p5 below {} % (fluctuating); the "
        "statistic ranged {} %.",
        Plural(static_cast<int64_t>(firings.size()), "GPU window", "GPU windows"),
        ParamValue(r, "threshold_p95"), ParamValue(r, "threshold_p5"), Range(range, 1));
  }
  if (rule == "BatchSize") {
    return fmt::format(
        "{} with GPU, CPU and GPU-memory p95 all below their thresholds; GPU p95 {} %.",
        Plural(static_cast<int64_t>(firings.size()), "GPU window", "GPU windows"), Range(range, 1));
  }
  if (rule == "Dataloader") {
    std::string expect = fmt::format("{}–{} % of the CPU cores", ParamValue(r, "min_threshold"),
                                     ParamValue(r, "max_threshold"));
    if (cores > 0) {
      expect += fmt::format(" ({} cores: {}–{} processes)", cores,
                            FormatNumber(cores * ParamNumber(r, "min_threshold", 70) / 100, 1),
                            FormatNumber(cores * ParamNumber(r, "max_threshold", 200) / 100, 1));
    }
    return fmt::format(
        "A median of {} data-loader processes ran in parallel in {}; the rule "
        "expects {}.",
        Range(range, 1), windows, expect);
  }
  if (rule == "GPUMemoryIncrease") {
    return fmt::format(
        "The moving average of GPU memory rose by up to {} points (threshold {}) in {}.",
        FormatNumber(range.second, 1), ParamValue(r, "increase"), windows);
  }
  return fmt::format("Fired {} times.", r.triggered);
}

}  // namespace

size_t DistinctWindows(const std::vector<const RuleFinding*>& firings) {
  std::set<int64_t> w;
  for (const RuleFinding* f : firings) w.insert(f->window_start_us);
  return w.size();
}

double ParamNumber(const RuleResult& r, const std::string& key, double fallback) {
  const std::string v = ParamValue(r, key);
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  return end != v.c_str() ? d : fallback;
}

FindingItem RuleFindingItem(const std::string& rule, const RuleResult& r, Stage stage,
                            const std::vector<const RuleFinding*>& firings, size_t taken, int gpus,
                            const ReportContext& ctx) {
  int cores = 0;
  if (const MetricStore* store = SummaryStore(ctx.in()); store && !store->system_nodes().empty()) {
    cores = static_cast<int>(
        store->SeriesOf(store->system_nodes()[0], MetricKind::kCpuUtilization).size());
  }
  FindingItem item;
  item.rule = rule;
  item.stage = StageName(stage);
  item.where = rule == "LoadBalancing" ? BalanceWhere(firings) : WhereText(firings);
  item.evidence = Evidence(rule, r, firings, cores);
  if (taken > 0) {
    item.evidence += fmt::format(
        " LowGPUUtilization or BatchSize reported {} idle in {} (the job has {} GPU{}); that "
        "idle time is counted here.",
        rule == "LoadBalancing" ? "these GPUs" : "GPUs in the same windows",
        Plural(static_cast<int64_t>(taken), "GPU window", "GPU windows"), gpus,
        gpus == 1 ? "" : "s");
  }
  const bool symptom = rule == "LowGPUUtilization" || rule == "BatchSize";
  switch (stage) {
    case Stage::kInitialization:
      item.title = symptom ? "GPUs idle before the first step"
                           : std::string(WordsOf(rule).title) + ", before the first step";
      item.action = kInitAdvice;
      break;
    case Stage::kFinalization:
      item.title = symptom ? "GPUs idle after the last step"
                           : std::string(WordsOf(rule).title) + ", after the last step";
      item.action = kFinAdvice;
      break;
    default:
      item.title = WordsOf(rule).title;
      item.action = WordsOf(rule).advice;
  }
  if (rule == "Dataloader" && cores > 0 && !firings.empty()) {
    const double median = ValueRange(firings).second;
    const bool few = median < cores * ParamNumber(r, "min_threshold", 70) / 100;
    item.title = few ? "Too few data-loader processes for the CPU cores"
                     : "Too many data-loader processes for the CPU cores";
    item.action = few ? fmt::format(
                            "Only about {} data-loader processes ran in parallel on {} "
                            "cores: increase the data loader's worker count "
                            "(num_workers) towards the number of cores.",
                            FormatNumber(median, 0), cores)
                      : fmt::format(
                            "About {} data-loader processes ran in parallel on {} cores: "
                            "reduce the worker count so that they do not compete for "
                            "cores with the training process.",
                            FormatNumber(median, 0), cores);
  }
  item.severity = Severity::kWarning;
  return item;
}

FindingItem InitializationFinding(const RuleResult& r, double init_s, const std::string& traffic,
                                  const ReportContext& ctx) {
  FindingItem item;
  item.rule = r.name;
  item.stage = StageName(Stage::kInitialization);
  item.severity = Severity::kIssue;
  item.title = init_s > 0 ? fmt::format("Initialization took {} before the first step",
                                        FormatDuration(init_s))
                          : std::string(WordsOf(r.name).title);
  const JobTimeline* tl = ctx.in().timeline;
  if (tl && tl->has_steps && tl->has_system) {
    item.where = fmt::format("from the job start at {} to the first step at {} UTC",
                             FormatUtc(tl->job_start_s), TimeOfDay(tl->first_step_start_us / 1e6));
  }
  item.evidence =
      fmt::format("MaxInitializationTime allows {} minutes.", ParamValue(r, "threshold"));
  if (!traffic.empty()) item.evidence += " " + traffic;
  item.action = kInitAdvice;
  return item;
}

FindingItem StepOutlierFinding(const RuleResult& r, const StepOutlierCost& c) {
  FindingItem item;
  item.rule = r.name;
  item.stage = StageName(Stage::kTraining);
  item.severity = Severity::kWarning;
  item.title = WordsOf(r.name).title;
  if (c.outliers == 0) {
    item.evidence = fmt::format("Fired {} times.", r.triggered);
  } else {
    std::string steps;
    int shown = 0;
    for (int64_t s : c.steps) {
      if (++shown > 6) {
        steps += fmt::format(" and {} more", c.steps.size() - 6);
        break;
      }
      steps += fmt::format("{}{}", shown > 1 ? ", " : "", s);
    }
    item.where =
        fmt::format("{} on {}: step{} {}", Plural(c.outliers, "slow step", "slow steps"),
                    Plural(c.ranks, "rank", "ranks"), c.steps.size() == 1 ? "" : "s", steps);
    item.evidence = fmt::format(
        "{} of {} steps took longer than the mean + {} standard deviations of their rank and "
        "phase, up to {}× the median step.",
        c.outliers, c.total_steps, ParamValue(r, "stddev"), FormatNumber(c.worst_ratio, 1));
  }
  item.action = WordsOf(r.name).advice;
  return item;
}

FindingItem LongStageFinding(Stage stage, double seconds, double job_s) {
  FindingItem item;
  item.stage = StageName(stage);
  item.severity = Severity::kWarning;
  const bool init = stage == Stage::kInitialization;
  item.title = fmt::format("{} took {} % of the job ({})", init ? "Initialization" : "Finalization",
                           FormatNumber(100.0 * seconds / job_s, 1), FormatDuration(seconds));
  item.action = init ? kInitAdvice : kFinAdvice;
  item.anchor = "training-job-summary";
  return item;
}

FindingItem FromJsonOnly(const RuleResult& r) {
  FindingItem item;
  item.rule = r.name;
  item.stage = StageName(Stage::kJob);
  item.severity = r.name == "MaxInitializationTime" ? Severity::kIssue : Severity::kWarning;
  item.title = WordsOf(r.name).title;
  item.evidence = fmt::format(
      "Fired {} times over {} datapoints (read from the rule's JSON, which does not say where or "
      "when).",
      r.triggered, r.datapoints);
  item.action = WordsOf(r.name).advice;
  return item;
}

std::string TrafficText(Stage stage, const NetworkBytes& nb) {
  if (nb.platform + nb.algorithm < 1e6) return "";
  const bool init = stage == Stage::kInitialization;
  return fmt::format(
      "{} of SageMaker platform traffic ({}) and {} of the training container's own traffic "
      "went over the network {}.",
      FormatBytes(nb.platform), init ? "input download" : "model and checkpoint upload",
      FormatBytes(nb.algorithm), init ? "before the first step" : "after the last step");
}

std::string ImpactText(double seconds, double job_s) {
  if (job_s <= 0) return fmt::format("Estimated cost: {}", FormatDuration(seconds));
  return fmt::format("Estimated cost: {} ({} % of the job)", FormatDuration(seconds),
                     FormatNumber(100.0 * seconds / job_s, 1));
}

}  // namespace report_internal
}  // namespace smr
