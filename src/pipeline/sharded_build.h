// Sharded evaluation of `sm-report build` (docs/scaling.md): the job's nodes
// in groups (smr/shard.h), read a group at a time (--max-memory) and/or by
// the ranks of an MPI job, each group's partial states merged exactly on
// rank 0 into the very results one process computes from the whole job.
//
// Passes over every group (a group still in memory is not read again):
//   A  facts: the window plan's facts, the data-quality partial, the job
//      digest (steps, series bounds), the PyTorch-profiler analyses;
//   B  rules: every rule's partial over the whole job's windows, the
//      coverage of the plan and the network traffic of the stages;
//   C  only for two-pass rules (the framework correlation of the windows
//      that fired): their second partial, knowing the merged first.
// Rank 0 merges after each pass and broadcasts what the next needs.
#ifndef SMR_SRC_PIPELINE_SHARDED_BUILD_H_
#define SMR_SRC_PIPELINE_SHARDED_BUILD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "smr/analysis.h"
#include "smr/data_quality.h"
#include "smr/discover.h"
#include "smr/kineto_analysis.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "smr/shard.h"
#include "smr/status.h"
#include "src/pipeline/shard_comm.h"

namespace smr {

struct ShardedSpec {
  const Discovery* discovery = nullptr;
  // The rules to evaluate (configured; Kineto-only rules are dropped here
  // when the job has no trace).
  std::vector<std::unique_ptr<Rule>>* rules = nullptr;
  WindowPlanOptions plan_options;
  KinetoOptions kineto_options;
  int jobs = 0;
  // The groups of this process, in the order it reads them.
  std::vector<ShardGroup> groups;
};

// What rank 0 gets.
struct ShardedOutcome {
  std::vector<RuleResult> results;
  std::optional<RuleResult> usage_all;  // OverallSystemUsage over all data
  DataQuality data_quality;
  Diagnostics diagnostics;
  MetricStore summary;  // JobDigest::ToStore()
  JobTimeline timeline;
  WindowPlan windows;  // the whole job's plan (no rows), its coverage summed
  KinetoAnalysis kineto;
  StageTraffic traffic;
  int groups = 0;  // over all ranks
  uint64_t bytes_read = 0;
  int64_t samples = 0, events = 0, kineto_events = 0, traces = 0;
};

// The groups of rank `rank` of `ranks`: the nodes balanced by bytes over
// the ranks, then each rank's share split so that every group fits in
// `max_memory` (0: no limit).
std::vector<ShardGroup> GroupsOfRank(const Discovery& discovery, int rank, int ranks,
                                     uint64_t max_memory);

// Runs on every rank. Rank 0 gets the outcome, the other ranks nullopt. An
// error on any rank (a rank that failed, a node split over two groups) is
// an error on every rank, naming the rank and its host.
StatusOr<std::optional<ShardedOutcome>> EvaluateInShards(const ShardedSpec& spec, ShardComm& comm,
                                                         std::ostream& out);

}  // namespace smr

#endif  // SMR_SRC_PIPELINE_SHARDED_BUILD_H_
