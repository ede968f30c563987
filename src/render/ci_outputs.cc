// JUnit XML, Markdown summary and terminal summary from findings.json
// (include/smr/ci_outputs.h).
#include "smr/ci_outputs.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/diagnostics.h"
#include "src/render/json_fields.h"
#include "src/render/xml_text.h"

namespace smr {
namespace {

using json_fields::At;
using json_fields::Int;
using json_fields::Json;
using json_fields::Str;

// "93.2", "0.2354", "1250".
std::string Short(double v) { return fmt::format("{:.4g}", v); }

// The finding that covers the rule ("finding_rank": its own, or the cause
// it was counted under), or null.
const Json* TopFinding(const Json& doc, const Json& rule) {
  if (!doc.contains("findings") || !rule.contains("finding_rank")) return nullptr;
  const Json& rank = At(rule, "finding_rank");
  if (!rank.is_number_integer()) return nullptr;
  const int64_t i = rank.get<int64_t>() - 1;
  const Json& findings = At(doc, "findings");
  if (!findings.is_array() || i < 0 || i >= static_cast<int64_t>(findings.size())) return nullptr;
  return &findings[static_cast<size_t>(i)];
}

// "counted under CPUBottleneck (finding 1): " when the finding covering
// `rule` is another rule's (the idle GPUs of a CPU bottleneck), else "".
std::string CountedUnder(const Json& f, const Json& rule) {
  const std::string owner = Str(f, "rule");
  if (owner.empty() || owner == Str(rule, "name")) return "";
  return fmt::format("counted under {} (finding {}): ", owner, At(f, "rank").dump());
}

// "93.2 % (threshold 50 %)" from "measured"; "" when absent.
std::string MeasuredText(const Json& rule) {
  const Json& m = At(rule, "measured");
  if (!m.is_object() || !At(m, "value").is_number()) return "";
  const std::string unit = Str(m, "unit");
  const std::string sep = unit.empty() ? "" : " ";
  std::string text = Short(At(m, "value").get<double>()) + sep + unit;
  if (At(m, "threshold").is_number()) {
    text += fmt::format(" (threshold {}{}{})", Short(At(m, "threshold").get<double>()), sep, unit);
  }
  return text;
}

// The failure text of a triggered rule: counts, the top finding, the
// measured value and SageMaker's recommendation.
std::string FailureText(const Json& doc, const Json& rule) {
  const std::string name = Str(rule, "name");
  std::string text =
      fmt::format("{} triggered {} time(s): {} violations in {} datapoints.\n", name,
                  Int(rule, "triggered"), Int(rule, "violations"), Int(rule, "datapoints"));
  if (const Json* f = TopFinding(doc, rule)) {
    const std::string under = CountedUnder(*f, rule);
    text += under.empty() ? fmt::format("Finding {}: {}\n", At(*f, "rank").dump(), Str(*f, "title"))
                          : under + Str(*f, "title") + "\n";
    for (const auto& [label, key] : {std::pair<const char*, const char*>{"Where", "where"},
                                     {"Evidence", "evidence"},
                                     {"", "impact"},
                                     {"What to do", "action"}}) {
      const std::string v = Str(*f, key);
      if (v.empty()) continue;
      text += *label ? fmt::format("{}: {}\n", label, v) : v + "\n";
    }
  }
  if (const std::string m = MeasuredText(rule); !m.empty()) {
    text += fmt::format("Measured: {}\n", m);
  }
  if (const std::string rec = Str(rule, "recommendation"); !rec.empty()) {
    text += fmt::format("Recommendation: {}\n", rec);
  }
  return text;
}

// The failure message: the top finding's title, else the summary line.
std::string FailureMessage(const Json& doc, const Json& rule) {
  if (const Json* f = TopFinding(doc, rule)) return CountedUnder(*f, rule) + Str(*f, "title");
  return fmt::format("{} triggered", Str(rule, "name"));
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

Counts CountRules(const Json& doc) {
  Counts c;
  for (const Json& r : At(doc, "rules")) {
    ++c.tests;
    const std::string st = Str(r, "state");
    if (st == "triggered") ++c.failures;
    if (st == "failed" || st == "missing" || st == "unreadable") ++c.errors;
    if (st == "not_evaluated" || st == "not_applicable" || st == "disabled") ++c.skipped;
  }
  return c;
}

// "not evaluated: fewer than 1000 datapoints" from the state key and detail.
std::string StateText(const Json& rule) {
  std::string state = Str(rule, "state");
  for (char& ch : state) {
    if (ch == '_') ch = ' ';
  }
  const std::string detail = Str(rule, "state_detail");
  return detail.empty() ? state : state + ": " + detail;
}

std::string TestCase(const Json& doc, const Json& rule) {
  const std::string name = XmlEscape(Str(rule, "name"));
  const std::string st = Str(rule, "state");
  std::string body;
  if (st == "triggered") {
    body = fmt::format("      <failure message=\"{}\" type=\"triggered\">{}</failure>\n",
                       XmlEscape(FailureMessage(doc, rule)), XmlEscape(FailureText(doc, rule)));
  } else if (st == "failed" || st == "missing" || st == "unreadable") {
    body =
        fmt::format("      <error message=\"{}\" type=\"{}\"/>\n", XmlEscape(StateText(rule)), st);
  } else if (st == "not_evaluated" || st == "not_applicable" || st == "disabled") {
    body = fmt::format("      <skipped message=\"{}\"/>\n", XmlEscape(StateText(rule)));
  }
  if (body.empty()) {
    return fmt::format("    <testcase name=\"{}\" classname=\"sm-report.rules\" time=\"0\"/>\n",
                       name);
  }
  return fmt::format(
      "    <testcase name=\"{}\" classname=\"sm-report.rules\" time=\"0\">\n{}"
      "    </testcase>\n",
      name, body);
}

// "2021-12-15T20:55:06" (JUnit's timestamp has no zone; it is UTC), or
// the epoch when the job's start is unknown.
std::string Timestamp(const Json& doc) {
  std::string s = doc.contains("job") ? Str(At(doc, "job"), "start") : "";
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  return s.empty() ? "1970-01-01T00:00:00" : s;
}

}  // namespace

std::string RenderJUnitXml(const nlohmann::ordered_json& doc) {
  const Counts c = CountRules(doc);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"sm-report\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"0\">\n",
      c.tests, c.failures, c.errors, c.skipped);
  out += fmt::format(
      "  <testsuite name=\"sm-report\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"0\" timestamp=\"{}\" hostname=\"sm-report\">\n",
      c.tests, c.failures, c.errors, c.skipped, Timestamp(doc));
  out += "    <properties>\n";
  const Json& source = At(doc, "source");
  for (const auto& [k, v] : {std::pair<const char*, std::string>{"input", Str(source, "path")},
                             {"verdict", Str(doc, "verdict")},
                             {"summary", Str(doc, "summary")},
                             {"generator", Str(doc, "generator")}}) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", k, XmlEscape(v));
  }
  out += "    </properties>\n";
  for (const Json& r : At(doc, "rules")) out += TestCase(doc, r);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string RenderTerminalSummary(const nlohmann::ordered_json& doc,
                                  const std::string& report_path) {
  const bool issues = Str(doc, "verdict") == "issues";
  std::string out =
      fmt::format("sm-report: {}: {}\n", issues ? "ISSUES FOUND" : "OK", Str(doc, "summary"));
  size_t width = 0;
  for (const Json& r : At(doc, "rules")) {
    if (Str(r, "state") == "triggered") width = std::max(width, Str(r, "name").size());
  }
  // Most costly first: by the rank of the covering finding, a cause before
  // the symptoms counted under it, rules without a finding last.
  std::vector<const Json*> fired;
  for (const Json& r : At(doc, "rules")) {
    if (Str(r, "state") == "triggered") fired.push_back(&r);
  }
  const auto key = [&](const Json* r) {
    const Json* f = TopFinding(doc, *r);
    const int64_t rank =
        f && At(*f, "rank").is_number_integer() ? At(*f, "rank").get<int64_t>() : INT64_MAX;
    return std::pair<int64_t, bool>(rank, f && !CountedUnder(*f, *r).empty());
  };
  std::stable_sort(fired.begin(), fired.end(),
                   [&](const Json* a, const Json* b) { return key(a) < key(b); });
  for (const Json* rule : fired) {
    const Json& r = *rule;
    const Json* f = TopFinding(doc, r);
    std::string line = f ? Str(*f, "title") : Str(r, "recommendation");
    if (f && !CountedUnder(*f, r).empty()) {
      line = CountedUnder(*f, r);
      line.resize(line.size() - 2);  // no ": "
    } else if (f && !Str(*f, "impact").empty()) {
      line += ". " + Str(*f, "impact");
    }
    out += fmt::format("  {:<{}}  {}\n", Str(r, "name"), width, line);
  }
  for (const Json& r : At(doc, "rules")) {
    const std::string st = Str(r, "state");
    if (st == "failed" || st == "missing" || st == "unreadable") {
      out += fmt::format("  {}: {}\n", Str(r, "name"), StateText(r));
    }
  }
  if (!report_path.empty()) out += fmt::format("sm-report: report: {}\n", report_path);
  return out;
}

}  // namespace smr
