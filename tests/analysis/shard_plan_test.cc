// The window plan of a job read in shards of nodes (smr/analysis.h,
// PlanFacts / PlanLayout): every shard walks the whole job's windows, each
// record lands in the windows it lands in when the job is read whole, and
// keeps its place in the whole input's reader order (RowOrder/EventOrder).
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "testing/shards.h"

namespace smr {
namespace {

// (window, reader-order place) of every system row / event the plan
// delivers, sorted.
std::vector<std::pair<size_t, uint64_t>> Delivered(const MetricStore& store, const WindowPlan& plan,
                                                   bool events) {
  std::vector<std::pair<size_t, uint64_t>> out;
  for (size_t w = 0; w < plan.size(); ++w) {
    if (events) {
      for (uint32_t e : plan.events(w)) out.emplace_back(w, store.EventOrder(e));
    } else {
      for (uint32_t r : plan.system_rows(w)) out.emplace_back(w, store.RowOrder(r));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectSamePlan(const testing::ShardedJob& job) {
  const WindowPlan& whole = job.whole_plan;
  ASSERT_EQ(job.global_plan.size(), whole.size());
  EXPECT_EQ(job.global_plan.first_timestamp_us(), whole.first_timestamp_us());
  for (size_t w = 0; w < whole.size(); ++w) {
    EXPECT_EQ(job.global_plan.start_us(w), whole.start_us(w));
  }
  for (bool events : {false, true}) {
    std::vector<std::pair<size_t, uint64_t>> sharded;
    for (size_t i = 0; i < job.shards.size(); ++i) {
      ASSERT_EQ(job.plans[i].size(), whole.size());
      const auto d = Delivered(job.shards[i].store, job.plans[i], events);
      sharded.insert(sharded.end(), d.begin(), d.end());
    }
    std::sort(sharded.begin(), sharded.end());
    EXPECT_EQ(sharded, Delivered(job.whole.store, whole, events)) << (events ? "events" : "rows");
  }
  WindowCoverage sum;
  for (const WindowPlan& p : job.plans) {
    sum.system_rows_after += p.coverage().system_rows_after;
    sum.system_rows_before += p.coverage().system_rows_before;
    sum.events_after += p.coverage().events_after;
    sum.events_before += p.coverage().events_before;
    EXPECT_EQ(p.coverage().latest_file_ts_us, whole.coverage().latest_file_ts_us);
  }
  EXPECT_EQ(sum.system_rows_after, whole.coverage().system_rows_after);
  EXPECT_EQ(sum.system_rows_before, whole.coverage().system_rows_before);
  EXPECT_EQ(sum.events_after, whole.coverage().events_after);
  EXPECT_EQ(sum.events_before, whole.coverage().events_before);
}

TEST(ShardPlanTest, ShardsWalkTheWholeJobsWindows) {
  const std::string dir = testing::GeneratedJob("multi-node", 4);
  for (bool trailing : {false, true}) {
    WindowPlanOptions options;
    options.analyze_trailing_data = trailing;
    for (int groups = 1; groups <= 4; ++groups) {
      SCOPED_TRACE(std::to_string(groups) + " groups" + (trailing ? ", trailing" : ""));
      const auto job = testing::LoadShardedJob(dir, groups, options);
      ASSERT_EQ(job->shards.size(), static_cast<size_t>(groups));
      ExpectSamePlan(*job);
    }
  }
}

TEST(ShardPlanTest, RecordsKeepTheirPlaceInTheWholeInput) {
  const std::string dir = testing::GeneratedJob("multi-node", 4);
  const auto job = testing::LoadShardedJob(dir, 3);
  const MetricStore& whole = job->whole.store;
  std::map<uint64_t, size_t> row_of;
  for (size_t r = 0; r < whole.system().size(); ++r) row_of[whole.RowOrder(r)] = r;
  ASSERT_EQ(row_of.size(), whole.system().size()) << "RowOrder is not one-to-one";
  size_t rows = 0;
  for (const IngestResult& shard : job->shards) {
    const MetricStore& s = shard.store;
    for (size_t r = 0; r < s.system().size(); ++r, ++rows) {
      const auto it = row_of.find(s.RowOrder(r));
      ASSERT_NE(it, row_of.end());
      ASSERT_EQ(s.system().ts(r), whole.system().ts(it->second));
      ASSERT_EQ(s.system().value(r), whole.system().value(it->second));
      ASSERT_EQ(s.str(s.series()[s.system().series(r)].node),
                whole.str(whole.series()[whole.system().series(it->second)].node));
    }
  }
  EXPECT_EQ(rows, whole.system().size());
  std::map<uint64_t, size_t> event_of;
  for (size_t e = 0; e < whole.events().size(); ++e) event_of[whole.EventOrder(e)] = e;
  ASSERT_EQ(event_of.size(), whole.events().size());
  for (const IngestResult& shard : job->shards) {
    const MetricStore& s = shard.store;
    for (size_t e = 0; e < s.events().size(); ++e) {
      const auto it = event_of.find(s.EventOrder(e));
      ASSERT_NE(it, event_of.end());
      ASSERT_EQ(s.events().start_us[e], whole.events().start_us[it->second]);
      ASSERT_EQ(s.str(s.events().name[e]), whole.str(whole.events().name[it->second]));
    }
  }
}

}  // namespace
}  // namespace smr
