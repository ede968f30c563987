// ReportContext: look-ups over one report's inputs.
#include "src/report/report_context.h"

#include <algorithm>

#include <fmt/format.h>

namespace smr {
namespace report_internal {

ReportContext::ReportContext(const ReportInputs& in) : in_(in) {
  if (in.results) {
    for (const RuleResult& r : *in.results) results_[r.name] = &r;
  }
}

const RuleResult* ReportContext::Result(const std::string& name) const {
  auto it = results_.find(name);
  return it == results_.end() ? nullptr : it->second;
}

bool ReportContext::IsDisabled(const std::string& name) const {
  return std::find(in_.disabled_rules.begin(), in_.disabled_rules.end(), name) !=
         in_.disabled_rules.end();
}

const RuleStatus* ReportContext::Unavailable(const std::string& name) const {
  for (const RuleStatus& u : in_.unavailable_rules) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

const Rule* ReportContext::RuleByName(const std::string& name) const {
  if (!in_.rules) return nullptr;
  for (const auto& r : *in_.rules) {
    if (r->name() == name) return r.get();
  }
  return nullptr;
}

std::string ReportContext::UnavailableText(const RuleStatus& u, const std::string& consequence) {
  return fmt::format("The {} rule's result is {}: {}.{}{}", u.name, RuleStateName(u.state),
                     u.detail, consequence.empty() ? "" : " ", consequence);
}

std::string ReportContext::UnavailableList() const {
  std::string list;
  for (const RuleStatus& u : in_.unavailable_rules) {
    list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", u.name, RuleStateName(u.state));
  }
  return list;
}

}  // namespace report_internal
}  // namespace smr
