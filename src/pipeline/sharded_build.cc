// Sharded evaluation (sharded_build.h).
// Length: the passes (facts, blocks, rules, second look) and the finish,
// each with the byte form of what it exchanges, read top to bottom in one
// file; the message framing and the group reader are in shard_exchange.cc.
#include "src/pipeline/sharded_build.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/ingest.h"
#include "smr/job_digest.h"
#include "smr/state_io.h"
#include "src/pipeline/shard_exchange.h"

namespace smr {
namespace {

using namespace shard_internal;  // NOLINT: this file's own helpers

// ---- The passes -----------------------------------------------------------

struct FactsPass {
  PlanFacts facts;
  DataQualityPartial dq;
  JobDigest digest;
  std::vector<KinetoAnalysis> kineto;
  uint64_t bytes_read = 0;
  int64_t samples = 0, events = 0, kineto_events = 0, traces = 0;
  int64_t groups = 0;
};

void SaveFacts(const FactsPass& f, StateWriter* w) {
  w->Put(f.facts);
  f.dq.Save(w);
  f.digest.Save(w);
  w->Put<uint64_t>(f.kineto.size());
  for (const KinetoAnalysis& k : f.kineto) SaveKinetoAnalysis(k, w);
  w->Put(f.bytes_read);
  w->Put(f.samples);
  w->Put(f.events);
  w->Put(f.kineto_events);
  w->Put(f.traces);
  w->Put(f.groups);
}

Status MergeFacts(StateReader* r, const Discovery& discovery, FactsPass* into) {
  FactsPass f;
  f.facts = r->Get<PlanFacts>();
  if (Status st = f.dq.Load(r); !st.ok()) return st;
  if (Status st = f.digest.Load(r); !st.ok()) return st;
  const auto n = r->Get<uint64_t>();
  for (uint64_t i = 0; i < n && r->ok(); ++i) {
    KinetoAnalysis k;
    if (Status st = LoadKinetoAnalysis(r, &k); !st.ok()) return st;
    into->kineto.push_back(std::move(k));
  }
  into->facts.Merge(f.facts);
  if (Status st = into->dq.Merge(std::move(f.dq), discovery); !st.ok()) return st;
  if (Status st = into->digest.Merge(std::move(f.digest)); !st.ok()) return st;
  into->bytes_read += r->Get<uint64_t>();
  into->samples += r->Get<int64_t>();
  into->events += r->Get<int64_t>();
  into->kineto_events += r->Get<int64_t>();
  into->traces += r->Get<int64_t>();
  into->groups += r->Get<int64_t>();
  return r->ok() ? Status::Ok() : Status::Error("a rank sent truncated facts");
}

// SMR_FAULT_INJECTION=rank-N-fails makes rank N fail while it reads, for
// the test of a failing rank (tests/pipeline/mpi_test.sh).
void MaybeInjectRankFault(int rank) {
  const char* fault = std::getenv("SMR_FAULT_INJECTION");
  if (fault != nullptr && fmt::format("rank-{}-fails", rank) == fault) {
    throw std::runtime_error("injected fault (SMR_FAULT_INJECTION)");
  }
}

// Pass A over this rank's groups.
FactsPass CollectFacts(const ShardedSpec& spec, int rank, GroupReader* reader) {
  MaybeInjectRankFault(rank);
  FactsPass f;
  f.groups = static_cast<int64_t>(spec.groups.size());
  for (size_t i : ReadOrder(spec.groups.size(), reader->loaded())) {
    const IngestResult& in = reader->Read(spec.groups[i], i);
    f.facts.Merge(CollectPlanFacts(in.store, reader->sub()));
    Status st = f.dq.Merge(CollectDataQuality(in.store, in.diagnostics), *spec.discovery);
    if (!st.ok()) throw std::runtime_error(st.message());
    st = f.digest.Merge(CollectJobDigest(in.store));
    if (!st.ok()) throw std::runtime_error(st.message());
    f.kineto.push_back(AnalyzeKineto(in.store, spec.kineto_options, spec.jobs));
    f.bytes_read += in.bytes_read;
    f.samples += static_cast<int64_t>(in.store.system().size());
    f.events += static_cast<int64_t>(in.store.events().size());
    for (const KinetoTrace& t : in.store.kineto()) {
      f.kineto_events += static_cast<int64_t>(t.events.size());
      ++f.traces;
    }
  }
  return f;
}

// What rank 0 tells every rank after pass A.
struct Plan {
  PlanLayout layout;
  PlanLayout layout_all;  // windows over all data (OverallSystemUsage for the report)
  bool has_kineto = false;
  JobTimeline bounds;  // job start/end and first/last step (no steps)
};

std::string SavePlan(const Plan& p) {
  StateWriter w;
  SaveLayout(p.layout, &w);
  SaveLayout(p.layout_all, &w);
  w.Put(p.has_kineto);
  w.Put(p.bounds.has_system);
  w.Put(p.bounds.job_start_s);
  w.Put(p.bounds.job_end_s);
  w.Put(p.bounds.has_steps);
  w.Put(p.bounds.first_step_start_us);
  w.Put(p.bounds.last_step_end_us);
  return w.Take();
}

Plan LoadPlan(const std::string& bytes) {
  StateReader r(bytes);
  Plan p;
  p.layout = LoadLayout(&r);
  p.layout_all = LoadLayout(&r);
  p.has_kineto = r.Get<bool>();
  p.bounds.has_system = r.Get<bool>();
  p.bounds.job_start_s = r.Get<double>();
  p.bounds.job_end_s = r.Get<double>();
  p.bounds.has_steps = r.Get<bool>();
  p.bounds.first_step_start_us = r.Get<int64_t>();
  p.bounds.last_step_end_us = r.Get<int64_t>();
  return p;
}

// The rule partials of pass B (or C, `second`) over one shard.
void RulePartials(const std::vector<std::unique_ptr<Rule>>& rules,
                  const std::vector<RuleMode>& modes, const AnalysisContext& ctx,
                  const PassState* first, PassState* into) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const bool second = first != nullptr;
    if (second ? modes[i] != RuleMode::kTwoPass
               : modes[i] != RuleMode::kPartial && modes[i] != RuleMode::kTwoPass) {
      continue;
    }
    if (!into->errors[i].empty()) continue;
    try {
      if (second && first->merged[i] == nullptr) continue;
      std::unique_ptr<RulePartial> p =
          second ? rules[i]->SecondPartial(ctx, *first->merged[i]) : rules[i]->Partial(ctx);
      if (Status st = MergeInto(&into->merged[i], std::move(p)); !st.ok()) {
        throw std::runtime_error(st.message());
      }
    } catch (const std::exception& e) {
      into->errors[i] = fmt::format("rule {} failed: {}", rules[i]->name(), e.what());
    }
  }
}

