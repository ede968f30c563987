// What the sharded GPU rules (LowGPUUtilization, GPUMemoryIncrease,
// LoadBalancing) share: the byte form of a finished result and of findings,
// the first-seen order of NodeGpuTable rebuilt from each key's first walk
// position, and the partial of a shard in which SageMaker's memory guard
// fired.
//
// The guard (rule_util.h, kMaxDatapoints) drops the lists of every GPU of
// every node once one list grows too long: it couples all nodes. A list
// holds the samples of one (node, GPU), all of them in one shard, so the
// guard fires in the whole job exactly when it fires inside some shard.
// Such a shard finishes its result on its own (OneShardResult); it is exact
// only if no other shard holds data of the rule, and merging it with one
// that does is an error.
#ifndef SMR_SRC_RULES_GPU_PARTIAL_H_
#define SMR_SRC_RULES_GPU_PARTIAL_H_

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "smr/state_io.h"
#include "smr/status.h"
#include "src/rules/partial_state.h"
#include "src/rules/rule_util.h"

namespace smr {

inline void PutFindings(const std::vector<RuleFinding>& findings, StateWriter* out) {
  out->Put<uint64_t>(findings.size());
  for (const RuleFinding& f : findings) {
    out->Put(f.window_start_us);
    out->PutString(f.node);
    out->PutString(f.device);
    out->Put(f.value);
  }
}

inline std::vector<RuleFinding> GetFindings(StateReader* in) {
  std::vector<RuleFinding> findings;
  const auto n = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    RuleFinding f;
    f.window_start_us = in->Get<int64_t>();
    f.node = in->GetString();
    f.device = in->GetString();
    f.value = in->Get<double>();
    findings.push_back(std::move(f));
  }
  return findings;
}

// A finished result in bytes (Details as MessagePack: key order, integers
// and doubles, NaN included, come back as they were).
inline void PutResult(const RuleResult& r, StateWriter* out) {
  out->PutString(r.name);
  out->Put(r.triggered);
  out->Put(r.violations);
  out->Put(r.datapoints);
  out->PutVector(nlohmann::ordered_json::to_msgpack(r.details));
  out->PutString(r.rule_parameters);
  out->Put(r.failed);
  out->PutString(r.error);
  out->Put(r.applicable);
  out->PutString(r.not_applicable_reason);
  out->PutString(r.not_evaluated_reason);
  PutFindings(r.findings, out);
}

inline RuleResult GetResult(StateReader* in) {
  RuleResult r;
  r.name = in->GetString();
  r.triggered = in->Get<int64_t>();
  r.violations = in->Get<int64_t>();
  r.datapoints = in->Get<int64_t>();
  const std::vector<uint8_t> details = in->GetVector<uint8_t>();
  if (in->ok()) {
    r.details = nlohmann::ordered_json::from_msgpack(details, true, false);
    if (r.details.is_discarded()) r.details = nlohmann::ordered_json::object();
  }
  r.rule_parameters = in->GetString();
  r.failed = in->Get<bool>();
  r.error = in->GetString();
  r.applicable = in->Get<bool>();
  r.not_applicable_reason = in->GetString();
  r.not_evaluated_reason = in->GetString();
  r.findings = GetFindings(in);
  return r;
}

// The result of a shard in which the memory guard fired (see above), or
// nothing.
struct OneShardResult {
  std::optional<RuleResult> result;

  // `rule`: the rule's name; `other_has_data`: whether the other partial
  // holds samples of the rule. Error when the guard fired in one of the two
  // and the other holds data.
  Status Merge(std::string_view rule, bool has_data, OneShardResult&& other, bool other_has_data) {
    if ((result && other_has_data) || (other.result && has_data)) {
      return Status::Error(fmt::format(
          "{}: a GPU has more than {} samples, so SageMaker's memory guard drops the samples of "
          "every GPU; such a job cannot be split into shards for this rule",
          rule, kMaxDatapoints));
    }
    if (!result) result = std::move(other.result);
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(result.has_value());
    if (result) PutResult(*result, out);
  }
  void Load(StateReader* in) {
    result.reset();
    if (in->Get<bool>()) result = GetResult(in);
  }
};

// SplitKeyError for the first node both lists hold (a node's samples must
// all be in one shard).
inline Status NodesApart(std::string_view rule, const std::vector<std::string_view>& a,
                         const std::vector<std::string_view>& b) {
  std::vector<std::string_view> sa = a, sb = b;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  std::vector<std::string_view> both;
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(both));
  return both.empty() ? Status::Ok() : SplitKeyError(rule, both.front());
}

// NodeGpuTable's order, rebuilt: `node[i]` and `first[i]` are key i's node
// and the walk position of its first sample. Returns the keys' indices in
// the table's order (nodes by their first key, a node's keys by their first
// sample).
inline std::vector<size_t> NodeGpuTableOrder(const std::vector<std::string_view>& node,
                                             const std::vector<WalkPos>& first) {
  std::vector<size_t> by_first(node.size());
  for (size_t i = 0; i < by_first.size(); ++i) by_first[i] = i;
  std::sort(by_first.begin(), by_first.end(),
            [&](size_t a, size_t b) { return first[a] < first[b]; });
  std::vector<std::pair<std::string_view, std::vector<size_t>>> nodes;
  for (size_t i : by_first) {
    auto it =
        std::find_if(nodes.begin(), nodes.end(), [&](const auto& n) { return n.first == node[i]; });
    if (it == nodes.end()) {
      nodes.push_back({node[i], {i}});
    } else {
      it->second.push_back(i);
    }
  }
  std::vector<size_t> order;
  for (const auto& n : nodes) order.insert(order.end(), n.second.begin(), n.second.end());
  return order;
}

}  // namespace smr

#endif  // SMR_SRC_RULES_GPU_PARTIAL_H_
