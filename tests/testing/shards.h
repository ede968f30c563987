// Sharded evaluation in tests (docs/scaling.md): a job read whole and read
// as shards of nodes, and the check that a rule's partials, merged in any
// order (and through their byte form), finish into exactly the result the
// rule gives on the whole job.
#ifndef SMR_TESTS_TESTING_SHARDS_H_
#define SMR_TESTS_TESTING_SHARDS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "samples/generator/generator.h"
#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/rule.h"
#include "smr/shard.h"
#include "smr/state_io.h"
#include "testing/scratch.h"

namespace smr {
namespace testing {

// A generated job (smr-sample-gen's scenario with `nodes` nodes and
// `minutes` minutes), written once per test binary run.
inline std::string GeneratedJob(const std::string& scenario, int nodes, double minutes = 6,
                                int gpus = -1) {
  const std::string name = scenario + "-" + std::to_string(nodes) + "n-" +
                           std::to_string(static_cast<int>(minutes * 10)) + "-" +
                           std::to_string(gpus);
  const std::filesystem::path dir = ScratchRoot() / "jobs" / name;
  if (std::filesystem::exists(dir / "system")) return dir.string();
  samplegen::Scenario sc;
  EXPECT_TRUE(samplegen::MakeScenario(scenario, &sc)) << scenario;
  sc.nodes = nodes;
  sc.minutes = minutes;
  if (gpus >= 0) sc.gpus = gpus;
  samplegen::Summary summary;
  std::string error;
  EXPECT_TRUE(samplegen::Generate(sc, dir.string(), &summary, &error)) << error;
  return dir.string();
}

// One job read whole and as shards.
struct ShardedJob {
  Discovery discovery;
  IngestResult whole;
  WindowPlan whole_plan;
  // The shards: their files, stores and windows (over the whole job's
  // layout, made from the merged facts of the shards).
  std::vector<ShardGroup> groups;
  std::vector<Discovery> sub;
  std::vector<IngestResult> shards;
  std::vector<WindowPlan> plans;
  PlanLayout layout;
  // The whole job's context without raw data (what Rule::Finish gets).
  MetricStore no_data;
  WindowPlan global_plan;

