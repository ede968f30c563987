// The wording of the report's findings (findings.h): title, where and when,
// evidence with the rule's thresholds, and advice that fits the stage in
// which the problem happened. Private to src/report.
#ifndef SMR_SRC_REPORT_FINDING_TEXTS_H_
#define SMR_SRC_REPORT_FINDING_TEXTS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "smr/analysis.h"
#include "smr/report_model.h"
#include "smr/rule.h"
#include "src/report/findings.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

// Steps longer than the StepOutlier rule's limit, over all ranks and phases.
struct StepOutlierCost {
  int64_t outliers = 0;
  int64_t total_steps = 0;
  double lost_s = 0;       // beyond the median step, averaged over ranks
  double worst_ratio = 0;  // slowest outlier / its rank's median step
  int ranks = 0;
  std::set<int64_t> steps;  // step numbers of the outliers
};

// Distinct 60 s windows among the firings.
size_t DistinctWindows(const std::vector<const RuleFinding*>& firings);

// A rule parameter as a number (the value in use, else the default).
double ParamNumber(const RuleResult& r, const std::string& key, double fallback);

// The finding of `rule` from its firings in one stage. `taken`: idle-GPU
// windows of LowGPUUtilization/BatchSize counted for this cause.
FindingItem RuleFindingItem(const std::string& rule, const RuleResult& r, Stage stage,
                            const std::vector<const RuleFinding*>& firings, size_t taken, int gpus,
                            const ReportContext& ctx);
FindingItem InitializationFinding(const RuleResult& r, double init_s, const std::string& traffic,
                                  const ReportContext& ctx);
FindingItem StepOutlierFinding(const RuleResult& r, const StepOutlierCost& c);
// Initialization or finalization that took a large share of the job
// without a rule firing.
FindingItem LongStageFinding(Stage stage, double seconds, double job_s);
// A triggered rule known only from its JSON (sm-report render): no where
// or when.
FindingItem FromJsonOnly(const RuleResult& r);

// "1.2 GB of SageMaker platform traffic (input download) ... before the
// first step." ("" when under 1 MB).
std::string TrafficText(Stage stage, const NetworkBytes& nb);
// "Estimated cost: 5 min 12 s (20.8 % of the job)".
std::string ImpactText(double seconds, double job_s);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_FINDING_TEXTS_H_
