// What the rules' sharded evaluation (smr/rule.h, RulePartial) shares: a
// RulePartial that holds a rule's State, a struct of the rule's .cc with
//   Status Merge(State&& other);        // exact; error on a split node
//   void Save(StateWriter* out) const;
//   void Load(StateReader* in);
// and the shapes most states are made of: per-window counters merged by
// adding, and "the first/last record in reader order" picked by the
// record's place in the whole input (window, MetricStore::RowOrder /
// EventOrder).
#ifndef SMR_SRC_RULES_PARTIAL_STATE_H_
#define SMR_SRC_RULES_PARTIAL_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/rule.h"
#include "smr/state_io.h"
#include "smr/status.h"

namespace smr {

template <typename State>
class StatePartial final : public RulePartial {
 public:
  explicit StatePartial(State s) : state(std::move(s)) {}
  Status Merge(RulePartial&& other) override {
    auto* o = dynamic_cast<StatePartial*>(&other);
    if (o == nullptr) return Status::Error("partial states of different rules cannot be merged");
    return state.Merge(std::move(o->state));
  }
  void Save(StateWriter* out) const override { state.Save(out); }
  Status Load(StateReader* in) override {
    state = State{};
    state.Load(in);
    return in->ok() ? Status::Ok() : Status::Error("a rule's partial state is truncated");
  }
  State state;
};

template <typename State>
std::unique_ptr<RulePartial> MakePartial(State s) {
  return std::make_unique<StatePartial<State>>(std::move(s));
}

// The State inside a partial made by MakePartial<State> (throws
// std::bad_cast for another rule's partial; EvaluateRule reports it).
template <typename State>
State& StateOf(RulePartial& p) {
  return dynamic_cast<StatePartial<State>&>(p).state;
}

// A record's place in the walk over the windows: window first, then the
// record's place in the whole input's reader order. Smaller is earlier.
struct WalkPos {
  uint64_t window = UINT64_MAX;
  uint64_t order = UINT64_MAX;
  bool valid() const { return window != UINT64_MAX; }
  friend bool operator<(const WalkPos& a, const WalkPos& b) {
    return a.window != b.window ? a.window < b.window : a.order < b.order;
  }
  friend bool operator==(const WalkPos& a, const WalkPos& b) = default;
};

// A value tagged with the walk position it was seen at; Merge keeps the
// earliest (KeepFirst) or the latest (KeepLast) one.
template <typename T>
struct Tagged {
  WalkPos pos;
  T value{};
  bool has() const { return pos.valid(); }
  void KeepFirst(const Tagged& o) {
    if (o.has() && (!has() || o.pos < pos)) *this = o;
  }
  void KeepLast(const Tagged& o) {
    if (o.has() && (!has() || pos < o.pos)) *this = o;
  }
};

// Element-wise sum of per-window counters (the shorter one is extended).
template <typename T>
void AddPerWindow(std::vector<T>* into, const std::vector<T>& other) {
  if (into->size() < other.size()) into->resize(other.size());
  for (size_t i = 0; i < other.size(); ++i) (*into)[i] += other[i];
}

// The error of a key that two shards both hold (a node whose files were
// split over two shards).
inline Status SplitKeyError(std::string_view rule, std::string_view key) {
  return Status::Error(fmt::format(
      "{}: the data of {} is in two shards; a node's files must stay in one shard", rule, key));
}

}  // namespace smr

#endif  // SMR_SRC_RULES_PARTIAL_STATE_H_
