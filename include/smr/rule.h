// Rules: pure functions over the AnalysisContext that reproduce SageMaker's
// ProfilerReport rules (docs/rules.md §4). A Rule holds its parameter
// values; Evaluate() is const and never throws. The registry is one explicit
// list (src/rules/builtin_rules.cc) in SageMaker's rule order.
#ifndef SMR_RULE_H_
#define SMR_RULE_H_

#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/analysis.h"
#include "smr/status.h"

namespace smr {

enum class ParamType { kInt, kDouble, kPercent, kString };

// The values a numeric parameter accepts: an interval whose ends may be
// open, closed or unbounded, optionally of integers only. The rule
// configuration rejects values outside it (rule_config.h) and
// `sm-report rules` shows it.
struct ParamRange {
  static constexpr double kUnbounded = std::numeric_limits<double>::infinity();
  double min = -kUnbounded;
  double max = kUnbounded;
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool integer = false;

  // [0, 100]: percentages and percentiles.
  static constexpr ParamRange Percent() { return {0, 100, false, false, false}; }
  // 1, 2, 3, ...: windows, patience, counts.
  static constexpr ParamRange PositiveInteger() { return {1, kUnbounded, false, false, true}; }
  // (0, max]: scale factors, durations, ratios bounded by `max`.
  static constexpr ParamRange Positive(double max = kUnbounded) {
    return {0, max, true, false, false};
  }

  bool Contains(double v) const;
  // For messages: "a number from 0 to 100", "a positive integer",
  // "a number greater than 0 and at most 1".
  std::string Describe() const;
  // Compact form for listings: "0 to 100", "> 0", "integer >= 1", "> 0, <= 1".
  std::string Short() const;
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kDouble;
  std::string default_value;  // as printed in RuleParameters
  std::string unit;           // "%", "samples", "minutes", ...
  std::string description;
  // The meaningful values; unset: ParamRangeOf's default for the type.
  std::optional<ParamRange> range = std::nullopt;
};

// The range a parameter accepts: spec.range, or by type when unset
// (kPercent [0, 100], kInt a positive integer, kDouble > 0, kString none).
std::optional<ParamRange> ParamRangeOf(const ParamSpec& spec);

// Where and when a rule fired, for the report's "when and where" (not part of
// SageMaker's JSON). Rules append one per trigger; optional.
struct RuleFinding {
  int64_t window_start_us = 0;  // start of the 60 s window that fired
  std::string node;             // "" if not node-specific
  std::string device;           // "gpu0", "" ...
  double value = 0;             // the statistic that crossed the threshold
};

struct RuleResult {
  std::string name;
  int64_t triggered = 0;   // "RuleTriggered"
  int64_t violations = 0;  // "Violations"
  int64_t datapoints = 0;  // "Datapoints"
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  std::string rule_parameters;  // "key:value\nkey:value"
  bool failed = false;          // internal error: see error
  std::string error;
  bool applicable = true;  // false when the data the rule needs is absent
  std::string not_applicable_reason;
  // Non-empty when the rule ran on too little data to decide (fewer
  // datapoints than its patience, too few steps): says what was missing.
  // The result then has RuleTriggered 0, as in SageMaker's JSON, but the
  // report says "not evaluated" instead of "ok".
  std::string not_evaluated_reason;
  std::vector<RuleFinding> findings;  // report only; never serialized
};

// SageMaker's single-line JSON (key order RuleTriggered, Violations, Details,
// Datapoints, RuleParameters; ", " and ": " separators; floats as Python repr).
// A failed rule (r.failed) gets one more key, "Error": r.error, at the end.
std::string RuleResultToJson(const RuleResult& r);
// Python-json.dumps-compatible serialization of any ordered_json.
std::string DumpPythonJson(const nlohmann::ordered_json& j);

// Parses one SageMaker rule JSON (`profiler-reports/<Rule>.json`) into a
// RuleResult named `name` (key order of Details is kept): the inverse of
// RuleResultToJson. Error on invalid JSON ("not valid JSON: line 1, column
// 21: ...") or a wrong envelope (a missing or non-integer RuleTriggered,
// Violations or Datapoints, Details not an object, RuleParameters not a
// string); the message does not repeat the file's name.
StatusOr<RuleResult> ParseRuleResultJson(const std::string& name, std::string_view json);

// `sm-report render`: the states that results read with ParseRuleResultJson
// show by themselves (the rules do not run), set as the rules set them:
// applicable = false with not_applicable_reason (Datapoints 0 of a GPU
// rule, no GPU in OverallSystemUsage, a single GPU per node in
// LoadBalancing, no framework data), or not_evaluated_reason (did not fire
// and Datapoints never exceeded the rule's patience; StepOutlier without a
// phase of more than 100 steps; Dataloader's final median outside its
// range without a violation). Failed results are left alone; RuleTriggered
// and the other JSON fields never change.
void InferStatesFromJson(std::vector<RuleResult>* results);

class StateReader;
class StateWriter;

// A rule's state over a shard of the input's nodes (smr/shard.h,
// docs/scaling.md): computed from one shard, merged with the partials of
// the other shards, then finished into the rule's result. Merging is exact:
// whatever the grouping of nodes into shards and the order of merges, the
// finished result is byte for byte the one the rule gives on the whole
// input. A node's values stay whole inside one shard; what crosses nodes
// (sums, first-seen orders, cumulative checks per window) is kept per node
// or per file and combined in the whole input's reader order at Finish.
class RulePartial {
 public:
  virtual ~RulePartial() = default;
  // Adds `other`, the partial of the same rule (same parameters) over other
  // files. Error when both hold data of one key that must stay whole (a
  // node whose files were split over two shards).
  virtual Status Merge(RulePartial&& other) = 0;
  virtual void Save(StateWriter* out) const = 0;
  // Reads what Save wrote (into a partial from Rule::EmptyPartial).
  virtual Status Load(StateReader* in) = 0;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view name() const = 0;         // "LowGPUUtilization"
  virtual std::string_view description() const = 0;  // rules-summary text
  virtual std::string_view recommendation() const = 0;
  virtual const std::vector<ParamSpec>& params() const = 0;
  // Sets a parameter from text; validates type and range. Error message names
  // the rule, the parameter and what is allowed.
  virtual Status SetParam(std::string_view param, std::string_view value) = 0;
  // Checks the combination of parameter values once all are set (e.g. a
  // lower threshold below an upper one); one-line error naming the rule.
  virtual Status ValidateParams() const { return Status::Ok(); }
  // "key:value\n..." with the values in use, in SageMaker's order.
  virtual std::string RuleParameters() const = 0;
  virtual RuleResult Evaluate(const AnalysisContext& ctx) const = 0;

