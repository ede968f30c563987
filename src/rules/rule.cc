// Rule JSON serialization (json.dumps-compatible) and the evaluation loop.
#include "smr/rule.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "src/rules/python_json.h"

namespace smr {

std::string PythonFloatRepr(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0) return std::signbit(x) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-9.704999999999995e+01"
  std::string out;
  size_t pos = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    pos = 1;
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (size_t i = pos; i < e_pos; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  const int exp10 = std::stoi(sci.substr(e_pos + 1));
  if (exp10 < -4 || exp10 >= 16) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out += fmt::format("e{}{:02d}", exp10 < 0 ? '-' : '+', std::abs(exp10));
    return out;
  }
  if (exp10 < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp10 - 1), '0');
    out += digits;
    return out;
  }
  const size_t int_len = static_cast<size_t>(exp10) + 1;
  if (digits.size() <= int_len) {
    out += digits;
    out.append(int_len - digits.size(), '0');
    out += ".0";
  } else {
    out.append(digits, 0, int_len);
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

double NumpyRound(double x, int ndigits) {
  if (!std::isfinite(x)) return x;
  const double scale = std::pow(10.0, ndigits);  // numpy: 10**ndigits, exact for small n
  return std::nearbyint(x * scale) / scale;      // rint: ties to even (default mode)
}

std::string FormatParamNumber(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return PythonFloatRepr(v);
}

namespace {

void AppendCodeUnit(std::string* out, uint32_t u) { *out += fmt::format("\\u{:04x}", u); }

// json.dumps(ensure_ascii=True) string escaping.
void AppendPythonString(std::string* out, const std::string& s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        case '\b':
          *out += "\\b";
          break;
        case '\f':
          *out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            if (c == 0x7f)
              out->push_back(static_cast<char>(c));
            else
              AppendCodeUnit(out, c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; invalid bytes become U+FFFD.
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07;
    else
      len = 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        ok = false;
      else
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      cp = 0xFFFD;
      len = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      AppendCodeUnit(out, 0xD800 + (cp >> 10));
      AppendCodeUnit(out, 0xDC00 + (cp & 0x3FF));
    } else {
      AppendCodeUnit(out, cp);
    }
    i += len;
  }
  out->push_back('"');
}

void AppendPythonJson(std::string* out, const nlohmann::ordered_json& j) {
  using V = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case V::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) *out += ", ";
        first = false;
        AppendPythonString(out, it.key());
        *out += ": ";
        AppendPythonJson(out, it.value());
      }
      out->push_back('}');
      break;
    }
    case V::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& v : j) {
        if (!first) *out += ", ";
        first = false;
        AppendPythonJson(out, v);
      }
      out->push_back(']');
      break;
    }
    case V::string:
      AppendPythonString(out, j.get_ref<const std::string&>());
      break;
    case V::boolean:
      *out += j.get<bool>() ? "true" : "false";
      break;
    case V::number_integer:
      *out += std::to_string(j.get<int64_t>());
      break;
    case V::number_unsigned:
      *out += std::to_string(j.get<uint64_t>());
      break;
    case V::number_float:
      *out += PythonFloatRepr(j.get<double>());
      break;
    case V::null:
    case V::discarded:
    case V::binary:
    default:
      *out += "null";
      break;
  }
}

}  // namespace

bool ParamRange::Contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (min_exclusive ? v <= min : v < min) return false;
  if (max_exclusive ? v >= max : v > max) return false;
  return !integer || v == std::floor(v);
}

std::string ParamRange::Describe() const {
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  const char* kind = integer ? "an integer" : "a number";
  if (integer && has_min && !has_max && min == 1 && !min_exclusive) return "a positive integer";
  if (has_min && has_max && !min_exclusive && !max_exclusive) {
    return fmt::format("{} from {} to {}", kind, min, max);
  }
  std::string out = kind;
  if (has_min) out += fmt::format(" {} {}", min_exclusive ? "greater than" : "of at least", min);
  if (has_min && has_max) out += " and";
  if (has_max) out += fmt::format(" {} {}", max_exclusive ? "less than" : "at most", max);
  if (!has_min && !has_max) return integer ? "any integer" : "any number";
  return out;
}