// What another shard's plan left out, added (as WindowPlan::AddCoverage).
void AddCoverage(const WindowCoverage& c, WindowCoverage* into) {
  into->system_rows_after += c.system_rows_after;
  into->system_rows_before += c.system_rows_before;
  into->events_after += c.events_after;
  into->events_before += c.events_before;
  into->system_seconds_after = std::max(into->system_seconds_after, c.system_seconds_after);
}

// Pass B's extras: the plan's coverage, OverallSystemUsage over all data,
// and the network traffic before the first and after the last step.
struct RulesPass {
  PassState rules;
  std::unique_ptr<RulePartial> usage_all;
  std::string usage_all_error;
  WindowCoverage coverage;
  std::vector<SeriesTraffic> init, fin;
};

// The OverallSystemUsage rule, if configured and shardable.
const Rule* UsageRule(const std::vector<std::unique_ptr<Rule>>& rules,
                      const std::vector<RuleMode>& modes) {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i]->name() == "OverallSystemUsage" && modes[i] == RuleMode::kPartial) {
      return rules[i].get();
    }
  }
  return nullptr;
}

void SaveTraffic(const std::vector<SeriesTraffic>& t, StateWriter* w) { w->PutVector(t); }

RuleResult FailedResult(const Rule& rule, std::string error) {
  RuleResult r;
  r.failed = true;
  r.error = std::move(error);
  r.name = std::string(rule.name());
  r.rule_parameters = rule.RuleParameters();
  return r;
}

