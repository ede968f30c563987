// ReportContext: the inputs of one report (ReportInputs) with the look-ups
// every section needs: a rule's result, whether it was disabled or could not
// be read, its Rule object. Private to src/report.
#ifndef SMR_SRC_REPORT_REPORT_CONTEXT_H_
#define SMR_SRC_REPORT_REPORT_CONTEXT_H_

#include <map>
#include <string>
#include <vector>

#include "smr/report_builder.h"
#include "smr/report_model.h"
#include "smr/rule.h"

namespace smr {
namespace report_internal {

class ReportContext {
 public:
  explicit ReportContext(const ReportInputs& in);

  const ReportInputs& in() const { return in_; }

  // The rule's result, or null.
  const RuleResult* Result(const std::string& name) const;
  bool IsDisabled(const std::string& name) const;
  // The rule's missing or unreadable result (render mode), or null.
  const RuleStatus* Unavailable(const std::string& name) const;
  // The built-in rule (descriptions), or null.
  const Rule* RuleByName(const std::string& name) const;

  // "The BatchSize rule's result is unreadable: BatchSize.json: not valid
  // JSON: line 1, column 21: ...; <consequence>"
  static std::string UnavailableText(const RuleStatus& u, const std::string& consequence);
  // "BatchSize (unreadable), LoadBalancing (missing)"
  std::string UnavailableList() const;

 private:
  const ReportInputs& in_;
  std::map<std::string, const RuleResult*> results_;
};

// Every rule the report covers with its state (RuleStatusOf, disabled,
// missing or unreadable), in registry order: ReportModel::rules and
// findings.json list the rules in this order.
std::vector<RuleStatus> RuleStates(const ReportInputs& in);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_REPORT_CONTEXT_H_
