// JobDigest (smr/job_digest.h): the steps and a few samples per series of
// one shard, merged over shards into a small store with the whole job's
// timeline; and network traffic per series, summed in one order.
#include "smr/job_digest.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace smr {
namespace {

constexpr std::string_view kStepMarker = "Step:ModeKeys";

// The reader-order place of a series' first row (rows are stored in
// reader order, so the smallest row index).
uint64_t FirstOrder(const MetricStore& store, std::span<const uint32_t> rows) {
  uint32_t first = rows.front();
  for (uint32_t r : rows) first = std::min(first, r);
  return store.RowOrder(first);
}

}  // namespace

JobDigest CollectJobDigest(const MetricStore& store) {
  JobDigest d;
  const SystemColumns& sys = store.system();
  for (uint32_t id = 0; id < store.series().size(); ++id) {
    const std::span<const uint32_t> rows = store.SeriesRows(id);
    if (rows.empty()) continue;
    const SeriesInfo& info = store.series()[id];
    JobDigest::Series s;
    s.node = store.str(info.node);
    s.type = store.str(info.type);
    s.name = store.str(info.name);
    s.dimension = store.str(info.dimension);
    s.first_order = FirstOrder(store, rows);
    const size_t keep = std::min(rows.size(), JobDigest::kFirstRows);
    for (size_t i = 0; i < keep; ++i) {
      s.ts.push_back(sys.ts(rows[i]));
      s.value.push_back(sys.value(rows[i]));
    }
    if (rows.size() > keep) {
      s.ts.push_back(sys.ts(rows.back()));
      s.value.push_back(sys.value(rows.back()));
    }
    d.series.push_back(std::move(s));
  }
  const EventColumns& ev = store.events();
  for (size_t i = 0; i < ev.size(); ++i) {
    if (store.str(ev.name[i]).find(kStepMarker) == std::string_view::npos) continue;
    JobDigest::Step s;
    s.order = store.EventOrder(i);
    s.name = store.str(ev.name[i]);
    s.phase = store.str(ev.phase[i]);
    s.node = store.str(ev.node[i]);
    s.step = ev.step[i];
    s.start_us = ev.start_us[i];
    s.end_us = ev.end_us[i];
    s.os_pid = ev.os_pid[i];
    s.tid = ev.tid[i];
    s.worker_id = ev.worker_id[i];
    s.num_workers = ev.num_workers[i];
    s.pin_memory = ev.pin_memory[i];
    s.source = ev.source[i];
    d.steps.push_back(std::move(s));
  }
  return d;
}

Status JobDigest::Merge(JobDigest&& other) {
  series.insert(series.end(), std::make_move_iterator(other.series.begin()),
                std::make_move_iterator(other.series.end()));
  steps.insert(steps.end(), std::make_move_iterator(other.steps.begin()),
               std::make_move_iterator(other.steps.end()));
  return Status::Ok();
}

void JobDigest::Save(StateWriter* out) const {
  out->Put<uint64_t>(series.size());
  for (const Series& s : series) {
    out->PutString(s.node);
    out->PutString(s.type);
    out->PutString(s.name);
    out->PutString(s.dimension);
    out->Put(s.first_order);
    out->PutVector(s.ts);
    out->PutVector(s.value);
  }
  out->Put<uint64_t>(steps.size());
  for (const Step& s : steps) {
    out->Put(s.order);
    out->PutString(s.name);
    out->PutString(s.phase);
    out->PutString(s.node);
    out->Put(s.step);
    out->Put(s.start_us);
    out->Put(s.end_us);
    out->Put(s.os_pid);
    out->Put(s.tid);
    out->Put(s.worker_id);
    out->Put(s.num_workers);
    out->Put(s.pin_memory);
    out->Put(s.source);
  }
}