// A rule's result from its merged partials (EvaluateRule's guarantees: a
// rule that throws fails, the name and parameters are set).
RuleResult FinishRule(const Rule& rule, RuleMode mode, std::unique_ptr<RulePartial> first,
                      std::unique_ptr<RulePartial> second, const AnalysisContext& ctx) {
  if (mode == RuleMode::kAtFinish) return EvaluateRule(rule, ctx);
  RuleResult r;
  try {
    if (first == nullptr) throw std::runtime_error("no partial state reached the merge");
    if (mode == RuleMode::kTwoPass) {
      if (second == nullptr) second = rule.EmptySecondPartial();
      r = rule.FinishTwoPass(std::move(*first), std::move(*second), ctx);
    } else {
      r = rule.Finish(std::move(*first), ctx);
    }
  } catch (const std::exception& e) {
    return FailedResult(rule, fmt::format("rule {} failed: {}", rule.name(), e.what()));
  }
  r.name = std::string(rule.name());
  if (r.rule_parameters.empty()) r.rule_parameters = rule.RuleParameters();
  return r;
}

}  // namespace

std::vector<ShardGroup> GroupsOfRank(const Discovery& discovery, int rank, int ranks,
                                     uint64_t max_memory) {
  std::vector<ShardGroup> of_rank = GroupByNode(discovery, ranks);
  if (rank >= static_cast<int>(of_rank.size())) return {};
  const ShardGroup& mine = of_rank[static_cast<size_t>(rank)];
  if (max_memory == 0) return {mine};
  // This rank's share, split by memory like a whole input.
  const Discovery sub = SubDiscovery(discovery, mine);
  std::vector<ShardGroup> groups = GroupForMemory(sub, max_memory);
  for (ShardGroup& g : groups) {
    for (uint32_t& f : g.files) f = mine.files[f];
  }
  return groups;
}

