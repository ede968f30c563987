// CorrelationPartial / CorrelationReplay (framework_correlation.h): the
// correlation of events split over partials, merged in any order and
// through the byte form, writes what FrameworkCorrelation writes over all
// of them, batch after batch.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smr/rule.h"
#include "smr/state_io.h"
#include "src/rules/framework_correlation.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using Interval = FrameworkCorrelation::Interval;

struct Batch {
  uint64_t id;
  std::vector<Interval> intervals;
};

CorrelationPartial Collect(const MetricStore& store, const std::vector<uint32_t>& events,
                           const std::vector<Batch>& batches) {
  std::vector<RowRun> runs;
  for (uint32_t e : events) runs.push_back({e, e + 1});
  const RowRuns rr(runs.data(), runs.data() + runs.size());
  CorrelationPartial p;
  for (const Batch& b : batches) p.AddBatch(b.id, store, rr, b.intervals);
  return p;
}

CorrelationPartial ThroughBytes(const CorrelationPartial& p) {
  StateWriter w;
  p.Save(&w);
  StateReader r(w.bytes());
  CorrelationPartial back;
  back.Load(&r);
  EXPECT_TRUE(r.done());
  return back;
}

// The rule's own key before each batch, as a rule writes between batches.
std::string Replay(const CorrelationPartial& merged, const std::vector<Batch>& batches) {
  const CorrelationReplay replay(merged);
  nlohmann::ordered_json d = nlohmann::ordered_json::object();
  for (const Batch& b : batches) {
    d[fmt::format("rule{}", b.id)] = b.id;
    replay.WriteBatch(b.id, b.intervals.size(), &d);
  }
  return DumpPythonJson(d);
}

TEST(CorrelationPartialTest, SplitEventsGiveTheSameKeysOrderAndTotals) {
  const char* phases[] = {"forward:CPU",
                          "backward:CPU",
                          "kernels:GPU",
                          "DataLoader",
                          "Step:ModeKeys.TRAIN",
                          "Forward-SubModuleInternal",
                          "Backward-SubModuleInternal",
                          "x:GPU"};
  int with_passes = 0, with_horovod = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    testing::TestData d;
    d.FrameworkFile("1-algo-1", 1'000'000'000);
    const int n_events = 20 + pick(60);
    for (int e = 0; e < n_events; ++e) {
      const int64_t start = 1'000'000'000 + pick(100) * 100'000;
      d.Event("algo-1-1", phases[pick(8)], fmt::format("op{}", pick(5)), start,
              start + 1 + pick(30) * 100'000, -1,
              pick(10) == 0 ? TraceSource::kHorovodTimeline : TraceSource::kPythonTimeline);
    }
    auto built = d.Build();
    // Batches in one-process order: some windows with several calls (as
    // StepOutlier makes), some without intervals.
    std::vector<Batch> batches;
    for (uint64_t w = 0; w < 4; ++w) {
      for (uint64_t k = 0; k < static_cast<uint64_t>(1 + pick(3)); ++k) {
        Batch b{(w << 32) | k, {}};
        for (int i = pick(5); i > 0; --i) {
          const double a = 1'000'000'000.0 + pick(120) * 100'000.0;
          b.intervals.push_back({a, a + (pick(2) == 0 ? 0 : pick(20) * 100'000.0)});
        }
        batches.push_back(std::move(b));
      }
    }
    // One process.
    FrameworkCorrelation whole;
    nlohmann::ordered_json expected = nlohmann::ordered_json::object();
    std::vector<RowRun> all{{0, static_cast<uint32_t>(n_events)}};
    for (const Batch& b : batches) {
      expected[fmt::format("rule{}", b.id)] = b.id;
      whole.AddBatch(built->store, RowRuns(all.data(), all.data() + 1), b.intervals, &expected);
    }
    // Events dealt to three partials at random.
    std::vector<std::vector<uint32_t>> parts(3);
    for (uint32_t e = 0; e < static_cast<uint32_t>(n_events); ++e) parts[pick(3)].push_back(e);
    CorrelationPartial a = Collect(built->store, parts[0], batches);
    CorrelationPartial b = ThroughBytes(Collect(built->store, parts[1], batches));
    CorrelationPartial c = Collect(built->store, parts[2], batches);
    ASSERT_TRUE(c.Merge(std::move(b)).ok());
    ASSERT_TRUE(c.Merge(ThroughBytes(a)).ok());
    EXPECT_EQ(Replay(c, batches), DumpPythonJson(expected)) << "seed " << seed;
    with_passes += expected.contains("forward_backward") ? 1 : 0;
    with_horovod += expected.contains("horovod") ? 1 : 0;
  }
  // The random jobs reach every key group.
  EXPECT_GT(with_passes, 0);
  EXPECT_GT(with_horovod, 0);
}

}  // namespace
}  // namespace smr
