// Comparing jobs (`sm-report diff`, docs/diff.md): each job's facts as its
// findings.json states them, its cost (instance type and count, hourly
// price, billed time), and the comparison of every later job with the
// baseline (the first) and with the job before it, with the changes beyond
// the thresholds flagged. Plain data and pure functions; reading inputs and
// writing outputs is the pipeline's (src/pipeline/run_diff.cc).
#ifndef SMR_COMPARE_H_
#define SMR_COMPARE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smr/report_model.h"
#include "smr/status.h"

namespace smr {

// ---- Job facts (src/compare/job_facts.cc) ---------------------------------

// The findings.json major version the diff reads.
inline constexpr int kFindingsSchemaVersion = 1;

struct Quantiles {
  std::optional<double> p50;
  std::optional<double> p95;
};

struct PhaseSteps {
  std::string phase;  // "TRAIN", "EVAL", ...
  Quantiles seconds;
  int64_t steps = 0;
};

struct RuleOutcome {
  std::string name;
  std::string state;  // findings.json's: "triggered", "not_triggered", ...
  int64_t triggered = 0;
};

struct JobDataQuality {
  bool clean = true;
  int64_t files_not_read = 0;
  int64_t records_skipped = 0;
};

// One job as its findings.json describes it.
struct JobFacts {
  std::string source_kind;  // findings.json's source.kind
  std::string source_path;  // findings.json's source.path
  std::string verdict;      // "issues" / "ok"
  std::string summary;
  std::optional<double> duration_s, initialization_s, training_loop_s, finalization_s;
  std::vector<std::string> nodes;
  std::optional<int64_t> gpus;
  std::vector<PhaseSteps> step_time;                           // the file's phase order
  std::vector<std::pair<std::string, Quantiles>> utilization;  // "cpu", "gpu", ...
  std::optional<JobDataQuality> data_quality;                  // none for rule-JSON input
  std::vector<RuleOutcome> rules;
};

// Parses a findings.json document. Errors name `file`: not JSON, no
// schema_version, an unknown major version, a field of the wrong type.
StatusOr<JobFacts> ParseFindingsJson(std::string_view text, const std::string& file);

// ---- describe-training-job (src/compare/training_job.cc) ------------------

// The fields of `aws sagemaker describe-training-job` output the cost needs.
struct TrainingJobDescription {
  std::string job_name;                   // TrainingJobName
  std::string instance_type;              // ResourceConfig.InstanceType
  int instance_count = 1;                 // ResourceConfig.InstanceCount
  std::optional<double> training_time_s;  // TrainingTimeInSeconds
  std::optional<double> billable_time_s;  // BillableTimeInSeconds (per instance)
  bool managed_spot = false;              // EnableManagedSpotTraining
};

StatusOr<TrainingJobDescription> ParseTrainingJobDescription(std::string_view text,
                                                             const std::string& file);

// ---- Prices (src/compare/instance_prices.cc) -------------------------------

inline constexpr const char* kDefaultRegion = "us-east-1";

// Where and when the built-in prices were taken (docs/diff.md).
const char* BuiltinPriceSource();
const char* BuiltinPriceDate();

// The regions of the built-in table.
std::vector<std::string> BuiltinPriceRegions();

// On-demand Linux training price in USD per instance-hour, if built in.
std::optional<double> BuiltinHourlyPrice(const std::string& region,
                                         const std::string& instance_type);

// ---- Configuration (src/compare/diff_config.cc) ----------------------------

// Changes smaller than these are not flagged (docs/diff.md, "Thresholds").
struct DiffThresholds {
  double duration_pct = 5;         // job and phase durations, relative
  double duration_min_s = 10;      // ... and never a change of less than this
  double cost_pct = 5;             // cost, relative
  double step_time_pct = 10;       // step time p50/p95, relative
  double utilization_points = 10;  // utilization p50/p95, percentage points
  double records_skipped = 0;      // records skipped / files not read, absolute
};

struct JobConfig {
  std::string instance_type;  // "" = not set
  int instance_count = 0;     // 0 = not set
  std::string describe;       // path of a describe-training-job JSON ("" = none)
};

struct DiffConfig {
  std::string path;                       // the file read ("" = no config)
  std::string region;                     // "" = not set
  std::map<std::string, double> prices;   // instance type -> USD per hour
  std::map<std::string, JobConfig> jobs;  // by job label (or 1-based position)
  DiffThresholds thresholds;
};

// Parses the `--config` JSON. Unknown keys are errors naming the key and
// `path`; a relative "describe" path is taken relative to the file's folder.
StatusOr<DiffConfig> ParseDiffConfig(std::string_view text, const std::string& path);

// ---- Cost (src/compare/job_cost.cc) -----------------------------------------

// Where the instance type and count of a job come from, and the
// describe-training-job JSON found for it, if any.
struct CostInputs {
  std::string instance_type;  // "" = unknown
  int instance_count = 1;
  std::string
      instance_source;  // "--job", "--describe FILE", "FILE (beside the input)", "config FILE"
  std::optional<TrainingJobDescription> describe;
  std::string describe_source;  // the describe JSON's path
};

struct JobCost {
  std::string instance_type;
  int instance_count = 1;
  std::string instance_source;
  std::optional<double> hourly_price;     // USD per instance-hour
  std::string price_source;               // "built-in us-east-1 prices", "config FILE"
  std::optional<double> billed_seconds;   // per instance
  bool billed_from_describe = false;      // false: the profiled job duration
  std::optional<double> cost_usd;         // billed_seconds x count x price / 3600
  std::optional<double> spot_saving_pct;  // managed spot: 1 - billable / training
  std::string note;  // why the cost is unknown, or how the billed time was approximated
};

// Prices in force: the built-in table of `region` extended and overridden by
// `overrides` (the config's "prices").
struct PriceBook {
  std::string region = kDefaultRegion;
  std::map<std::string, double> overrides;
  std::string overrides_source;  // "config FILE"
};

JobCost ComputeJobCost(const CostInputs& in, std::optional<double> profiled_duration_s,
                       const PriceBook& prices);

// ---- Comparison (src/compare/comparison.cc) ---------------------------------

enum class Better { kLower, kHigher, kNone };
enum class ChangeFlag { kNone, kImprovement, kRegression };
// How a metric's threshold applies: relative % of the earlier value,
// percentage points, or an absolute count.
enum class ThresholdKind { kRelative, kPoints, kAbsolute };

struct Change {
  std::optional<double> delta;      // later - earlier
  std::optional<double> delta_pct;  // delta / earlier x 100 (none when earlier is 0)
  ChangeFlag flag = ChangeFlag::kNone;
};

struct MetricRow {
  std::string group;  // "Time", "Step time", "Utilization", "Data quality", "Cost"
  std::string key;    // stable id for the JSON ("duration_s", "step_time_s.TRAIN.p50")
  std::string name;   // display name
  std::string unit;   // "s", "%", "USD", ""
  Better better = Better::kNone;
  ThresholdKind threshold_kind = ThresholdKind::kRelative;
  double threshold = 0;
  double min_abs = 0;  // a smaller |delta| is never flagged (durations: duration_min_s)
  int decimals = 0;    // shown with this many decimals
  std::vector<std::optional<double>> values;  // one per job
  std::vector<Change> vs_baseline;            // per job; [0] is empty
  std::vector<Change> vs_previous;            // per job; [0] and [1] as vs_baseline
};

// A rule's state in every job; changes of a later job against the baseline.
struct RuleRow {
  std::string name;
  std::vector<std::string> states;  // one per job ("" = not in that job)
  std::vector<bool> triggered;
  std::vector<ChangeFlag> vs_baseline;  // newly triggered = regression, resolved = improvement
  std::vector<ChangeFlag> vs_previous;
};

struct JobColumn {
  std::string label;
  std::string input;  // the input as given
  JobFacts facts;
  JobCost cost;
};

struct Comparison {
  std::vector<JobColumn> jobs;  // [0] = baseline
  std::vector<MetricRow> metrics;
  std::vector<RuleRow> rules;
  std::vector<std::string> verdicts;  // one per later job, against the baseline
  std::vector<int> regressions;       // per job: regressions against the baseline
  DiffThresholds thresholds;
  std::string region;
};

// Compares the jobs (at least two); the verdict of each later job reads
// "B vs A: training 95.1 % faster, cost $18.45 (95.1 %) lower; 2 rules no
// longer triggered; no regressions".
Comparison CompareJobs(std::vector<JobColumn> jobs, const DiffThresholds& thresholds,
                       const std::string& region);

// True when any job regresses against the baseline.
bool AnyRegression(const Comparison& c);

// ---- Job labels and --job values (src/compare/job_labels.cc) ---------------

// The label of an input: its folder's base name, or its parent's when the
// base name is generic (profiler-output, profiler-reports, rule-output,
// findings.json, ...). "runs/bs1024/profiler-output" -> "bs1024".
std::string DefaultJobLabel(const std::string& input);

// Labels of all inputs; a label that repeats gets " (2)", " (3)", ... from
// its second use on.
std::vector<std::string> JobLabels(const std::vector<std::string>& inputs);

// The index of the job `name` refers to: a label, or a 1-based position
// ("2"); -1 when none.
int FindJob(const std::string& name, const std::vector<std::string>& labels);

struct InstanceSpec {
  std::string type;  // "ml.p3.2xlarge"
  int count = 1;
};

// "ml.p3.2xlarge" or "ml.p3.2xlarge:2".
StatusOr<InstanceSpec> ParseInstanceSpec(const std::string& text);

// "NAME=VALUE" of --job and --describe; an error names `option`.
StatusOr<std::pair<std::string, std::string>> SplitNameValue(const std::string& arg,
                                                             const char* option,
                                                             const char* value_form);

// ---- Outputs (src/compare/diff_model.cc, diff_json.cc) ------------------------

// The comparison as a report ("sm-report diff: A vs B"), for RenderHtml,
// RenderPdf and RenderMarkdown.
ReportModel BuildDiffReportModel(const Comparison& c, const std::string& generated_by);

// diff-report.json (schema_version 1, docs/diff.md), indented, ending in a newline.
std::string DiffReportJson(const Comparison& c, const std::string& generated_by);

// ---- Formatting shared by the outputs (src/compare/diff_format.cc) ----------

std::string FormatUsd(double usd);  // "$19.40", "$1,234.50"
std::string FormatMetricValue(const MetricRow& row, std::optional<double> v);
std::string FormatChange(const MetricRow& row, const Change& c);  // "-95.1 % (-17,367 s)"
const char* ChangeFlagName(ChangeFlag f);                         // "", "improvement", "regression"

}  // namespace smr

#endif  // SMR_COMPARE_H_