Status JobDigest::Load(StateReader* in) {
  *this = JobDigest();
  const auto n_series = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_series && in->ok(); ++i) {
    Series s;
    s.node = in->GetString();
    s.type = in->GetString();
    s.name = in->GetString();
    s.dimension = in->GetString();
    s.first_order = in->Get<uint64_t>();
    s.ts = in->GetVector<double>();
    s.value = in->GetVector<double>();
    if (s.ts.size() != s.value.size()) return Status::Error("the job digest is corrupt");
    series.push_back(std::move(s));
  }
  const auto n_steps = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_steps && in->ok(); ++i) {
    Step s;
    s.order = in->Get<uint64_t>();
    s.name = in->GetString();
    s.phase = in->GetString();
    s.node = in->GetString();
    s.step = in->Get<int64_t>();
    s.start_us = in->Get<int64_t>();
    s.end_us = in->Get<int64_t>();
    s.os_pid = in->Get<int64_t>();
    s.tid = in->Get<int64_t>();
    s.worker_id = in->Get<int32_t>();
    s.num_workers = in->Get<int32_t>();
    s.pin_memory = in->Get<int8_t>();
    s.source = in->Get<TraceSource>();
    steps.push_back(std::move(s));
  }
  return in->ok() ? Status::Ok() : Status::Error("the job digest is truncated");
}

MetricStore JobDigest::ToStore() const {
  std::vector<const Series*> by_order;
  for (const Series& s : series) by_order.push_back(&s);
  std::sort(by_order.begin(), by_order.end(),
            [](const Series* a, const Series* b) { return a->first_order < b->first_order; });
  std::vector<const Step*> step_order;
  for (const Step& s : steps) step_order.push_back(&s);
  std::sort(step_order.begin(), step_order.end(),
            [](const Step* a, const Step* b) { return a->order < b->order; });
  StoreBuilder b;
  for (const Series* s : by_order) {
    const uint32_t id = b.SeriesId(s->node, s->type, s->name, s->dimension);
    for (size_t i = 0; i < s->ts.size(); ++i) b.AddSample(id, s->ts[i], s->value[i]);
  }
  for (const Step* s : step_order) {
    StoreBuilder::Event e;
    e.start_us = s->start_us;
    e.end_us = s->end_us;
    e.name = s->name;
    e.phase = s->phase;
    e.node = s->node;
    e.step = s->step;
    e.os_pid = s->os_pid;
    e.tid = s->tid;
    e.worker_id = s->worker_id;
    e.num_workers = s->num_workers;
    e.pin_memory = s->pin_memory;
    e.source = s->source;
    b.AddEvent(e);
  }
  return b.Build();
}

std::vector<SeriesTraffic> NetworkTrafficPerSeries(const MetricStore& store, double start_s,
                                                   double end_s, double max_gap_s) {
  std::vector<SeriesTraffic> out;
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  for (uint32_t id = 0; id < series.size(); ++id) {
    const MetricKind kind = series[id].kind;
    SeriesTraffic t;
    if (kind == MetricKind::kNetRxAlgorithm || kind == MetricKind::kNetTxAlgorithm) {
      t.platform = false;
    } else if (kind == MetricKind::kNetRxPlatform || kind == MetricKind::kNetTxPlatform) {
      t.platform = true;
    } else {
      continue;
    }
    const std::span<const uint32_t> rows = store.SeriesRows(id);
    if (rows.empty()) continue;
    t.first_order = FirstOrder(store, rows);
    for (size_t i = 0; i < rows.size(); ++i) {
      const double ts = sys.ts(rows[i]);
      if (ts < start_s || ts >= end_s) continue;
      const double next = i + 1 < rows.size() ? sys.ts(rows[i + 1]) : ts;
      const double dt = std::min({next - ts, max_gap_s, end_s - ts});
      if (dt > 0) t.bytes += sys.value(rows[i]) * dt;
    }
    out.push_back(t);
  }
  return out;
}

NetworkBytes SumNetworkBytes(std::vector<SeriesTraffic> parts) {
  std::sort(parts.begin(), parts.end(), [](const SeriesTraffic& a, const SeriesTraffic& b) {
    return a.first_order < b.first_order;
  });
  NetworkBytes out;
  for (const SeriesTraffic& t : parts) (t.platform ? out.platform : out.algorithm) += t.bytes;
  return out;
}

}  // namespace smr