std::string ParamRange::Short() const {
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  std::string out = integer ? "integer " : "";
  if (has_min && has_max && !min_exclusive && !max_exclusive) {
    return out + fmt::format("{} to {}", min, max);
  }
  if (has_min) out += fmt::format("{} {}", min_exclusive ? ">" : ">=", min);
  if (has_min && has_max) out += ", ";
  if (has_max) out += fmt::format("{} {}", max_exclusive ? "<" : "<=", max);
  if (!has_min && !has_max) out += "any";
  return out;
}

std::optional<ParamRange> ParamRangeOf(const ParamSpec& spec) {
  if (spec.range) return spec.range;
  switch (spec.type) {
    case ParamType::kPercent:
      return ParamRange::Percent();
    case ParamType::kInt:
      return ParamRange::PositiveInteger();
    case ParamType::kDouble:
      return ParamRange::Positive();
    case ParamType::kString:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string DumpPythonJson(const nlohmann::ordered_json& j) {
  std::string out;
  AppendPythonJson(&out, j);
  return out;
}

std::string RuleResultToJson(const RuleResult& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["RuleTriggered"] = r.triggered;
  j["Violations"] = r.violations;
  j["Details"] = r.details.is_null() ? nlohmann::ordered_json::object() : r.details;
  j["Datapoints"] = r.datapoints;
  j["RuleParameters"] = r.rule_parameters;
  // Not in SageMaker's schema: a rule that failed with an internal error says
  // so after the envelope, so a reader never takes its zeros for a pass.
  if (r.failed) j["Error"] = r.error;
  return DumpPythonJson(j);
}

std::unique_ptr<RulePartial> Rule::Partial(const AnalysisContext& /*ctx*/) const { return nullptr; }

std::unique_ptr<RulePartial> Rule::EmptyPartial() const { return nullptr; }

RuleResult Rule::Finish(RulePartial&& /*merged*/, const AnalysisContext& /*ctx*/) const {
  throw std::logic_error(fmt::format("rule {} has no sharded evaluation", name()));
}

std::unique_ptr<RulePartial> Rule::SecondPartial(const AnalysisContext& /*ctx*/,
                                                 const RulePartial& /*first*/) const {
  return nullptr;
}

std::unique_ptr<RulePartial> Rule::EmptySecondPartial() const { return nullptr; }

RuleResult Rule::FinishTwoPass(RulePartial&& /*first*/, RulePartial&& /*second*/,
                               const AnalysisContext& /*ctx*/) const {
  throw std::logic_error(fmt::format("rule {} has no two-pass evaluation", name()));
}

RuleResult EvaluateRule(const Rule& rule, const AnalysisContext& ctx) {
  RuleResult r;
  try {
    r = rule.Evaluate(ctx);
  } catch (const std::exception& e) {
    r = RuleResult{};
    r.failed = true;
    r.error = fmt::format("rule {} failed: {}", rule.name(), e.what());
  } catch (...) {
    r = RuleResult{};
    r.failed = true;
    r.error = fmt::format("rule {} failed: unknown error", rule.name());
  }
  r.name = std::string(rule.name());
  if (r.rule_parameters.empty()) r.rule_parameters = rule.RuleParameters();
  return r;
}

std::vector<RuleResult> EvaluateRules(const std::vector<std::unique_ptr<Rule>>& rules,
                                      const AnalysisContext& ctx) {
  std::vector<RuleResult> results;
  results.reserve(rules.size());
  for (const auto& rule : rules) results.push_back(EvaluateRule(*rule, ctx));
  return results;
}

}  // namespace smr
