// Test builder for the rules on Kineto traces: a KinetoAnalysis put
// together by hand (the analyses are tested on their own), next to an empty
// SageMaker store, and the context the rules read.
//
//   KinetoFixture f;
//   KinetoRankAnalysis& r0 = f.Rank(0);
//   f.Step(&r0, 1, 0, 100 * kMs).cpu.dataloader_ns = 5 * kMs;
//   RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
#ifndef SMR_TESTS_RULES_KINETO_BUILDER_H_
#define SMR_TESTS_RULES_KINETO_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "smr/kineto_analysis.h"
#include "tests/testing/store_builder.h"

namespace smr::testing {

constexpr int64_t kMs = 1'000'000;  // ns
// Epoch ns of the traces' first event (2024-01-01 00:00:00 UTC).
constexpr int64_t kT0 = 1'704'067'200'000'000'000;

struct KinetoFixture {
  KinetoFixture() : built(TestData().Build()) {}

  // A rank with GPU activity starting at kT0 (ranks are added in order).
  KinetoRankAnalysis& Rank(int64_t rank) {
    KinetoRankAnalysis a;
    a.rank = rank;
    a.trace = static_cast<uint32_t>(k.ranks.size());
    a.file = "rank" + std::to_string(rank) + ".pt.trace.json";
    a.has_gpu = true;
    a.start_ns = kT0;
    a.end_ns = kT0;
    a.gpu_steps.start_ns = kT0;
    a.gpu_steps.end_ns = kT0;
    k.ranks.push_back(std::move(a));
    return k.ranks.back();
  }
  // Appends step `number` of `duration_ns` at kT0 + offset_ns and widens the
  // rank's span and stepped span to cover it.
  static KinetoStep& Step(KinetoRankAnalysis* rank, int64_t number, int64_t offset_ns,
                          int64_t duration_ns) {
    KinetoStep s;
    s.number = number;
    s.name = "ProfilerStep#" + std::to_string(number);
    s.start_ns = kT0 + offset_ns;
    s.end_ns = s.start_ns + duration_ns;
    s.window_end_ns = s.end_ns;
    s.gpu.start_ns = s.start_ns;
    s.gpu.end_ns = s.end_ns;
    rank->end_ns = std::max(rank->end_ns, s.end_ns);
    rank->gpu_steps.end_ns = std::max(rank->gpu_steps.end_ns, s.end_ns);
    rank->steps.push_back(std::move(s));
    return rank->steps.back();
  }

  AnalysisContext ctx() const {
    AnalysisContext c = built->ctx();
    c.kineto = &k;
    return c;
  }

  KinetoAnalysis k;
  std::unique_ptr<BuiltData> built;
};

}  // namespace smr::testing

#endif  // SMR_TESTS_RULES_KINETO_BUILDER_H_
