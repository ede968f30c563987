// ParseFindingsJson (include/smr/compare.h): a findings.json document
// (docs/findings.md, schema_version 1) to the JobFacts the diff compares.
// Only the fields the comparison shows are read; a field that is absent or
// null is unknown, a field of the wrong type is an error.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "smr/compare.h"

namespace smr {
namespace {

using nlohmann::json;

// A number at `key` of `obj`, or none when absent or null; throws
// std::runtime_error naming the key when it is not a number.
std::optional<double> OptNumber(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw std::runtime_error(fmt::format("'{}' is not a number", key));
  return it->get<double>();
}

int64_t Count(const json& obj, const char* key) {
  const std::optional<double> v = OptNumber(obj, key);
  return v ? static_cast<int64_t>(*v) : 0;
}

std::string Text(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::runtime_error(fmt::format("'{}' is not a string", key));
  return it->get<std::string>();
}

const json& Member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

Quantiles ReadQuantiles(const json& q) { return {OptNumber(q, "p50"), OptNumber(q, "p95")}; }

void ReadJob(const json& job, JobFacts* f) {
  f->duration_s = OptNumber(job, "duration_s");
  f->initialization_s = OptNumber(job, "initialization_s");
  f->training_loop_s = OptNumber(job, "training_loop_s");
  f->finalization_s = OptNumber(job, "finalization_s");
  if (const std::optional<double> g = OptNumber(job, "gpus")) f->gpus = static_cast<int64_t>(*g);
  const json& nodes = Member(job, "nodes");
  if (nodes.is_array()) {
    for (const json& n : nodes) {
      if (n.is_string()) f->nodes.push_back(n.get<std::string>());
    }
  }
}

void ReadMetrics(const json& metrics, JobFacts* f) {
  const json& steps = Member(metrics, "step_time_s");
  if (steps.is_object()) {
    for (const auto& [phase, q] : steps.items()) {
      f->step_time.push_back({phase, ReadQuantiles(q), Count(q, "steps")});
    }
  }
  const json& util = Member(metrics, "utilization_pct");
  for (const char* key : {"cpu", "gpu", "gpu_memory", "cpu_memory"}) {
    const json& q = Member(util, key);
    if (q.is_object()) f->utilization.emplace_back(key, ReadQuantiles(q));
  }
}

void ReadRules(const json& rules, JobFacts* f) {
  if (!rules.is_array()) return;
  for (const json& r : rules) {
    f->rules.push_back({Text(r, "name"), Text(r, "state"), Count(r, "triggered")});
  }
}

}  // namespace

StatusOr<JobFacts> ParseFindingsJson(std::string_view text, const std::string& file) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Error(fmt::format("{}: not a findings.json document (not a JSON object)", file));
  }
  const json& version = Member(doc, "schema_version");
  if (!version.is_number_integer()) {
    return Status::Error(fmt::format("{}: no schema_version; not a findings.json document", file));
  }
  if (version.get<int64_t>() != kFindingsSchemaVersion) {
    return Status::Error(fmt::format(
        "{}: findings.json schema_version {} is not supported (this sm-report reads version {})",
        file, version.get<int64_t>(), kFindingsSchemaVersion));
  }
  JobFacts f;
  try {
    f.source_kind = Text(Member(doc, "source"), "kind");
    f.source_path = Text(Member(doc, "source"), "path");
    f.verdict = Text(doc, "verdict");
    f.summary = Text(doc, "summary");
    ReadJob(Member(doc, "job"), &f);
    ReadMetrics(Member(doc, "metrics"), &f);
    const json& dq = Member(doc, "data_quality");
    if (dq.is_object()) {
      const json& clean = Member(dq, "clean");
      f.data_quality = JobDataQuality{clean.is_boolean() ? clean.get<bool>() : true,
                                      Count(dq, "files_not_read"), Count(dq, "records_skipped")};
    }
    ReadRules(Member(doc, "rules"), &f);
  } catch (const std::exception& e) {
    return Status::Error(fmt::format("{}: {}", file, e.what()));
  }
  return f;
}

}  // namespace smr