  // Sharded evaluation (RulePartial). A rule that supports it returns its
  // partial over the shard `ctx` (whose windows follow the whole input's
  // PlanLayout), and its Evaluate is Finish(Partial(ctx)), so one process
  // and any sharding give the same result. nullptr: the rule reads only
  // what is merged before the rules run (ctx.kineto), and is evaluated once
  // on the merged context.
  virtual std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const;
  // An empty partial of this rule, to Load a saved one into.
  virtual std::unique_ptr<RulePartial> EmptyPartial() const;
  // The result from the merged partial of every shard; `ctx` is the whole
  // job's context without raw data: its windows are the whole input's plan
  // (WindowPlan over an empty store), its store is empty, its kineto is the
  // merged analysis.
  virtual RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const;

  // Rules that need a second look at every shard once the first partials
  // are merged (the framework events around the bottlenecks of the windows
  // that fired, which only the merged counts tell): two_pass() is true, the
  // second pass over each shard gets the merged first partial, and
  // FinishTwoPass gets both merged partials. Evaluate is then
  // FinishTwoPass(first, SecondPartial(ctx, first)).
  virtual bool two_pass() const { return false; }
  virtual std::unique_ptr<RulePartial> SecondPartial(const AnalysisContext& ctx,
                                                     const RulePartial& first) const;
  virtual std::unique_ptr<RulePartial> EmptySecondPartial() const;
  virtual RuleResult FinishTwoPass(RulePartial&& first, RulePartial&& second,
                                   const AnalysisContext& ctx) const;
};

// Runs one rule; if it throws, the result says it failed (never fatal).
RuleResult EvaluateRule(const Rule& rule, const AnalysisContext& ctx);
// Runs every rule; a rule that throws is reported as failed, never fatal.
std::vector<RuleResult> EvaluateRules(const std::vector<std::unique_ptr<Rule>>& rules,
                                      const AnalysisContext& ctx);

// One row of the built-in rule list (src/rules/builtin_rules.cc).
struct BuiltinRule {
  std::string_view name;              // "CPUBottleneck"
  std::unique_ptr<Rule> (*create)();  // a rule with its default parameters
  // One of SageMaker ProfilerReport's rules: its JSON is expected in a
  // SageMaker rule-output folder (`sm-report render` says when it is
  // missing). False for rules sm-report adds.
  bool profiler_report = true;
  // Reads PyTorch-profiler (Kineto) traces only (AnalysisContext::kineto):
  // `build` leaves the rule out (no JSON, no row in the rules table, not in
  // findings.json) when the data has no such trace.
  bool needs_kineto = false;
};

// The built-in rules in SageMaker ProfilerReport order (CPUBottleneck,
// IOBottleneck, LowGPUUtilization, StepOutlier, GPUMemoryIncrease,
// BatchSize, MaxInitializationTime, LoadBalancing, OverallSystemUsage,
// Dataloader, OverallFrameworkMetrics), then the rules on Kineto traces
// (DataloaderBound, HostBound, CommunicationBound, Straggler, SyncCopies,
// SmallKernels).
std::span<const BuiltinRule> BuiltinRules();
// The row of rule `name`; nullptr if there is no such built-in rule.
const BuiltinRule* FindBuiltinRule(std::string_view name);
// Their names, in that order.
std::vector<std::string> BuiltinRuleNames();
// The names of those that are SageMaker ProfilerReport rules, in its order.
std::vector<std::string> ProfilerReportRuleNamesOf(std::span<const BuiltinRule> rules);
// One instance of each, in that order.
std::vector<std::unique_ptr<Rule>> CreateBuiltinRules();
// Removes from `rules` the built-in rules that need Kineto traces
// (BuiltinRule::needs_kineto) unless `has_kineto`; other rules stay.
void DropKinetoRules(bool has_kineto, std::vector<std::unique_ptr<Rule>>* rules);
// The default of a built-in rule's parameter as RuleParameters prints it
// ("50", "0.2", "None"); "" for an unknown rule or parameter.
std::string BuiltinParamDefault(std::string_view rule, std::string_view param);

}  // namespace smr

#endif  // SMR_RULE_H_
