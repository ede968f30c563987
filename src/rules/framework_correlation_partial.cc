// CorrelationPartial and CorrelationReplay (framework_correlation.h): the
// §4.12 correlation of two-pass rules over shards of nodes.
#include <algorithm>
#include <utility>
#include <vector>

#include "smr/state_io.h"
#include "src/rules/framework_correlation.h"

namespace smr {
namespace {

constexpr uint32_t kNoCall = UINT32_MAX;

// Index into CorrelationPartial's per-batch group calls; -1: no group.
int GroupIndex(FrameworkEventClass c) {
  switch (c) {
    case FrameworkEventClass::kCpuOperator:
      return 0;
    case FrameworkEventClass::kGpuOperator:
      return 1;
    case FrameworkEventClass::kGeneral:
      return 2;
    case FrameworkEventClass::kForward:
      return 3;
    case FrameworkEventClass::kBackward:
      return 4;
    case FrameworkEventClass::kHorovod:
      return 5;
    default:
      return -1;
  }
}

}  // namespace

void CorrelationPartial::AddBatch(uint64_t batch, const MetricStore& store, const RowRuns& events,
                                  std::span<const FrameworkCorrelation::Interval> intervals) {
  if (intervals.empty()) return;
  const EventColumns& ev = store.events();
  const std::vector<FrameworkCorrelation::Hit> hits =
      FrameworkCorrelation::FindHits(ev, events, intervals);
  for (const FrameworkCorrelation::Hit& h : hits) {
    const uint32_t e = h.event;
    const std::string_view phase = store.str(ev.phase[e]);
    const std::string_view name = store.str(ev.name[e]);
    const FrameworkEventClass c = ClassifyFrameworkEvent(phase, ev.source[e]);
    Key key;
    switch (c) {
      case FrameworkEventClass::kCpuOperator:
      case FrameworkEventClass::kGpuOperator:
        key = {static_cast<uint8_t>(c), std::string(phase), std::string(name)};
        break;
      case FrameworkEventClass::kStep:
      case FrameworkEventClass::kGeneral:
        key = {static_cast<uint8_t>(c), std::string(phase), std::string()};
        break;
      case FrameworkEventClass::kForward:
      case FrameworkEventClass::kBackward:
      case FrameworkEventClass::kHorovod:
        key = {static_cast<uint8_t>(c), std::string(), std::string(name)};
        break;
      case FrameworkEventClass::kIgnored:
        continue;
    }
    Total& t = keys_[key];
    t.us += (ev.end_us[e] - ev.start_us[e]) * h.count;
    const First seen{batch, h.first_call, store.EventOrder(e)};
    if (seen < t.first) t.first = seen;
    const int g = GroupIndex(c);
    if (g >= 0) {
      auto [it, inserted] = batches_.try_emplace(batch);
      if (inserted) it->second.fill(kNoCall);
      it->second[static_cast<size_t>(g)] =
          std::min(it->second[static_cast<size_t>(g)], h.first_call);
    }
  }
}

Status CorrelationPartial::Merge(CorrelationPartial&& other) {
  for (auto& [key, t] : other.keys_) {
    Total& mine = keys_[key];
    mine.us += t.us;
    if (t.first < mine.first) mine.first = t.first;
  }
  for (const auto& [batch, calls] : other.batches_) {
    auto [it, inserted] = batches_.try_emplace(batch, calls);
    if (inserted) continue;
    for (size_t g = 0; g < calls.size(); ++g) it->second[g] = std::min(it->second[g], calls[g]);
  }
  other.keys_.clear();
  other.batches_.clear();
  return Status::Ok();
}

void CorrelationPartial::Save(StateWriter* out) const {
  out->Put<uint64_t>(keys_.size());
  for (const auto& [key, t] : keys_) {
    out->Put(std::get<0>(key));
    out->PutString(std::get<1>(key));
    out->PutString(std::get<2>(key));
    out->Put(t.first.batch);
    out->Put(t.first.call);
    out->Put(t.first.order);
    out->Put(t.us);
  }
  out->Put<uint64_t>(batches_.size());
  for (const auto& [batch, calls] : batches_) {
    out->Put(batch);
    out->Put(calls);
  }
}

void CorrelationPartial::Load(StateReader* in) {
  keys_.clear();
  batches_.clear();
  const auto n_keys = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_keys && in->ok(); ++i) {
    const auto cls = in->Get<uint8_t>();
    std::string phase = in->GetString();
    std::string name = in->GetString();
    Total t;
    t.first.batch = in->Get<uint64_t>();
    t.first.call = in->Get<uint32_t>();
    t.first.order = in->Get<uint64_t>();
    t.us = in->Get<int64_t>();
    keys_[Key{cls, std::move(phase), std::move(name)}] = t;
  }
  const auto n_batches = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_batches && in->ok(); ++i) {
    const auto batch = in->Get<uint64_t>();
    batches_[batch] = in->Get<GroupCalls>();
  }
}

