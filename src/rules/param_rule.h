// ParamRule: the shared part of every built-in rule. A rule is described by
// one RuleDescriptor (name, texts, and one ParamRow per parameter: name,
// member of the rule's Params struct it binds to, type, unit, description,
// range); the default of a parameter is the Params struct's member
// initializer. From these come params() (ParamSpec with the default as
// text), SetParam, RuleParameters (SageMaker's "key:value\n..." text) and
// `sm-report rules`. builtin_rules.h declares each rule's Params struct and
// class, builtin_rules.cc holds its rows and descriptor (plus ValidateParams
// for cross-parameter checks), and src/rules/<rule>.cc its Evaluate.
#ifndef SMR_SRC_RULES_PARAM_RULE_H_
#define SMR_SRC_RULES_PARAM_RULE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "smr/rule.h"
#include "smr/status.h"

namespace smr {

// The member of Params a parameter binds to.
template <typename Params>
using ParamMember = std::variant<double Params::*, int64_t Params::*, std::string Params::*>;

// One parameter. The value text is parsed by type: kPercent a number from 0
// to 100, kDouble a number > 0, kInt an integer >= 1, kString any text
// ("None" and the empty string are Python's None). `range` is what the rule
// configuration accepts (unset: ParamRangeOf's default for the type).
template <typename Params>
struct ParamRow {
  std::string_view name;
  ParamMember<Params> member;
  ParamType type = ParamType::kDouble;
  std::string_view unit;  // "%", "samples", "minutes", ...
  std::string_view description;
  std::optional<ParamRange> range = std::nullopt;
};

// One line "key:value" of RuleParameters: the value of parameter `param`.
struct PrintedParam {
  std::string_view key;
  std::string_view param;
};

template <typename Params>
struct RuleDescriptor {
  std::string_view name;  // "CPUBottleneck"
  std::string_view description;
  std::string_view recommendation;
  std::span<const ParamRow<Params>> rows;
  // RuleParameters in SageMaker's order when it is not every row in row
  // order (a parameter printed twice, a hidden one).
  std::span<const PrintedParam> printed = {};
};

// Value text as RuleParameters prints it: numbers as Python's f"{v}" of
// what SageMaker passed ("70", "0.2"), an empty string as "None".
std::string ParamValueText(double v);
std::string ParamValueText(int64_t v);
std::string ParamValueText(const std::string& v);

// A number as parameter values are written: surrounding blanks and a
// leading '+' allowed, finite.
bool ParseParamNumber(std::string_view text, double* out);

// Parses `text` into `*out` as a parameter of `type` (see ParamRow); the
// error names the rule, the parameter and what is allowed.
Status ParseParamValue(std::string_view rule, std::string_view param, ParamType type,
                       std::string_view text, double* out);
Status ParseParamValue(std::string_view rule, std::string_view param, ParamType type,
                       std::string_view text, int64_t* out);
Status ParseParamValue(std::string_view rule, std::string_view param, ParamType type,
                       std::string_view text, std::string* out);

// "rule X has no parameter 'y' (allowed: a, b)"; for rules without
// parameters the message says so.
Status UnknownParamError(std::string_view rule, std::string_view param,
                         const std::vector<ParamSpec>& specs);

// Joins "key:value" lines with '\n'.
std::string JoinRuleParameters(const std::vector<std::pair<std::string_view, std::string>>& kv);

// Rules without parameters.
struct NoParams {};

template <typename Params>
class ParamRule : public Rule {
 public:
  using Descriptor = RuleDescriptor<Params>;

  ParamRule(const Descriptor& descriptor, Params params)
      : d_(&descriptor), p_(std::move(params)), specs_(MakeSpecs(descriptor)) {}

  std::string_view name() const override { return d_->name; }
  std::string_view description() const override { return d_->description; }
  std::string_view recommendation() const override { return d_->recommendation; }
  const std::vector<ParamSpec>& params() const override { return specs_; }

  Status SetParam(std::string_view param, std::string_view value) override {
    const ParamRow<Params>* row = Find(param);
    if constexpr (std::is_empty_v<Params>) row = nullptr;  // no members to bind
    if (row == nullptr) return UnknownParam(param);
    return std::visit(
        [&](auto member) {
          return ParseParamValue(d_->name, param, row->type, value, &(p_.*member));
        },
        row->member);
  }

  std::string RuleParameters() const override {
    std::vector<std::pair<std::string_view, std::string>> kv;
    if (d_->printed.empty()) {
      for (const ParamRow<Params>& row : d_->rows) kv.emplace_back(row.name, Text(p_, row));
    } else {
      for (const PrintedParam& line : d_->printed) {
        kv.emplace_back(line.key, Text(p_, *Find(line.param)));
      }
    }
    return JoinRuleParameters(kv);
  }

  const Params& values() const { return p_; }

 protected:
  const Descriptor* d_;
  Params p_;

 private:
  const ParamRow<Params>* Find(std::string_view param) const {
    for (const ParamRow<Params>& row : d_->rows) {
      if (row.name == param) return &row;
    }
    return nullptr;
  }
  Status UnknownParam(std::string_view param) const;
  static std::string Text(const Params& p, const ParamRow<Params>& row) {
    if constexpr (std::is_empty_v<Params>) {
      return "";  // no members to bind
    } else {
      return std::visit([&](auto member) { return ParamValueText(p.*member); }, row.member);
    }
  }
  static std::vector<ParamSpec> MakeSpecs(const Descriptor& d) {
    const Params defaults{};
    std::vector<ParamSpec> specs;
    for (const ParamRow<Params>& row : d.rows) {
      specs.push_back({std::string(row.name), row.type, Text(defaults, row), std::string(row.unit),
                       std::string(row.description), row.range});
    }
    return specs;
  }

  std::vector<ParamSpec> specs_;
};

template <typename Params>
Status ParamRule<Params>::UnknownParam(std::string_view param) const {
  return UnknownParamError(d_->name, param, specs_);
}

}  // namespace smr

#endif  // SMR_SRC_RULES_PARAM_RULE_H_
