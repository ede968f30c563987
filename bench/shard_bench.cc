// Benchmarks of sharded evaluation (docs/scaling.md): what the partial
// states of the rules cost to compute, to send (their size per node) and to
// merge and finish on rank 0, on a generated 8-node job read one node a
// shard. The model of docs/scaling.md uses these figures.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "samples/generator/generator.h"
#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/rule.h"
#include "smr/shard.h"
#include "smr/state_io.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

constexpr int kNodes = 8;

struct ShardFixture {
  fs::path dir;
  Discovery discovery;
  std::vector<Discovery> sub;
  std::vector<IngestResult> shards;
  std::vector<WindowPlan> plans;
  PlanLayout layout;
  MetricStore no_data;
  WindowPlan global;
  std::vector<std::unique_ptr<Rule>> rules;
  uint64_t input_bytes = 0;

  AnalysisContext Shard(size_t i) const {
    AnalysisContext ctx;
    ctx.store = &shards[i].store;
    ctx.windows = &plans[i];
    return ctx;
  }
};

ShardFixture* MakeShardFixture() {
  auto* f = new ShardFixture;
  f->dir = fs::temp_directory_path() / ("smr-shard-bench-" + std::to_string(getpid()));
  samplegen::Scenario sc;
  samplegen::MakeScenario("multi-node", &sc);
  sc.nodes = kNodes;
  sc.gpus = 8;
  sc.cpus = 64;
  sc.interval_ms = 100;
  sc.minutes = 10;
  samplegen::Summary summary;
  std::string error;
  if (!samplegen::Generate(sc, f->dir.string(), &summary, &error)) {
    std::fprintf(stderr, "smr_bench: cannot generate data: %s\n", error.c_str());
    std::exit(1);
  }
  StatusOr<Discovery> d = DiscoverInputs(f->dir.string());
  if (!d.ok()) std::exit(1);
  f->discovery = std::move(*d);
  f->input_bytes = f->discovery.TotalBytes();
  PlanFacts facts;
  for (const ShardGroup& g : GroupByNode(f->discovery, kNodes)) {
    f->sub.push_back(SubDiscovery(f->discovery, g));
    IngestOptions io;
    io.jobs = 1;
    f->shards.push_back(ImportAll(f->sub.back(), io));
    facts.Merge(CollectPlanFacts(f->shards.back().store, f->sub.back()));
  }
  f->layout = MakePlanLayout(facts);
  for (const IngestResult& s : f->shards) f->plans.emplace_back(s.store, f->layout);
  f->global = WindowPlan(f->no_data, f->layout);
  for (std::unique_ptr<Rule>& r : CreateBuiltinRules()) {
    if (r->EmptyPartial() != nullptr) f->rules.push_back(std::move(r));
  }
  return f;
}

ShardFixture& Shards() {
  static ShardFixture* f = MakeShardFixture();
  // The generated job is removed when the benchmarks end.
  static const struct Cleanup {
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(f->dir, ec);
    }
  } cleanup;
  return *f;
}

// Every rule's partial over one node's shard (what each rank computes).
void BM_RulePartials(benchmark::State& state) {
  const ShardFixture& f = Shards();
  for (auto _ : state) {
    for (const std::unique_ptr<Rule>& rule : f.rules) {
      std::unique_ptr<RulePartial> p = rule->Partial(f.Shard(0));
      benchmark::DoNotOptimize(p.get());
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.input_bytes / kNodes));
}
BENCHMARK(BM_RulePartials)->Unit(benchmark::kMillisecond);

// Rank 0's share: load every node's partials from their byte form, merge
// them and finish every rule. Counter state_bytes_per_node: what one node
// sends.
void BM_MergeAndFinish(benchmark::State& state) {
  const ShardFixture& f = Shards();
  std::vector<std::vector<std::string>> bytes(f.rules.size());
  size_t total = 0;
  for (size_t r = 0; r < f.rules.size(); ++r) {
    for (size_t i = 0; i < f.shards.size(); ++i) {
      StateWriter w;
      f.rules[r]->Partial(f.Shard(i))->Save(&w);
      total += w.bytes().size();
      bytes[r].push_back(w.Take());
    }
  }
  AnalysisContext ctx;
  ctx.store = &f.no_data;
  ctx.windows = &f.global;
  for (auto _ : state) {
    for (size_t r = 0; r < f.rules.size(); ++r) {
      const Rule& rule = *f.rules[r];
      std::unique_ptr<RulePartial> merged;
      for (const std::string& b : bytes[r]) {
        std::unique_ptr<RulePartial> p = rule.EmptyPartial();
        StateReader in(b);
        if (!p->Load(&in).ok()) state.SkipWithError("load failed");
        if (merged == nullptr) {
          merged = std::move(p);
        } else if (!merged->Merge(std::move(*p)).ok()) {
          state.SkipWithError("merge failed");
        }
      }
      if (rule.two_pass()) {
        benchmark::DoNotOptimize(merged.get());  // the second pass needs the shards again
        continue;
      }
      RuleResult res = rule.Finish(std::move(*merged), ctx);
      benchmark::DoNotOptimize(res.triggered);
    }
  }
  state.counters["state_bytes_per_node"] = static_cast<double>(total) / kNodes;
  state.counters["input_bytes_per_node"] = static_cast<double>(f.input_bytes) / kNodes;
}
BENCHMARK(BM_MergeAndFinish)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smr
