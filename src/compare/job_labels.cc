// Job labels and the values of --job / --describe (include/smr/compare.h).
// A job is named by its folder ("bs1024"), or by its parent folder when the
// folder's name says only what kind of folder it is ("profiler-output").
#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "smr/compare.h"

namespace smr {
namespace {

bool IsGenericName(const std::string& name) {
  static const std::set<std::string> kGeneric = {
      "profiler-output", "profiler-reports", "rule-output",
      "profiler-report", "sm-report",        "output",
      "findings.json",   "ProfilerReport",   "."};
  return kGeneric.count(name) > 0 || name.rfind("ProfilerReport-", 0) == 0;
}

}  // namespace

std::string DefaultJobLabel(const std::string& input) {
  std::filesystem::path p = std::filesystem::path(input).lexically_normal();
  if (p.has_filename() == false) p = p.parent_path();  // "a/b/" -> "a/b"
  std::string label;
  for (int i = 0; i < 6 && !p.empty(); ++i) {
    label = p.filename().string();
    if (!IsGenericName(label) && label != "..") return label;
    p = p.parent_path();
  }
  if (label.empty() || label == "." || label == "..") {
    label = std::filesystem::absolute(input).lexically_normal().filename().string();
  }
  return label.empty() ? input : label;
}

std::vector<std::string> JobLabels(const std::vector<std::string>& inputs) {
  std::vector<std::string> labels;
  for (const std::string& in : inputs) {
    const std::string base = DefaultJobLabel(in);
    std::string label = base;
    for (int n = 2; std::find(labels.begin(), labels.end(), label) != labels.end(); ++n) {
      label = fmt::format("{} ({})", base, n);
    }
    labels.push_back(label);
  }
  return labels;
}

int FindJob(const std::string& name, const std::vector<std::string>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == name) return static_cast<int>(i);
  }
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos &&
      name.size() < 6) {
    const int pos = std::stoi(name);
    if (pos >= 1 && pos <= static_cast<int>(labels.size())) return pos - 1;
  }
  return -1;
}

StatusOr<InstanceSpec> ParseInstanceSpec(const std::string& text) {
  InstanceSpec s;
  const size_t colon = text.find(':');
  s.type = text.substr(0, colon);
  if (s.type.rfind("ml.", 0) != 0 || s.type.size() <= 3 ||
      s.type.find_first_of(" =,") != std::string::npos) {
    return Status::Error(fmt::format("'{}' is not an instance type like ml.p3.2xlarge", s.type));
  }
  if (colon != std::string::npos) {
    const std::string count = text.substr(colon + 1);
    if (count.empty() || count.size() > 4 ||
        count.find_first_not_of("0123456789") != std::string::npos || std::stoi(count) < 1) {
      return Status::Error(fmt::format("instance count '{}' is not a whole number >= 1", count));
    }
    s.count = std::stoi(count);
  }
  return s;
}

StatusOr<std::pair<std::string, std::string>> SplitNameValue(const std::string& arg,
                                                             const char* option,
                                                             const char* value_form) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
    return Status::Error(
        fmt::format("{} '{}': expected NAME={} (NAME: a job's label or its position 1, 2, ...)",
                    option, arg, value_form));
  }
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

}  // namespace smr
