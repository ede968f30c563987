// The partial state of StepOutlier's sharded evaluation (step_outlier.cc):
// the steps of each node as the window walk delivered them, with their
// byte form. A node's steps stay whole in one shard; merging two partials
// that both hold a node is an error.
#ifndef SMR_SRC_RULES_STEP_OUTLIER_STATE_H_
#define SMR_SRC_RULES_STEP_OUTLIER_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "smr/state_io.h"
#include "smr/status.h"
#include "src/rules/partial_state.h"

namespace smr::step_outlier {

// The steps of one (node, phase), in the order the walk first delivered
// them (a step crossing a window boundary counts once).
struct PhaseSteps {
  std::string phase;
  std::vector<double> dur_s;
  std::vector<int64_t> steps;    // step numbers
  std::vector<uint64_t> window;  // window of the first delivery (non-decreasing)
};

// The first step event of a node delivered in a window per step number
// (SageMaker's per-window lookup table of the outlier steps' intervals).
struct StepInterval {
  uint64_t window = 0;
  int64_t step = 0;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

struct NodeSteps {
  WalkPos first;                        // the node's first step delivery
  std::vector<PhaseSteps> phases;       // first-seen order
  std::vector<StepInterval> intervals;  // by window, then first delivery
};

// The partial state: the steps of each node (kept whole: a node's files
// are in one shard), keyed by the node's framework id.
struct StepState {
  bool has_framework = false;
  int64_t step_events = 0;  // step events in the store, in windows or not
  std::map<std::string, NodeSteps> nodes;

  Status Merge(StepState&& o) {
    has_framework = has_framework || o.has_framework;
    step_events += o.step_events;
    for (auto& [node, n] : o.nodes) {
      if (!nodes.try_emplace(node, std::move(n)).second) return SplitKeyError("StepOutlier", node);
    }
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_framework);
    out->Put(step_events);
    out->Put<uint64_t>(nodes.size());
    for (const auto& [node, n] : nodes) {
      out->PutString(node);
      out->Put(n.first);
      out->Put<uint64_t>(n.phases.size());
      for (const PhaseSteps& ps : n.phases) {
        out->PutString(ps.phase);
        out->PutVector(ps.dur_s);
        out->PutVector(ps.steps);
        out->PutVector(ps.window);
      }
      out->PutVector(n.intervals);
    }
  }
  void Load(StateReader* in) {
    has_framework = in->Get<bool>();
    step_events = in->Get<int64_t>();
    const auto n_nodes = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n_nodes && in->ok(); ++i) {
      std::string node = in->GetString();
      NodeSteps& n = nodes[node];
      n.first = in->Get<WalkPos>();
      const auto n_phases = in->Get<uint64_t>();
      for (uint64_t k = 0; k < n_phases && in->ok(); ++k) {
        PhaseSteps& ps = n.phases.emplace_back();
        ps.phase = in->GetString();
        ps.dur_s = in->GetVector<double>();
        ps.steps = in->GetVector<int64_t>();
        ps.window = in->GetVector<uint64_t>();
      }
      n.intervals = in->GetVector<StepInterval>();
    }
  }
};

}  // namespace smr::step_outlier

#endif  // SMR_SRC_RULES_STEP_OUTLIER_STATE_H_
