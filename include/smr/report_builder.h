// Report builder: turns rule results (and, when available, the timeline, the
// data-quality summary and the raw store) into the plain ReportModel both
// renderers draw. Every number it shows comes from a RuleResult's JSON
// Details, the timeline, the DataQuality summary or an analysis view of the
// store (smr/analysis.h), so the report and the JSON outputs never disagree;
// recorded metrics are plotted as they are. The sections and their order are
// listed in src/report/section_list.cc.
#ifndef SMR_REPORT_BUILDER_H_
#define SMR_REPORT_BUILDER_H_

#include <memory>
#include <string>
#include <vector>

#include "smr/analysis.h"
#include "smr/data_quality.h"
#include "smr/diagnostics.h"
#include "smr/discover.h"
#include "smr/report_model.h"
#include "smr/rule.h"
#include "smr/store.h"

namespace smr {

// Network traffic (all nodes) from the job start to the first step and
// from the end of the last step to the job end (+1 s).
struct StageTraffic {
  NetworkBytes initialization;
  NetworkBytes finalization;
};
StageTraffic StageTrafficOf(const MetricStore& store, const JobTimeline& timeline);

struct ReportInputs {
  std::string input_dir;
  std::string generated_by;  // "sm-report 0.1.0"
  // Rule results in evaluation order, and the rules that produced them (for
  // descriptions); rules may be shorter than results (render-from-JSON mode).
  const std::vector<RuleResult>* results = nullptr;
  const std::vector<std::unique_ptr<Rule>>* rules = nullptr;
  // Optional raw data (absent when rendering from rule JSONs only).
  const Discovery* discovery = nullptr;
  const MetricStore* store = nullptr;
  const JobTimeline* timeline = nullptr;
  const WindowPlan* windows = nullptr;  // what the rules evaluated
  // What the findings, the overview and the job summary read about nodes,
  // series, steps and time bounds (and the store whose strings the
  // timeline's ids refer to): null means `store`. A job read in shards of
  // nodes (docs/scaling.md) has no `store` (its charts of raw data are
  // left out) but the merged JobDigest's store here (smr/job_digest.h).
  const MetricStore* summary_store = nullptr;
  // Network traffic before the first step and after the last one, for the
  // findings on long initialization and finalization; null: computed from
  // `store` (NetworkBytesBetween).
  const StageTraffic* stage_traffic = nullptr;
  // Analyses of PyTorch-profiler traces (null or empty: none).
  const KinetoAnalysis* kineto = nullptr;
  // OverallSystemUsage over all system data, when the rule windows left
  // some out (the System usage section then describes the whole job).
  const RuleResult* system_usage_all_data = nullptr;
  const Diagnostics* diagnostics = nullptr;
  // The data-quality summary (the one written as data-quality.json). Without
  // it the Data quality section is a brief one from the store and the
  // diagnostics, or absent.
  const DataQuality* data_quality = nullptr;
  // Rules switched off by configuration (the report says so).
  std::vector<std::string> disabled_rules;
  // Rules without a result (render from rule JSONs): state kMissing or
  // kUnreadable and the reason ("BatchSize.json: not valid JSON: line 1,
  // column 21: ..."). The rules table and the rule's section show them.
  std::vector<RuleStatus> unavailable_rules;
};

ReportModel BuildReportModel(const ReportInputs& in);

// ReportInputs::summary_store, else ReportInputs::store (may be null).
inline const MetricStore* SummaryStore(const ReportInputs& in) {
  return in.summary_store != nullptr ? in.summary_store : in.store;
}

// The state the report gives a rule result, in this order: failed (detail:
// the error), not applicable (its reason, even if it fired), triggered, not
// evaluated (did not fire and has a not_evaluated_reason), ok. The rules
// table, the rule's section and ReportModel::rules all use it.
RuleStatus RuleStatusOf(const RuleResult& r);

// Display helpers (UTC). `FormatUtc(1639601706.5)` -> "2021-12-15 20:55:06".
std::string FormatUtc(double epoch_s);
std::string FormatDuration(double seconds);        // "1 h 02 min", "15 min 08 s", "42 s"
std::string FormatNumber(double v, int decimals);  // fixed, "-" for NaN
std::string FormatBytes(double bytes);             // "12.3 MB"

}  // namespace smr

#endif  // SMR_REPORT_BUILDER_H_
