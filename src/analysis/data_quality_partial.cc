// DataQualityPartial (smr/data_quality.h): the data-quality summary's inputs
// from one shard of the input, merged over shards and sent between
// processes in their byte form (docs/scaling.md).
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/data_quality.h"

namespace smr {
namespace {

void SaveFile(const FileStats& f, StateWriter* out) {
  out->PutString(f.rel_path);
  out->Put(f.kind);
  out->Put(f.bytes);
  out->Put(f.records_read);
  out->Put(f.records_kept);
  out->Put(f.records_skipped);
  out->Put(f.unreadable);
  out->Put(f.order);
  out->Put(f.first_row);
  out->Put(f.rows);
  out->Put(f.first_event);
  out->Put(f.events);
}

FileStats LoadFile(StateReader* in) {
  FileStats f;
  f.rel_path = in->GetString();
  f.kind = in->Get<FileKind>();
  f.bytes = in->Get<uint64_t>();
  f.records_read = in->Get<int64_t>();
  f.records_kept = in->Get<int64_t>();
  f.records_skipped = in->Get<int64_t>();
  f.unreadable = in->Get<bool>();
  f.order = in->Get<uint32_t>();
  f.first_row = in->Get<uint64_t>();
  f.rows = in->Get<uint64_t>();
  f.first_event = in->Get<uint64_t>();
  f.events = in->Get<uint64_t>();
  return f;
}

void SaveNode(const DqNode& n, StateWriter* out) {
  out->PutString(n.node);
  out->Put(n.system_files);
  out->Put(n.system_samples);
  out->Put(n.first_s);
  out->Put(n.last_s);
  out->Put(n.median_interval_s);
  out->PutVector(n.gaps);
  out->Put(n.out_of_order_samples);
  out->Put(n.max_backward_jump_s);
  out->Put(n.framework_events);
  out->Put(n.framework_first_us);
  out->Put(n.framework_last_us);
}

DqNode LoadNode(StateReader* in) {
  DqNode n;
  n.node = in->GetString();
  n.system_files = in->Get<bool>();
  n.system_samples = in->Get<int64_t>();
  n.first_s = in->Get<double>();
  n.last_s = in->Get<double>();
  n.median_interval_s = in->Get<double>();
  n.gaps = in->GetVector<DqGap>();
  n.out_of_order_samples = in->Get<int64_t>();
  n.max_backward_jump_s = in->Get<double>();
  n.framework_events = in->Get<int64_t>();
  n.framework_first_us = in->Get<int64_t>();
  n.framework_last_us = in->Get<int64_t>();
  return n;
}

void SaveTrace(const DqKinetoTrace& k, StateWriter* out) {
  out->PutString(k.path);
  out->Put(k.rank);
  out->Put(k.world_size);
  out->Put(k.legacy);
  out->Put(k.bare_array);
  out->Put(k.relative_timestamps);
  out->Put(k.counts);
  out->Put(k.memory_samples);
  out->Put(k.first_ns);
  out->Put(k.last_ns);
}

DqKinetoTrace LoadTrace(StateReader* in) {
  DqKinetoTrace k;
  k.path = in->GetString();
  k.rank = in->Get<int64_t>();
  k.world_size = in->Get<int64_t>();
  k.legacy = in->Get<bool>();
  k.bare_array = in->Get<bool>();
  k.relative_timestamps = in->Get<bool>();
  k.counts = in->Get<KinetoCounts>();
  k.memory_samples = in->Get<int64_t>();
  k.first_ns = in->Get<int64_t>();
  k.last_ns = in->Get<int64_t>();
  return k;
}

}  // namespace

Status DataQualityPartial::Merge(DataQualityPartial&& other, const Discovery& discovery) {
  for (auto& [name, node] : other.nodes) {
    auto [it, inserted] = nodes.try_emplace(name, std::move(node));
    if (!inserted) {
      return Status::Error(fmt::format(
          "the records of node {} are in files of two shards; a node's files must stay in one "
          "shard",
          name));
    }
  }
  std::unordered_map<std::string_view, uint32_t> order;
  for (const InputFile& f : discovery.files) order.emplace(f.rel_path, f.order);
  diagnostics.MergeInFileOrder(other.diagnostics, [&](std::string_view file) -> uint64_t {
    auto it = order.find(file);
    return it == order.end() ? UINT64_MAX : it->second;
  });
  files.insert(files.end(), std::make_move_iterator(other.files.begin()),
               std::make_move_iterator(other.files.end()));
  kineto.insert(kineto.end(), std::make_move_iterator(other.kineto.begin()),
                std::make_move_iterator(other.kineto.end()));
  has_system = has_system || other.has_system;
  has_framework = has_framework || other.has_framework;
  has_kineto = has_kineto || other.has_kineto;
  return Status::Ok();
}

void DataQualityPartial::Save(StateWriter* out) const {
  out->Put<uint64_t>(files.size());
  for (const FileStats& f : files) SaveFile(f, out);
  diagnostics.Save(out);
  out->Put<uint64_t>(nodes.size());
  for (const auto& [name, n] : nodes) {
    out->PutString(name);
    SaveNode(n, out);
  }
  out->Put<uint64_t>(kineto.size());
  for (const DqKinetoTrace& k : kineto) SaveTrace(k, out);
  out->Put(has_system);
  out->Put(has_framework);
  out->Put(has_kineto);
}

Status DataQualityPartial::Load(StateReader* in) {
  *this = DataQualityPartial();
  const auto n_files = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_files && in->ok(); ++i) files.push_back(LoadFile(in));
  diagnostics.Load(in);
  const auto n_nodes = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_nodes && in->ok(); ++i) {
    std::string name = in->GetString();
    nodes[std::move(name)] = LoadNode(in);
  }
  const auto n_traces = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_traces && in->ok(); ++i) kineto.push_back(LoadTrace(in));
  has_system = in->Get<bool>();
  has_framework = in->Get<bool>();
  has_kineto = in->Get<bool>();
  return in->ok() ? Status::Ok() : Status::Error("the data-quality partial state is truncated");
}

}  // namespace smr
