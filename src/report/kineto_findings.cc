// Findings of the rules on Kineto traces (kineto_findings.h).
#include "src/report/kineto_findings.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "smr/report_builder.h"
#include "src/report/findings.h"
#include "src/report/param_defaults.h"

namespace smr {
namespace report_internal {
namespace {

using Json = nlohmann::ordered_json;

struct KinetoWords {
  const char* rule;
  const char* title;
  const char* action;
};

const KinetoWords kWords[] = {
    {"DataloaderBound", "Data loading stalls the training steps",
     "Load the next batches in the background: raise the DataLoader's num_workers (up to the "
     "CPU cores per GPU), set pin_memory=True and persistent_workers=True, raise "
     "prefetch_factor, and move heavy preprocessing out of the loop (precompute it or run it on "
     "the GPU)."},
    {"HostBound", "The GPU waits for the CPU to launch work",
     "Make the host side of the step cheaper: torch.compile or CUDA graphs remove Python and "
     "launch overhead, avoid .item()/.cpu()/printing tensors inside the loop, and give the GPU "
     "more work per launch (larger batch, fused optimizers)."},
    {"CommunicationBound", "Communication is not overlapped with computation",
     "Overlap gradient communication with the backward pass: tune DDP's bucket_cap_mb, "
     "accumulate gradients over several micro-batches inside model.no_sync(), and check the "
     "interconnect (NCCL over NVLink/EFA rather than TCP)."},
    {"Straggler", "One rank is consistently late and the others wait for it",
     "Look at the straggler rank's host: its data loading (slower or larger shards), other "
     "processes competing for its CPU, a throttled or slower GPU, and its network links; give "
     "every rank the same amount of work."},
    {"SyncCopies", "The host blocks on the GPU: synchronization and synchronous copies",
     "Avoid .item(), .cpu(), .numpy() and printing tensors inside the loop (log every N "
     "steps), drop explicit torch.cuda.synchronize() calls, and copy inputs with "
     "non_blocking=True from pinned memory (DataLoader pin_memory=True)."},
    {"SmallKernels", "Launch overhead dominates: many tiny GPU kernels",
     "Launch fewer, larger kernels: torch.compile (mode=\"reduce-overhead\" uses CUDA graphs) "
     "or capture the step with torch.cuda.graphs, use fused or foreach optimizers and fused "
     "layers, and raise the batch size."},
};

const KinetoWords* WordsOf(const std::string& rule) {
  for (const KinetoWords& w : kWords) {
    if (rule == w.rule) return &w;
  }
  return nullptr;
}

double Num(const Json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_number() ? o[key].get<double>() : 0.0;
}

std::string Pct(double v) { return FormatNumber(v, 1) + " %"; }

// The worst step of an entry: " Worst step: 12 (30.0 %)." ("" without one).
std::string WorstStep(const Json& e, const char* key, bool percent) {
  if (!e.contains("worst_steps") || !e["worst_steps"].is_array() || e["worst_steps"].empty()) {
    return "";
  }
  const Json& w = e["worst_steps"][0];
  const double v = Num(w, key);
  return fmt::format(" Worst step: {} ({}).", w.value("step", int64_t{-1}),
                     percent ? Pct(v) : FormatNumber(v, 1) + " ms");
}

std::string Evidence(const RuleResult& r, const std::string& rank, const Json& e) {
  const auto param = [&](const char* k) { return ParamValue(r, k); };
  if (r.name == "DataloaderBound") {
    return fmt::format(
        "{}: data loading takes {} of the median step (threshold {} %): {} of {} of step time "
        "over {} steps, {} steps above the threshold.{}",
        rank, Pct(Num(e, "median_share")), param("threshold"),
        ShortDuration(Num(e, "dataloader_s")), ShortDuration(Num(e, "step_time_s")),
        Num(e, "steps"), Num(e, "steps_above"), WorstStep(e, "share", true));
  }
  if (r.name == "HostBound") {
    return fmt::format(
        "{}: the GPU waits for kernel launches {} of the stepped time (threshold {} %): {} of {}, "
        "GPU idle {} in all.{}",
        rank, Pct(Num(e, "host_wait_share")), param("threshold"),
        ShortDuration(Num(e, "host_wait_s")), ShortDuration(Num(e, "wall_s")),
        ShortDuration(Num(e, "idle_s")), WorstStep(e, "share", true));
  }
  if (r.name == "CommunicationBound") {
    return fmt::format(
        "{}: exposed communication takes {} of the stepped time (threshold {} %): {} exposed of "
        "{} of communication ({} overlapped with computation).{}",
        rank, Pct(Num(e, "exposed_share")), param("threshold"), ShortDuration(Num(e, "exposed_s")),
        ShortDuration(Num(e, "communication_s")), Pct(Num(e, "overlapped_share")),
        WorstStep(e, "share", true));
  }
  if (r.name == "Straggler") {
    return fmt::format(
        "{} finished {} of {} common steps ({}) last by more than {} % of the median step "
        "(ratio {} %); the other ranks waited {} for it in all.{}",
        rank, Num(e, "late_steps"), Num(r.details, "steps"), Pct(Num(e, "late_share")),
        param("threshold"), param("ratio"), ShortDuration(Num(e, "late_s")),
        WorstStep(e, "late_by_ms", false));
  }
  if (r.name == "SyncCopies") {
    return fmt::format(
        "{}: the host is blocked {} of the stepped time (threshold {} %): {} sync calls for {}, "
        "{} synchronous copies for {}; {} pageable copies per step (max_pageable {}).",
        rank, Pct(Num(e, "blocked_share")), param("threshold"), Num(e, "sync_calls"),
        ShortDuration(Num(e, "sync_s")), Num(e, "sync_copies"),
        ShortDuration(Num(e, "sync_copy_s")), FormatNumber(Num(e, "pageable_per_step"), 1),
        param("max_pageable"));
  }
  if (r.name == "SmallKernels") {
    return fmt::format(
        "{}: {} of {} GPU events are shorter than {} µs (threshold {} %) while the GPU is busy "
        "{} of the time (busy_threshold {} %); launch calls take {} for {} of GPU work.",
        rank, Pct(Num(e, "short_share")), Num(e, "gpu_events"), Num(e, "short_kernel_us"),
        param("threshold"), Pct(Num(e, "busy_share")), param("busy_threshold"),
        ShortDuration(Num(e, "launch_call_s")), ShortDuration(Num(e, "gpu_event_s")));
  }
  return "";
}

}  // namespace

bool IsKinetoRule(const std::string& rule) { return WordsOf(rule) != nullptr; }

std::string ShortDuration(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  const double a = std::fabs(seconds);
  if (a >= 60) return FormatDuration(seconds);
  if (a >= 1) return FormatNumber(seconds, 2) + " s";
  if (a >= 1e-3) return FormatNumber(seconds * 1e3, 1) + " ms";
  return FormatNumber(seconds * 1e6, 0) + " µs";
}

FindingItem KinetoRuleFinding(const RuleResult& r, double* cost_s) {
  const KinetoWords* words = WordsOf(r.name);
  FindingItem item;
  item.rule = r.name;
  item.stage = StageName(Stage::kTraining);
  item.title = words ? words->title : "Rule fired";
  item.action = words ? words->action : "";
  *cost_s = Num(r.details, "estimated_saving_s");
  if (*cost_s > 0) {
    item.impact = fmt::format("Estimated cost: {} over the profiled steps", ShortDuration(*cost_s));
  }
  // The firing ranks (from the JSON: every rank with "triggered": true)
  // and the one with the largest saving-driving value.
  const Json empty = Json::object();
  const Json& ranks = r.details.contains("ranks") ? r.details["ranks"] : empty;
  std::string where, worst;
  double worst_value = -1;
  for (const RuleFinding& f : r.findings) {
    where += (where.empty() ? "" : ", ") + f.node;
    if (f.value > worst_value) worst_value = f.value, worst = f.node;
  }
  if (r.findings.empty() && ranks.is_object()) {
    for (const auto& [key, e] : ranks.items()) {
      if (!e.value("triggered", false)) continue;
      where += (where.empty() ? "" : ", ") + key;
      if (worst.empty()) worst = key;
    }
  }
  item.where = where;
  if (!worst.empty() && ranks.is_object() && ranks.contains(worst)) {
    item.evidence = Evidence(r, worst, ranks[worst]);
  }
  return item;
}

}  // namespace report_internal
}  // namespace smr
