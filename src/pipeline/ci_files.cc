// CI outputs of build and render (ci_files.h).
#include "src/pipeline/ci_files.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "smr/ci_outputs.h"
#include "src/render/json_fields.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

using json_fields::At;
using json_fields::Json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// `target` relative to the folder of `from_file` ("../report/x.html"), for
// a link that works where the Markdown file lies.
std::string LinkFrom(const std::string& from_file, const fs::path& target) {
  std::error_code ec;
  const fs::path base = fs::absolute(fs::path(from_file), ec).parent_path();
  const fs::path abs = fs::absolute(target, ec);
  if (ec) return target.generic_string();
  return abs.lexically_proximate(base).generic_string();
}

}  // namespace

StatusOr<std::vector<std::string>> ParseFailOn(const std::string& text,
                                               const std::vector<std::string>& rule_names) {
  std::vector<std::string> out;
  const std::string all = Trim(text);
  if (all.empty() || Lower(all) == "none") return out;
  if (Lower(all) == "any") return std::vector<std::string>{"*"};
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string word = Trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (word.empty()) continue;
    auto it = std::find_if(rule_names.begin(), rule_names.end(),
                           [&](const std::string& n) { return Lower(n) == Lower(word); });
    if (it == rule_names.end()) {
      std::string list;
      for (const std::string& n : rule_names) list += (list.empty() ? "" : ", ") + n;
      return Status::Error(
          fmt::format("--fail-on: unknown rule '{}'; use any, none or rule names: {}", word, list));
    }
    if (std::find(out.begin(), out.end(), *it) == out.end()) out.push_back(*it);
  }
  return out;
}

void AddCiFiles(const nlohmann::ordered_json& doc, const CiFiles& ci, OutputFiles* files,
                BuildSummary* summary) {
  const fs::path out_dir(ci.out_dir);
  summary->findings_json = FindingsDocumentText(doc);
  files->emplace_back((out_dir / "findings.json").string(), summary->findings_json);
  // The report a reader should open: the HTML, else the PDF, else this file.
  const std::string report = !ci.outputs.html.empty()  ? ci.outputs.html
                             : !ci.outputs.pdf.empty() ? ci.outputs.pdf
                                                       : "findings.json";
  if (!ci.junit_path.empty()) files->emplace_back(ci.junit_path, RenderJUnitXml(doc));
  if (!ci.summary_md_path.empty()) {
    files->emplace_back(ci.summary_md_path,
                        RenderSummaryMarkdown(doc, LinkFrom(ci.summary_md_path, out_dir / report)));
  }
  summary->findings_text = RenderTerminalSummary(doc, (out_dir / report).string());
  for (const auto& rule : At(doc, "rules")) {
    if (At(rule, "state") != "triggered" || !At(rule, "name").is_string()) continue;
    const std::string name = At(rule, "name").get<std::string>();
    const bool gated = std::find(ci.fail_on.begin(), ci.fail_on.end(), "*") != ci.fail_on.end() ||
                       std::find(ci.fail_on.begin(), ci.fail_on.end(), name) != ci.fail_on.end();
    if (gated) summary->gate_failures.push_back(name);
  }
}

}  // namespace smr
