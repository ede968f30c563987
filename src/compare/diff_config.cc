// ParseDiffConfig (include/smr/compare.h): the `sm-report diff --config`
// JSON file,
//   {"region": "us-east-1", "prices": {"ml.x": 1.23},
//    "jobs": {"NAME": {"instance_type": "ml.p3.2xlarge", "instance_count": 2,
//                      "describe": "path"}},
//    "thresholds": {"duration_pct": 5, "duration_min_s": 10, "cost_pct": 5, "step_time_pct": 10,
//                   "utilization_points": 10, "records_skipped": 0}}
// Every key is optional; an unknown key is an error that names the key and
// the file, so a typo never silently keeps a default.
#include <filesystem>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "smr/compare.h"

namespace smr {
namespace {

using nlohmann::json;

struct ConfigError {
  std::string message;
};

// Throws ConfigError for a key of `obj` not in `allowed`; `where` is the
// object's path in the file ("jobs.B").
void CheckKeys(const json& obj, std::initializer_list<const char*> allowed,
               const std::string& where) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
      throw ConfigError{fmt::format("unknown key '{}{}' (allowed: {})",
                                    where.empty() ? "" : where + ".", key, list)};
    }
  }
}

const json& Object(const json& v, const std::string& where) {
  if (!v.is_object()) throw ConfigError{fmt::format("'{}' must be an object", where)};
  return v;
}

double NonNegative(const json& v, const std::string& where) {
  if (!v.is_number() || v.get<double>() < 0) {
    throw ConfigError{fmt::format("'{}' must be a number >= 0", where)};
  }
  return v.get<double>();
}

std::string String(const json& v, const std::string& where) {
  if (!v.is_string()) throw ConfigError{fmt::format("'{}' must be a string", where)};
  return v.get<std::string>();
}

JobConfig ReadJob(const json& v, const std::string& where, const std::filesystem::path& base) {
  Object(v, where);
  CheckKeys(v, {"instance_type", "instance_count", "describe"}, where);
  JobConfig j;
  if (v.contains("instance_type"))
    j.instance_type = String(v["instance_type"], where + ".instance_type");
  if (v.contains("instance_count")) {
    const json& c = v["instance_count"];
    if (!c.is_number_integer() || c.get<int64_t>() < 1) {
      throw ConfigError{fmt::format("'{}.instance_count' must be an integer >= 1", where)};
    }
    j.instance_count = c.get<int>();
  }
  if (v.contains("describe")) {
    const std::filesystem::path p = String(v["describe"], where + ".describe");
    j.describe = (p.is_absolute() ? p : base / p).lexically_normal().string();
  }
  return j;
}

void ReadThresholds(const json& v, DiffThresholds* t) {
  Object(v, "thresholds");
  CheckKeys(v,
            {"duration_pct", "duration_min_s", "cost_pct", "step_time_pct", "utilization_points",
             "records_skipped"},
            "thresholds");
  const auto set = [&](const char* key, double* field) {
    if (v.contains(key)) *field = NonNegative(v[key], std::string("thresholds.") + key);
  };
  set("duration_pct", &t->duration_pct);
  set("duration_min_s", &t->duration_min_s);
  set("cost_pct", &t->cost_pct);
  set("step_time_pct", &t->step_time_pct);
  set("utilization_points", &t->utilization_points);
  set("records_skipped", &t->records_skipped);
}

}  // namespace

StatusOr<DiffConfig> ParseDiffConfig(std::string_view text, const std::string& path) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Error(fmt::format("config {}: not a JSON object", path));
  }
  DiffConfig c;
  c.path = path;
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  try {
    CheckKeys(doc, {"region", "prices", "jobs", "thresholds"}, "");
    if (doc.contains("region")) c.region = String(doc["region"], "region");
    if (doc.contains("prices")) {
      for (const auto& [type, price] : Object(doc["prices"], "prices").items()) {
        c.prices[type] = NonNegative(price, "prices." + type);
      }
    }
    if (doc.contains("jobs")) {
      for (const auto& [name, job] : Object(doc["jobs"], "jobs").items()) {
        c.jobs[name] = ReadJob(job, "jobs." + name, base);
      }
    }
    if (doc.contains("thresholds")) ReadThresholds(doc["thresholds"], &c.thresholds);
  } catch (const ConfigError& e) {
    return Status::Error(fmt::format("config {}: {}", path, e.message));
  }
  return c;
}

}  // namespace smr