namespace {

// Pass A on every rank; rank 0 merges the facts into `root` and makes the
// plan every rank gets.
Status RunFactsPass(const ShardedSpec& spec, ShardComm& comm, GroupReader* reader, FactsPass* root,
                    Plan* plan, ShardedOutcome* outcome) {
  std::string mine;
  Status status = Status::Ok();
  try {
    StateWriter w;
    SaveFacts(CollectFacts(spec, comm.rank(), reader), &w);
    mine = w.Take();
  } catch (const std::exception& e) {
    status = Status::Error(RankError(comm, e.what()));
  }
  if (Status st = Exchange(comm, status, std::move(mine),
                           [&](StateReader* in) { return MergeFacts(in, *spec.discovery, root); });
      !st.ok()) {
    return st;
  }
  if (comm.rank() == 0) {
    {
      plan->layout = MakePlanLayout(root->facts, spec.plan_options);
      WindowPlanOptions all_options = spec.plan_options;
      all_options.analyze_trailing_data = true;
      plan->layout_all = MakePlanLayout(root->facts, all_options);
      plan->has_kineto = root->dq.has_kineto;
      outcome->summary = root->digest.ToStore();
      outcome->timeline = BuildTimeline(outcome->summary);
      plan->bounds.has_system = outcome->timeline.has_system;
      plan->bounds.job_start_s = outcome->timeline.job_start_s;
      plan->bounds.job_end_s = outcome->timeline.job_end_s;
      plan->bounds.has_steps = outcome->timeline.has_steps;
      plan->bounds.first_step_start_us = outcome->timeline.first_step_start_us;
      plan->bounds.last_step_end_us = outcome->timeline.last_step_end_us;
    }
  }
  *plan = LoadPlan(comm.Broadcast(comm.rank() == 0 ? SavePlan(*plan) : std::string()));
  return Status::Ok();
}

// A plan of more than 64 Ki windows (a clock jump) needs the blocks that
// hold data: one more look at every group, OR-ed on rank 0.
Status RunBlocksPass(const ShardedSpec& spec, ShardComm& comm, GroupReader* reader, Plan* plan) {
  if (!plan->layout.NeedsBlocks() && !plan->layout_all.NeedsBlocks()) return Status::Ok();
  auto or_into = [](std::vector<uint8_t>* into, const std::vector<uint8_t>& v) {
    if (into->size() < v.size()) into->resize(v.size(), 0);
    for (size_t i = 0; i < v.size(); ++i) (*into)[i] |= v[i];
  };
  std::vector<uint8_t> used, used_all;
  for (size_t i : ReadOrder(spec.groups.size(), reader->loaded())) {
    const IngestResult& in = reader->Read(spec.groups[i], i);
    or_into(&used, UsedWindowBlocks(in.store, plan->layout));
    or_into(&used_all, UsedWindowBlocks(in.store, plan->layout_all));
  }
  StateWriter w;
  w.PutVector(used);
  w.PutVector(used_all);
  const std::vector<std::string> all = comm.Gather(w.Take());
  if (comm.rank() == 0) {
    for (const std::string& m : all) {
      StateReader r(m);
      or_into(&plan->layout.used_blocks, r.GetVector<uint8_t>());
      or_into(&plan->layout_all.used_blocks, r.GetVector<uint8_t>());
    }
  }
  *plan = LoadPlan(comm.Broadcast(comm.rank() == 0 ? SavePlan(*plan) : std::string()));
  return Status::Ok();
}

// Pass B over this rank's groups.
RulesPass CollectRules(const ShardedSpec& spec, const Plan& plan,
                       const std::vector<RuleMode>& modes, GroupReader* reader) {
  const std::vector<std::unique_ptr<Rule>>& rules = *spec.rules;
  RulesPass b;
  b.rules.merged.resize(rules.size());
  b.rules.errors.resize(rules.size());
  const Rule* usage = UsageRule(rules, modes);
  const JobTimeline& t = plan.bounds;
  for (size_t i : ReadOrder(spec.groups.size(), reader->loaded())) {
    const IngestResult& in = reader->Read(spec.groups[i], i);
    const WindowPlan windows(in.store, plan.layout);
    AnalysisContext ctx;
    ctx.store = &in.store;
    ctx.windows = &windows;
    RulePartials(rules, modes, ctx, nullptr, &b.rules);
    AddCoverage(windows.coverage(), &b.coverage);
    if (usage != nullptr && b.usage_all_error.empty()) {
      try {
        const WindowPlan all_windows(in.store, plan.layout_all);
        AnalysisContext all_ctx = ctx;
        all_ctx.windows = &all_windows;
        Status st = MergeInto(&b.usage_all, usage->Partial(all_ctx));
        if (!st.ok()) throw std::runtime_error(st.message());
      } catch (const std::exception& e) {
        b.usage_all_error = e.what();
      }
    }
    if (t.has_system && t.has_steps) {
      for (const SeriesTraffic& s :
           NetworkTrafficPerSeries(in.store, t.job_start_s, t.first_step_start_us / 1e6)) {
        b.init.push_back(s);
      }
      for (const SeriesTraffic& s :
           NetworkTrafficPerSeries(in.store, t.last_step_end_us / 1e6, t.job_end_s + 1)) {
        b.fin.push_back(s);
      }
    }
  }
  return b;
}

std::string SaveRulesPass(const RulesPass& b) {
  StateWriter w;
  SavePass(b.rules, &w);
  w.PutString(b.usage_all_error);
  w.Put<uint8_t>(b.usage_all != nullptr ? 1 : 0);
  if (b.usage_all != nullptr) {
    StateWriter part;
    b.usage_all->Save(&part);
    w.PutString(part.bytes());
  }
  SaveCoverage(b.coverage, &w);
  SaveTraffic(b.init, &w);
  SaveTraffic(b.fin, &w);
  return w.Take();
}

Status MergeRulesPass(StateReader* r, const std::vector<std::unique_ptr<Rule>>& rules,
                      const Rule* usage, RulesPass* into) {
  if (Status st = MergePass(r, rules, false, &into->rules); !st.ok()) return st;
  std::string error = r->GetString();
  if (!error.empty() && into->usage_all_error.empty()) into->usage_all_error = std::move(error);
  if (r->Get<uint8_t>() == 1) {
    const std::string bytes = r->GetString();
    if (usage == nullptr) return Status::Error("a rank sent an unexpected partial");
    std::unique_ptr<RulePartial> p = usage->EmptyPartial();
    StateReader pr(bytes);
    if (Status st = p->Load(&pr); !st.ok()) return st;
    if (Status st = MergeInto(&into->usage_all, std::move(p)); !st.ok()) return st;
  }
  AddCoverage(LoadCoverage(r), &into->coverage);
  for (const SeriesTraffic& t : r->GetVector<SeriesTraffic>()) into->init.push_back(t);
  for (const SeriesTraffic& t : r->GetVector<SeriesTraffic>()) into->fin.push_back(t);
  return r->ok() ? Status::Ok() : Status::Error("a rank sent a truncated rules pass");
}

// Pass C: the two-pass rules' second partials over this rank's groups,
// knowing the merged first partials (broadcast from rank 0).
Status RunSecondPass(const ShardedSpec& spec, ShardComm& comm, const std::vector<RuleMode>& modes,
                     const Plan& plan, GroupReader* reader, PassState* first, PassState* second) {
  const std::vector<std::unique_ptr<Rule>>& rules = *spec.rules;
  bool any = false;
  for (size_t i = 0; i < rules.size(); ++i) any = any || modes[i] == RuleMode::kTwoPass;
  second->merged.resize(rules.size());
  second->errors.resize(rules.size());
  if (!any) return Status::Ok();
  // Every rank gets the merged first partials of the two-pass rules.
  PassState firsts;
  firsts.merged.resize(rules.size());
  firsts.errors = first->errors;
  StateWriter w;
  if (comm.rank() == 0) {
    for (size_t i = 0; i < rules.size(); ++i) {
      const bool send = modes[i] == RuleMode::kTwoPass && first->merged[i] != nullptr;
      w.Put<uint8_t>(send ? 1 : 0);
      if (!send) continue;
      StateWriter part;
      first->merged[i]->Save(&part);
      w.PutString(part.bytes());
    }
  }
  const std::string bytes = comm.Broadcast(w.Take());
  StateReader r(bytes);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (r.Get<uint8_t>() == 0) continue;
    const std::string part = r.GetString();
    if (comm.rank() == 0) {
      firsts.merged[i] = nullptr;  // rank 0 keeps its own
      continue;
    }
    std::unique_ptr<RulePartial> p = rules[i]->EmptyPartial();
    StateReader pr(part);
    if (Status st = p->Load(&pr); !st.ok()) return st;
    firsts.merged[i] = std::move(p);
  }
  PassState& use = comm.rank() == 0 ? *first : firsts;
  PassState mine;
  mine.merged.resize(rules.size());
  mine.errors.resize(rules.size());
  Status st = Status::Ok();
  try {
    for (size_t i : ReadOrder(spec.groups.size(), reader->loaded())) {
      const IngestResult& in = reader->Read(spec.groups[i], i);
      const WindowPlan windows(in.store, plan.layout);
      AnalysisContext ctx;
      ctx.store = &in.store;
      ctx.windows = &windows;
      RulePartials(rules, modes, ctx, &use, &mine);
    }
  } catch (const std::exception& e) {
    st = Status::Error(RankError(comm, e.what()));
  }
  StateWriter out;
  if (st.ok()) SavePass(mine, &out);
  return Exchange(comm, st, out.Take(),
                  [&](StateReader* in) { return MergePass(in, rules, true, second); });
}

}  // namespace

