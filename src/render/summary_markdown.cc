// The Markdown summary of findings.json (include/smr/ci_outputs.h): short
// enough for a pull-request comment or a CI job summary.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "smr/ci_outputs.h"
#include "smr/diagnostics.h"
#include "src/render/json_fields.h"

namespace smr {
namespace {

using json_fields::At;
using json_fields::Json;
using json_fields::Str;

// Text that Markdown (and the HTML GitHub allows in it) takes literally:
// markup characters escaped, table pipes escaped, one line, valid UTF-8.
std::string Md(std::string_view raw) {
  const std::string s = ReplaceInvalidUtf8(raw);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '|':
        out += '\\';
        out += c;
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A relative path as a link destination: every byte other than letters,
// digits and "-._~/" percent-encoded, so that spaces, parentheses and
// non-ASCII names in the path do not end or break the link
// ("../out dir/x.html" -> "../out%20dir/x.html").
std::string LinkDestination(std::string_view path) {
  std::string out;
  for (char c : path) {
    const unsigned char u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    out += plain ? std::string(1, c) : fmt::format("%{:02X}", u);
  }
  return out;
}

// "1 h 02 min", "15 min 08 s", "42 s".
std::string Duration(double s) {
  const int64_t t = std::llround(s);
  if (t >= 3600) return fmt::format("{} h {:02d} min", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{} min {:02d} s", t / 60, t % 60);
  return fmt::format("{} s", t);
}

// "Job: 2021-12-15 20:55 UTC, 1 h 02 min, 2 nodes, 16 GPUs. Data: every
// record read." ("1 GPU", "no GPU" on a CPU-only job; nothing when unknown).
std::string JobLine(const Json& doc) {
  const Json& job = At(doc, "job");
  std::string line;
  std::string start = Str(job, "start");
  if (!start.empty()) {
    start[10] = ' ';
    line += fmt::format("{} UTC", start.substr(0, 16));
  }
  if (job.is_object() && At(job, "duration_s").is_number()) {
    line += (line.empty() ? "" : ", ") + Duration(At(job, "duration_s").get<double>());
  }
  if (job.is_object() && At(job, "nodes").is_array() && !At(job, "nodes").empty()) {
    const size_t n = At(job, "nodes").size();
    line += fmt::format("{}{} node{}", line.empty() ? "" : ", ", n, n == 1 ? "" : "s");
  }
  if (job.is_object() && At(job, "gpus").is_number()) {
    const int64_t n = At(job, "gpus").get<int64_t>();
    line += n == 0 ? ", no GPU" : fmt::format(", {} GPU{}", n, n == 1 ? "" : "s");
  }
  std::string out = line.empty() ? "" : "Job: " + line + ".";
  const Json& dq = At(doc, "data_quality");
  if (dq.is_object()) {
    const int64_t skipped = dq.value("records_skipped", int64_t{0});
    const int64_t not_read = dq.value("files_not_read", int64_t{0});
    out += (out.empty() ? "" : " ") +
           (skipped == 0 && not_read == 0
                ? std::string("Data: every record read.")
                : fmt::format("Data: {} records skipped, {} files not read.", skipped, not_read));
  }
  return out;
}

std::string FindingsList(const Json& doc) {
  std::string out;
  int shown = 0;
  for (const Json& f : At(doc, "findings")) {
    if (Str(f, "severity") == "ok" || Str(f, "severity") == "info") continue;
    if (++shown > 10) break;
    out += fmt::format("{}. **{}**", shown, Md(Str(f, "title")));
    if (!Str(f, "where").empty()) out += fmt::format(" ({})", Md(Str(f, "where")));
    out += "\n";
    if (!Str(f, "evidence").empty()) out += fmt::format("   {}\n", Md(Str(f, "evidence")));
    if (!Str(f, "impact").empty()) out += fmt::format("   {}\n", Md(Str(f, "impact")));
    if (!Str(f, "action").empty()) out += fmt::format("   What to do: {}\n", Md(Str(f, "action")));
  }
  return out;
}

std::string RulesTable(const Json& doc) {
  std::string out =
      "| Rule | State | Triggered | Violations | Datapoints |\n"
      "|---|---|--:|--:|--:|\n";
  const auto num = [](const Json& r, const char* k) {
    return r.contains(k) && r[k].is_number() ? fmt::format("{}", r[k].get<int64_t>())
                                             : std::string("-");
  };
  for (const Json& r : At(doc, "rules")) {
    std::string state = Str(r, "state");
    for (char& c : state) {
      if (c == '_') c = ' ';
    }
    if (state == "triggered") state = "**triggered**";
    out += fmt::format("| {} | {} | {} | {} | {} |\n", Md(Str(r, "name")), state,
                       num(r, "triggered"), num(r, "violations"), num(r, "datapoints"));
  }
  return out;
}

}  // namespace

std::string RenderSummaryMarkdown(const nlohmann::ordered_json& doc,
                                  const std::string& report_link) {
  const bool issues = Str(doc, "verdict") == "issues";
  std::string out = fmt::format("### sm-report: {}\n\n", issues ? "issues found" : "no issues");
  out += fmt::format("{}.", Md(Str(doc, "summary")));
  if (const std::string job = JobLine(doc); !job.empty()) out += " " + job;
  out += "\n\n";
  if (const std::string findings = FindingsList(doc); !findings.empty()) {
    out += "#### Findings\n\n" + findings + "\n";
  }
  out += "#### Rules\n\n" + RulesTable(doc);
  if (!report_link.empty()) {
    out += fmt::format("\nFull report: [{}]({})\n", Md(report_link), LinkDestination(report_link));
  }
  return out;
}

}  // namespace smr
