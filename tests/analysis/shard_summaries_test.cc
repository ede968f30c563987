// What a job read in shards merges besides the rules (docs/scaling.md):
// data-quality.json, the job digest's timeline, nodes and first samples,
// and network traffic -- each equal to the whole job's, for any grouping
// and order of merging, also through the byte form.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/data_quality.h"
#include "smr/job_digest.h"
#include "testing/shards.h"

namespace smr {
namespace {

template <typename T>
T ThroughBytes(const T& part) {
  StateWriter w;
  part.Save(&w);
  T back;
  StateReader r(w.bytes());
  EXPECT_TRUE(back.Load(&r).ok());
  EXPECT_TRUE(r.done());
  return back;
}

std::string TimelineText(const MetricStore& store, const JobTimeline& tl) {
  std::string out = std::to_string(tl.has_system) + " " + std::to_string(tl.job_start_s) + " " +
                    std::to_string(tl.job_end_s) + " " + std::to_string(tl.first_step_start_us) +
                    " " + std::to_string(tl.last_step_start_us) + " " +
                    std::to_string(tl.last_step_end_us) + "\n";
  for (const StepEvent& s : tl.steps) {
    out += std::string(store.str(s.node)) + " " + std::string(store.str(s.phase)) + " " +
           std::to_string(s.step) + " " + std::to_string(s.start_us) + " " +
           std::to_string(s.end_us) + "\n";
  }
  for (const NodePhaseSteps& np : tl.by_node_phase) {
    out += std::string(store.str(np.node)) + "/" + std::string(store.str(np.phase)) + " " +
           std::to_string(np.steps.size()) + " " + std::to_string(np.stats.p50_s) + "\n";
  }
  for (const PhaseInterval& p : tl.phases) {
    out += p.label + " " + std::to_string(p.start_us) + " " + std::to_string(p.end_us) + "\n";
  }
  return out;
}

class ShardSummariesTest : public ::testing::TestWithParam<int> {};

TEST_P(ShardSummariesTest, DataQualityOfShardsIsTheWholeJobs) {
  const std::string dir = testing::GeneratedJob("multi-node", 4);
  const auto job = testing::LoadShardedJob(dir, GetParam());
  const std::string whole =
      DataQualityToJson(BuildDataQuality(job->discovery, job->whole.store, job->whole.diagnostics));
  // Merged last to first, each through its byte form.
  DataQualityPartial merged;
  for (size_t i = job->shards.size(); i-- > 0;) {
    DataQualityPartial p =
        ThroughBytes(CollectDataQuality(job->shards[i].store, job->shards[i].diagnostics));
    ASSERT_TRUE(merged.Merge(std::move(p), job->discovery).ok());
  }
  EXPECT_EQ(DataQualityToJson(FinishDataQuality(job->discovery, std::move(merged))), whole);
}

TEST_P(ShardSummariesTest, DigestGivesTheWholeJobsTimelineAndNodes) {
  const std::string dir = testing::GeneratedJob("multi-node", 4);
  const auto job = testing::LoadShardedJob(dir, GetParam());
  const MetricStore& whole = job->whole.store;
  JobDigest merged;
  for (size_t i = job->shards.size(); i-- > 0;) {
    ASSERT_TRUE(merged.Merge(ThroughBytes(CollectJobDigest(job->shards[i].store))).ok());
  }
  const MetricStore digest = merged.ToStore();
  EXPECT_EQ(TimelineText(digest, BuildTimeline(digest)), TimelineText(whole, BuildTimeline(whole)));
  ASSERT_EQ(digest.system_nodes().size(), whole.system_nodes().size());
  for (size_t n = 0; n < whole.system_nodes().size(); ++n) {
    const StrId a = digest.system_nodes()[n], b = whole.system_nodes()[n];
    EXPECT_EQ(digest.str(a), whole.str(b));
    for (MetricKind kind : {MetricKind::kGpuUtilization, MetricKind::kCpuUtilization}) {
      const auto da = digest.SeriesOf(a, kind), wb = whole.SeriesOf(b, kind);
      ASSERT_EQ(da.size(), wb.size());
      // The first samples of each series, in time order.
      for (size_t k = 0; k < da.size(); ++k) {
        const auto rd = digest.SeriesRows(da[k]), rw = whole.SeriesRows(wb[k]);
        ASSERT_GE(rd.size(), std::min<size_t>(rw.size(), JobDigest::kFirstRows));
        for (size_t i = 0; i < std::min<size_t>(rw.size(), JobDigest::kFirstRows); ++i) {
          EXPECT_EQ(digest.system().ts(rd[i]), whole.system().ts(rw[i]));
        }
      }
    }
  }
  EXPECT_EQ(digest.min_system_ts_s(), whole.min_system_ts_s());
  EXPECT_EQ(digest.max_system_ts_s(), whole.max_system_ts_s());
}

TEST_P(ShardSummariesTest, NetworkTrafficOfShardsIsTheWholeJobs) {
  const std::string dir = testing::GeneratedJob("multi-node", 4);
  const auto job = testing::LoadShardedJob(dir, GetParam());
  const MetricStore& whole = job->whole.store;
  const double a = whole.min_system_ts_s(), b = whole.max_system_ts_s();
  for (const auto& [start, end] :
       {std::pair{a, a + 90}, std::pair{b - 100, b + 1}, std::pair{a, b}}) {
    const NetworkBytes w = NetworkBytesBetween(whole, start, end);
    std::vector<SeriesTraffic> parts;
    for (size_t i = job->shards.size(); i-- > 0;) {
      for (const SeriesTraffic& t : NetworkTrafficPerSeries(job->shards[i].store, start, end)) {
        parts.push_back(t);
      }
    }
    const NetworkBytes s = SumNetworkBytes(parts);
    EXPECT_GT(w.algorithm, 0);
    EXPECT_EQ(s.algorithm, w.algorithm);
    EXPECT_EQ(s.platform, w.platform);
  }
}

INSTANTIATE_TEST_SUITE_P(Groups, ShardSummariesTest, ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace smr