// Length: the three passes and the finish, each a few calls.
StatusOr<std::optional<ShardedOutcome>> EvaluateInShards(const ShardedSpec& spec, ShardComm& comm,
                                                         std::ostream& out) {
  std::vector<std::unique_ptr<Rule>>& rules = *spec.rules;
  const bool root = comm.rank() == 0;
  GroupReader reader(*spec.discovery, spec.jobs);
  FactsPass facts;
  Plan plan;
  ShardedOutcome outcome;
  if (Status st = RunFactsPass(spec, comm, &reader, &facts, &plan, &outcome); !st.ok()) return st;
  if (Status st = RunBlocksPass(spec, comm, &reader, &plan); !st.ok()) return st;
  DropKinetoRules(plan.has_kineto, &rules);
  std::vector<RuleMode> modes;
  for (const std::unique_ptr<Rule>& rule : rules) {
    modes.push_back(ModeOf(*rule));
    if (modes.back() == RuleMode::kUnsupported) {
      return Status::Error(fmt::format(
          "rule {} cannot be evaluated a group of nodes at a time; run it without --max-memory "
          "on one process",
          rule->name()));
    }
  }
  if (root) {
    out << fmt::format("read the facts of {} files in {} groups; evaluating the rules\n",
                       spec.discovery->files.size(), facts.groups);
  }

  // Pass B.
  const Rule* usage = UsageRule(rules, modes);
  RulesPass merged;
  merged.rules.merged.resize(rules.size());
  merged.rules.errors.resize(rules.size());
  {
    Status st = Status::Ok();
    std::string mine;
    try {
      mine = SaveRulesPass(CollectRules(spec, plan, modes, &reader));
    } catch (const std::exception& e) {
      st = Status::Error(RankError(comm, e.what()));
    }
    uint64_t bytes = 0;
    st = Exchange(
        comm, st, std::move(mine),
        [&](StateReader* in) { return MergeRulesPass(in, rules, usage, &merged); }, &bytes);
    if (!st.ok()) return st;
    if (root) {
      out << fmt::format("merged {:.1f} MB of rule partial states from {} rank{}\n",
                         static_cast<double>(bytes) / 1e6, comm.size(),
                         comm.size() == 1 ? "" : "s");
    }
  }
  // Pass C.
  PassState second;
  if (Status st = RunSecondPass(spec, comm, modes, plan, &reader, &merged.rules, &second);
      !st.ok()) {
    return st;
  }
  if (!root) return std::optional<ShardedOutcome>();

  // Finish on rank 0.
  MetricStore no_data;
  outcome.windows = WindowPlan(no_data, plan.layout);
  outcome.windows.AddCoverage(merged.coverage);
  outcome.kineto = MergeKinetoAnalyses(std::move(facts.kineto));
  AnalysisContext ctx;
  ctx.store = &no_data;
  ctx.timeline = &outcome.timeline;
  ctx.windows = &outcome.windows;
  ctx.kineto = &outcome.kineto;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!merged.rules.errors[i].empty() || !second.errors[i].empty()) {
      outcome.results.push_back(FailedResult(
          *rules[i], !merged.rules.errors[i].empty() ? merged.rules.errors[i] : second.errors[i]));
      continue;
    }
    outcome.results.push_back(FinishRule(*rules[i], modes[i], std::move(merged.rules.merged[i]),
                                         std::move(second.merged[i]), ctx));
  }
  const WindowCoverage& cov = outcome.windows.coverage();
  if (usage != nullptr && (cov.system_rows_after != 0 || cov.system_rows_before != 0)) {
    if (merged.usage_all_error.empty()) {
      const WindowPlan all_windows(no_data, plan.layout_all);
      AnalysisContext all_ctx = ctx;
      all_ctx.windows = &all_windows;
      outcome.usage_all =
          FinishRule(*usage, RuleMode::kPartial, std::move(merged.usage_all), nullptr, all_ctx);
    } else {
      outcome.usage_all = FailedResult(*usage, merged.usage_all_error);
    }
  }
  outcome.diagnostics = facts.dq.diagnostics;
  outcome.data_quality = FinishDataQuality(*spec.discovery, std::move(facts.dq));
  outcome.traffic.initialization = SumNetworkBytes(std::move(merged.init));
  outcome.traffic.finalization = SumNetworkBytes(std::move(merged.fin));
  outcome.bytes_read = facts.bytes_read;
  outcome.samples = facts.samples;
  outcome.events = facts.events;
  outcome.kineto_events = facts.kineto_events;
  outcome.traces = facts.traces;
  outcome.groups = static_cast<int>(facts.groups);
  return std::optional<ShardedOutcome>(std::move(outcome));
}

}  // namespace smr
