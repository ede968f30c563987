// data-quality.json (data_quality.h): the data-quality summary as
// machine-readable JSON.
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "smr/data_quality.h"

namespace smr {
namespace {

using Json = nlohmann::ordered_json;

Json FileGroupsJson(const DataQuality& dq) {
  Json groups = Json::array();
  for (const DqFileGroup& g : dq.groups) {
    Json reasons = Json::object();
    for (const auto& [key, n] : g.by_reason) reasons[key] = n;
    groups.push_back({{"node", g.node},
                      {"type", g.kind},
                      {"files", g.files},
                      {"files_unreadable", g.files_unreadable},
                      {"files_empty", g.files_empty},
                      {"files_duplicate", g.files_duplicate},
                      {"bytes", g.bytes},
                      {"records_read", g.records_read},
                      {"records_kept", g.records_kept},
                      {"records_skipped", g.records_skipped},
                      {"by_reason", std::move(reasons)}});
  }
  return groups;
}

Json ReasonsJson(const DataQuality& dq) {
  Json reasons = Json::array();
  for (const DqReason& r : dq.reasons) {
    Json examples = Json::array();
    for (const DiagnosticExample& e : r.examples) {
      examples.push_back({{"file", e.file}, {"line", e.line}, {"excerpt", e.excerpt}});
    }
    reasons.push_back({{"key", r.key},
                       {"description", r.description},
                       {"data_loss", r.data_loss},
                       {"count", r.count},
                       {"examples", std::move(examples)}});
  }
  return reasons;
}

Json NodeJson(const DqNode& n) {
  Json node = {{"node", n.node}, {"system_samples", n.system_samples}};
  if (n.system_samples > 0) {
    node["first_utc"] = FormatUtcIso(n.first_s);
    node["last_utc"] = FormatUtcIso(n.last_s);
    node["first_s"] = n.first_s;
    node["last_s"] = n.last_s;
    node["median_interval_s"] = n.median_interval_s;
    Json gaps = Json::array();
    for (const DqGap& g : n.gaps) {
      gaps.push_back({{"start_utc", FormatUtcIso(g.start_s)},
                      {"end_utc", FormatUtcIso(g.end_s)},
                      {"start_s", g.start_s},
                      {"end_s", g.end_s},
                      {"length_s", g.length_s()}});
    }
    node["gaps"] = std::move(gaps);
    node["out_of_order_samples"] = n.out_of_order_samples;
    node["max_backward_jump_s"] = n.max_backward_jump_s;
  } else if (n.system_files) {
    node["note"] = "system files found, no usable samples";
  }
  node["framework_events"] = n.framework_events;
  if (n.framework_events > 0) {
    node["framework_first_utc"] = FormatUtcIso(static_cast<double>(n.framework_first_us) / 1e6);
    node["framework_last_utc"] = FormatUtcIso(static_cast<double>(n.framework_last_us) / 1e6);
    node["framework_first_us"] = n.framework_first_us;
    node["framework_last_us"] = n.framework_last_us;
  }
  return node;
}

// PyTorch-profiler traces (only written when there are any, so the file
// of a SageMaker-only input is unchanged).
Json KinetoTracesJson(const DataQuality& dq) {
  Json out = Json::array();
  for (const DqKinetoTrace& k : dq.kineto) {
    const KinetoCounts& c = k.counts;
    Json t;
    t["path"] = k.path;
    t["rank"] = k.rank >= 0 ? Json(k.rank) : Json(nullptr);
    t["world_size"] = k.world_size >= 0 ? Json(k.world_size) : Json(nullptr);
    t["legacy_categories"] = k.legacy;
    t["bare_array"] = k.bare_array;
    t["relative_timestamps"] = k.relative_timestamps;
    t["events_read"] = c.events_read;
    t["complete_events"] = c.complete;
    t["memory_samples"] = c.memory;
    t["flows"] = c.flows;
    t["metadata"] = c.metadata;
    t["other_instants"] = c.other_instants;
    t["other_phases"] = c.other_phases;
    t["non_thread"] = c.non_thread;
    t["unknown_category"] = c.unknown_category;
    t["skipped"] = c.skipped;
    if (c.complete > 0) {
      t["first_utc"] = FormatUtcIso(static_cast<double>(k.first_ns / 1000000000));
      t["last_utc"] = FormatUtcIso(static_cast<double>(k.last_ns / 1000000000));
      t["first_ns"] = k.first_ns;
      t["last_ns"] = k.last_ns;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

std::string DataQualityToJson(const DataQuality& dq) {
  Json j;
  j["clean"] = dq.clean;
  j["summary"] = dq.summary;
  j["totals"] = {{"files_found", dq.files_found},
                 {"files_read", dq.files_read},
                 {"files_not_read", dq.files_not_read},
                 {"links_skipped", dq.links_skipped},
                 {"bytes", dq.bytes},
                 {"records_read", dq.records_read},
                 {"records_kept", dq.records_kept},
                 {"records_skipped", dq.records_skipped},
                 {"python_stats_files", dq.python_stats_files}};
  j["files"] = FileGroupsJson(dq);
  Json not_read = Json::array();
  for (const DqFileNotRead& f : dq.not_read) {
    not_read.push_back({{"path", f.path}, {"reason", f.reason}});
  }
  j["not_read"] = std::move(not_read);
  j["reasons"] = ReasonsJson(dq);
  Json nodes = Json::array();
  for (const DqNode& n : dq.nodes) nodes.push_back(NodeJson(n));
  j["nodes"] = std::move(nodes);
  j["notes"] = dq.notes;
  if (!dq.kineto.empty()) j["kineto_traces"] = KinetoTracesJson(dq);
  // Every string was made valid UTF-8 upstream; `replace` keeps dump() from
  // throwing should one ever slip through.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace smr