CorrelationReplay::CorrelationReplay(const CorrelationPartial& merged) : p_(merged) {
  // The buffers as FrameworkCorrelation fills them: keys created in the
  // order of their first hit.
  std::vector<const std::pair<const CorrelationPartial::Key, CorrelationPartial::Total>*> order;
  for (const auto& kv : p_.keys_) order.push_back(&kv);
  std::sort(order.begin(), order.end(),
            [](const auto* a, const auto* b) { return a->second.first < b->second.first; });
  first_batch_.fill(UINT64_MAX);
  FrameworkCorrelation& f = totals_;
  for (const auto* kv : order) {
    const auto& [cls, phase, name] = kv->first;
    const int64_t us = kv->second.us;
    const int g = GroupIndex(static_cast<FrameworkEventClass>(cls));
    if (g >= 0) {
      uint64_t& b = first_batch_[static_cast<size_t>(g)];
      b = std::min(b, kv->second.first.batch);
    }
    switch (static_cast<FrameworkEventClass>(cls)) {
      case FrameworkEventClass::kCpuOperator:
        PhaseSlot(&f.cpu_events_, phase)[name] += us;
        break;
      case FrameworkEventClass::kGpuOperator:
        PhaseSlot(&f.gpu_events_, phase)[name] += us;
        break;
      case FrameworkEventClass::kStep:
        f.step_phases_.emplace_back(phase, us);  // keys are distinct
        break;
      case FrameworkEventClass::kForward:
        f.forward_[name] += us;
        break;
      case FrameworkEventClass::kBackward:
        f.backward_[name] += us;
        break;
      case FrameworkEventClass::kGeneral:
        f.general_[phase] += us;
        break;
      case FrameworkEventClass::kHorovod:
        f.horovod_[name] += us;
        break;
      case FrameworkEventClass::kIgnored:
        break;
    }
  }
}

void CorrelationReplay::WriteBatch(uint64_t batch, size_t n_intervals,
                                   nlohmann::ordered_json* details) const {
  if (n_intervals == 0) return;
  // The groups with a key first hit in an earlier batch.
  std::array<bool, 6> had{};
  for (size_t g = 0; g < had.size(); ++g) had[g] = first_batch_[g] < batch;
  unsigned before = 0;
  if (had[0]) before |= FrameworkCorrelation::kCpuGroup;
  if (had[1]) before |= FrameworkCorrelation::kGpuGroup;
  if (had[2]) before |= FrameworkCorrelation::kGeneralGroup;
  if (had[3] && had[4]) before |= FrameworkCorrelation::kForwardBackwardGroup;
  if (had[5]) before |= FrameworkCorrelation::kHorovodGroup;
  CorrelationPartial::GroupCalls calls;
  calls.fill(kNoCall);
  if (auto it = p_.batches_.find(batch); it != p_.batches_.end()) calls = it->second;
  const FrameworkCorrelation::FirstCalls first{calls[0], calls[1], calls[2],
                                               calls[3], calls[4], calls[5]};
  totals_.ReplayWrites(before, first, details);
}

}  // namespace smr
