// ParseTrainingJobDescription (include/smr/compare.h): the fields of
// `aws sagemaker describe-training-job` output that the cost needs
// (ResourceConfig.InstanceType / InstanceCount, TrainingTimeInSeconds,
// BillableTimeInSeconds, EnableManagedSpotTraining). Everything else in the
// document is ignored.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "smr/compare.h"

namespace smr {

StatusOr<TrainingJobDescription> ParseTrainingJobDescription(std::string_view text,
                                                             const std::string& file) {
  using nlohmann::json;
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Error(fmt::format("{}: not a describe-training-job JSON object", file));
  }
  const auto rc = doc.find("ResourceConfig");
  if (rc == doc.end() || !rc->is_object()) {
    return Status::Error(
        fmt::format("{}: no ResourceConfig; not describe-training-job output", file));
  }
  TrainingJobDescription d;
  const auto type = rc->find("InstanceType");
  if (type == rc->end() || !type->is_string()) {
    return Status::Error(fmt::format("{}: ResourceConfig.InstanceType missing", file));
  }
  d.instance_type = type->get<std::string>();
  const auto count = rc->find("InstanceCount");
  if (count != rc->end()) {
    if (!count->is_number_integer() || count->get<int64_t>() < 1) {
      return Status::Error(
          fmt::format("{}: ResourceConfig.InstanceCount is not a positive integer", file));
    }
    d.instance_count = count->get<int>();
  }
  const auto seconds = [&](const char* key) -> std::optional<double> {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  };
  d.training_time_s = seconds("TrainingTimeInSeconds");
  d.billable_time_s = seconds("BillableTimeInSeconds");
  if (const auto it = doc.find("TrainingJobName"); it != doc.end() && it->is_string()) {
    d.job_name = it->get<std::string>();
  }
  if (const auto it = doc.find("EnableManagedSpotTraining"); it != doc.end() && it->is_boolean()) {
    d.managed_spot = it->get<bool>();
  }
  return d;
}

}  // namespace smr