  AnalysisContext WholeContext() const {
    AnalysisContext ctx;
    ctx.store = &whole.store;
    ctx.windows = &whole_plan;
    return ctx;
  }
  AnalysisContext ShardContext(size_t i) const {
    AnalysisContext ctx;
    ctx.store = &shards[i].store;
    ctx.windows = &plans[i];
    return ctx;
  }
  AnalysisContext FinishContext() const {
    AnalysisContext ctx;
    ctx.store = &no_data;
    ctx.windows = &global_plan;
    return ctx;
  }
};

inline std::unique_ptr<ShardedJob> LoadShardedJob(const std::string& dir, int groups,
                                                  WindowPlanOptions options = {}) {
  auto job = std::make_unique<ShardedJob>();
  StatusOr<Discovery> d = DiscoverInputs(dir);
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return job;
  job->discovery = std::move(*d);
  IngestOptions io;
  io.jobs = 2;
  job->whole = ImportAll(job->discovery, io);
  job->whole_plan = WindowPlan(job->whole.store, job->discovery, options);
  job->groups = GroupByNode(job->discovery, groups);
  PlanFacts facts;
  for (const ShardGroup& g : job->groups) {
    job->sub.push_back(SubDiscovery(job->discovery, g));
    job->shards.push_back(ImportAll(job->sub.back(), io));
    facts.Merge(CollectPlanFacts(job->shards.back().store, job->sub.back()));
  }
  job->layout = MakePlanLayout(facts, options);
  if (job->layout.NeedsBlocks()) {
    job->layout.used_blocks.assign(static_cast<size_t>((job->layout.n_full + 1023) / 1024), 0);
    for (const IngestResult& s : job->shards) {
      const std::vector<uint8_t> used = UsedWindowBlocks(s.store, job->layout);
      for (size_t b = 0; b < used.size(); ++b) job->layout.used_blocks[b] |= used[b];
    }
  }
  for (const IngestResult& s : job->shards) job->plans.emplace_back(s.store, job->layout);
  job->global_plan = WindowPlan(job->no_data, job->layout);
  return job;
}

// Everything of a result that reaches an output: its JSON, and the states
// and firings (RuleResult::findings) that the report and findings.json show.
inline std::string Fingerprint(const RuleResult& r) {
  std::string out = RuleResultToJson(r);
  out += "\napplicable " + std::to_string(r.applicable) + ": " + r.not_applicable_reason;
  out += "\nnot evaluated: " + r.not_evaluated_reason;
  out += "\nfailed " + std::to_string(r.failed) + ": " + r.error;
  for (const RuleFinding& f : r.findings) {
    out += "\nfired " + std::to_string(f.window_start_us) + " " + f.node + " " + f.device + " " +
           DumpPythonJson(nlohmann::ordered_json(f.value));
  }
  return out;
}

// A partial through its byte form (Save, then Load into an empty one).
inline std::unique_ptr<RulePartial> RoundTrip(const Rule& rule, const RulePartial& p) {
  StateWriter w;
  p.Save(&w);
  std::unique_ptr<RulePartial> back = rule.EmptyPartial();
  StateReader r(w.bytes());
  const Status st = back->Load(&r);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(r.done()) << rule.name() << ": Load left bytes unread";
  return back;
}

// A second-pass partial through its byte form.
inline std::unique_ptr<RulePartial> RoundTrip2(const Rule& rule, const RulePartial& p) {
  StateWriter w;
  p.Save(&w);
  std::unique_ptr<RulePartial> back = rule.EmptySecondPartial();
  StateReader r(w.bytes());
  const Status st = back->Load(&r);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(r.done()) << rule.name() << ": Load (second pass) left bytes unread";
  return back;
}

// The rule's result on the whole job (Fingerprint: JSON, states, firings)
// must equal the one finished from the shards' partials merged left to right, right to left
// (through the byte form) and pairwise.
inline void ExpectShardedEqualsWhole(const Rule& rule, const ShardedJob& job) {
  const RuleResult whole = EvaluateRule(rule, job.WholeContext());
  ASSERT_FALSE(whole.failed) << whole.error;
  const std::string expected = Fingerprint(whole);
  auto partials = [&] {
    std::vector<std::unique_ptr<RulePartial>> ps;
    for (size_t i = 0; i < job.shards.size(); ++i) ps.push_back(rule.Partial(job.ShardContext(i)));
    return ps;
  };
  // Two-pass rules: the second pass over every shard with the merged first
  // partial, merged left to right.
  auto finish = [&](std::unique_ptr<RulePartial> merged) {
    RuleResult r;
    if (rule.two_pass()) {
      std::unique_ptr<RulePartial> second;
      for (size_t i = 0; i < job.shards.size(); ++i) {
        std::unique_ptr<RulePartial> p =
            RoundTrip2(rule, *rule.SecondPartial(job.ShardContext(i), *merged));
        if (second == nullptr) {
          second = std::move(p);
        } else {
          EXPECT_TRUE(second->Merge(std::move(*p)).ok());
        }
      }
      r = rule.FinishTwoPass(std::move(*merged), std::move(*second), job.FinishContext());
    } else {
      r = rule.Finish(std::move(*merged), job.FinishContext());
    }
    r.name = std::string(rule.name());
    if (r.rule_parameters.empty()) r.rule_parameters = rule.RuleParameters();
    return Fingerprint(r);
  };
  {  // left to right
    std::vector<std::unique_ptr<RulePartial>> ps = partials();
    ASSERT_NE(ps[0], nullptr) << rule.name() << " has no partial";
    for (size_t i = 1; i < ps.size(); ++i) ASSERT_TRUE(ps[0]->Merge(std::move(*ps[i])).ok());
    EXPECT_EQ(finish(std::move(ps[0])), expected)
        << rule.name() << ", left to right, " << job.shards.size() << " shards";
  }
  {  // right to left, each through its byte form
    std::vector<std::unique_ptr<RulePartial>> ps = partials();
    std::unique_ptr<RulePartial> acc = RoundTrip(rule, *ps.back());
    for (size_t i = ps.size() - 1; i-- > 0;) {
      // The later shards absorb the earlier one: merging commutes.
      std::unique_ptr<RulePartial> p = RoundTrip(rule, *ps[i]);
      ASSERT_TRUE(acc->Merge(std::move(*p)).ok());
    }
    EXPECT_EQ(finish(std::move(acc)), expected)
        << rule.name() << ", right to left, " << job.shards.size() << " shards";
  }
  {  // pairwise: (0+1) + (2+3) ...
    std::vector<std::unique_ptr<RulePartial>> ps = partials();
    while (ps.size() > 1) {
      std::vector<std::unique_ptr<RulePartial>> next;
      for (size_t i = 0; i + 1 < ps.size(); i += 2) {
        ASSERT_TRUE(ps[i]->Merge(std::move(*ps[i + 1])).ok());
        next.push_back(std::move(ps[i]));
      }
      if (ps.size() % 2 == 1) next.push_back(std::move(ps.back()));
      ps = std::move(next);
    }
    EXPECT_EQ(finish(std::move(ps[0])), expected)
        << rule.name() << ", pairwise, " << job.shards.size() << " shards";
  }
}

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_SHARDS_H_
