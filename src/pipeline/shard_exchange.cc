// The exchanges of a sharded build (shard_exchange.h).
#include "src/pipeline/shard_exchange.h"

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace smr {
namespace shard_internal {

// ---- Messages -------------------------------------------------------------
// Every message a rank sends starts with its status: a rank that failed
// sends its error instead of its partials, and every rank stops after the
// exchange.

std::string Framed(const Status& st, std::string body) {
  StateWriter w;
  w.Put<uint8_t>(st.ok() ? 1 : 0);
  w.PutString(st.ok() ? std::string() : st.message());
  std::string out = w.Take();
  out += body;
  return out;
}

// The body of a message, or the rank's error.
Status Unframe(const std::string& msg, int rank, std::string_view* body) {
  StateReader r(msg);
  const bool ok = r.Get<uint8_t>() == 1;
  const std::string error = r.GetString();
  if (!r.ok()) return Status::Error(fmt::format("rank {} sent a truncated message", rank));
  if (!ok) return Status::Error(error);
  const size_t header = sizeof(uint8_t) + sizeof(uint64_t) + error.size();
  *body = std::string_view(msg).substr(header);
  return Status::Ok();
}

// Rank 0 tells every rank whether to go on (empty error) or stop.
Status Agree(ShardComm& comm, const Status& at_root) {
  const std::string verdict = comm.Broadcast(at_root.ok() ? std::string() : at_root.message());
  return verdict.empty() ? Status::Ok() : Status::Error(verdict);
}

void SaveLayout(const PlanLayout& l, StateWriter* w) {
  w->Put(l.has_data);
  w->Put(l.window_us);
  w->Put(l.t0_us);
  w->Put(l.latest_file_ts_us);
  w->Put(l.sagemaker_stop);
  w->Put(l.stops_like_sagemaker);
  w->Put(l.n_full);
  w->PutVector(l.used_blocks);
}

PlanLayout LoadLayout(StateReader* r) {
  PlanLayout l;
  l.has_data = r->Get<bool>();
  l.window_us = r->Get<int64_t>();
  l.t0_us = r->Get<int64_t>();
  l.latest_file_ts_us = r->Get<int64_t>();
  l.sagemaker_stop = r->Get<bool>();
  l.stops_like_sagemaker = r->Get<bool>();
  l.n_full = r->Get<int64_t>();
  l.used_blocks = r->GetVector<uint8_t>();
  return l;
}

void SaveCoverage(const WindowCoverage& c, StateWriter* w) {
  w->Put(c.system_rows_after);
  w->Put(c.system_rows_before);
  w->Put(c.events_after);
  w->Put(c.events_before);
  w->Put(c.system_seconds_after);
}

WindowCoverage LoadCoverage(StateReader* r) {
  WindowCoverage c;
  c.system_rows_after = r->Get<int64_t>();
  c.system_rows_before = r->Get<int64_t>();
  c.events_after = r->Get<int64_t>();
  c.events_before = r->Get<int64_t>();
  c.system_seconds_after = r->Get<double>();
  return c;
}

// The groups in the order to read them: the one in memory first.
std::vector<size_t> ReadOrder(size_t n, size_t loaded) {
  std::vector<size_t> order;
  if (loaded < n) order.push_back(loaded);
  for (size_t i = 0; i < n; ++i) {
    if (i != loaded) order.push_back(i);
  }
  return order;
}

RuleMode ModeOf(const Rule& rule) {
  if (rule.EmptyPartial() != nullptr)
    return rule.two_pass() ? RuleMode::kTwoPass : RuleMode::kPartial;
  const BuiltinRule* b = FindBuiltinRule(rule.name());
  return b != nullptr && b->needs_kineto ? RuleMode::kAtFinish : RuleMode::kUnsupported;
}

Status MergeInto(std::unique_ptr<RulePartial>* into, std::unique_ptr<RulePartial> p) {
  if (*into == nullptr) {
    *into = std::move(p);
    return Status::Ok();
  }
  return (*into)->Merge(std::move(*p));
}

void SavePass(const PassState& p, StateWriter* w) {
  for (size_t i = 0; i < p.merged.size(); ++i) {
    w->PutString(p.errors[i]);
    w->Put<uint8_t>(p.merged[i] != nullptr ? 1 : 0);
    if (p.merged[i] != nullptr) {
      StateWriter part;
      p.merged[i]->Save(&part);
      w->PutString(part.bytes());
    }
  }
}

// Reads another rank's pass state and merges it into `into`.
Status MergePass(StateReader* r, const std::vector<std::unique_ptr<Rule>>& rules, bool second,
                 PassState* into) {
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string error = r->GetString();
    if (!error.empty() && into->errors[i].empty()) into->errors[i] = std::move(error);
    if (r->Get<uint8_t>() == 0) continue;
    const std::string bytes = r->GetString();
    if (!into->errors[i].empty()) continue;
    std::unique_ptr<RulePartial> p =
        second ? rules[i]->EmptySecondPartial() : rules[i]->EmptyPartial();
    StateReader pr(bytes);
    Status st = p->Load(&pr);
    if (st.ok()) st = MergeInto(&into->merged[i], std::move(p));
    // A partial that cannot be merged fails its rule, not the run.
    if (!st.ok()) {
      into->errors[i] = fmt::format("rule {} failed: {}", rules[i]->name(), st.message());
    }
  }
  return r->ok() ? Status::Ok() : Status::Error("a rank sent truncated rule partials");
}

std::string RankError(const ShardComm& comm, const std::string& what) {
  return fmt::format("rank {} of {} ({}): {}", comm.rank(), comm.size(), comm.host(), what);
}

}  // namespace shard_internal
}  // namespace smr
