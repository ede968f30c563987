// The outputs for CI pipelines, drawn from the findings.json document
// (findings_doc.h) so that they never disagree with it: a JUnit XML file
// (one test case per rule), a compact Markdown summary for a pull-request
// comment or a CI job summary, and the few lines printed on the terminal
// at the end of a run. docs/ci.md shows them in use.
#ifndef SMR_CI_OUTPUTS_H_
#define SMR_CI_OUTPUTS_H_

#include <string>

#include <nlohmann/json.hpp>

namespace smr {

// JUnit XML: <testsuites> with one <testsuite name="sm-report"> and one
// <testcase classname="sm-report.rules" name="<Rule>"> per rule. A
// triggered rule is a <failure> whose message is its top finding's title
// and whose text gives where, evidence, cost and advice; not evaluated, not
// applicable and disabled rules are <skipped> with the reason; a failed,
// missing or unreadable rule is an <error>. Counts on both elements.
std::string RenderJUnitXml(const nlohmann::ordered_json& doc);

// Markdown: the verdict, the job in one line, the ranked findings, a table
// of every rule with its state, and a link to the report (`report_link`,
// e.g. "profiler-report.html" or "../report dir/profiler-report.html", a
// path relative to the Markdown file's folder that is percent-encoded for
// the link; no link when empty). Bytes that are not UTF-8 become U+FFFD.
std::string RenderSummaryMarkdown(const nlohmann::ordered_json& doc,
                                  const std::string& report_link);

// The end-of-run lines for stderr: the verdict, one line per triggered rule
// (its top finding and estimated cost), and where the report is
// (`report_path`; the findings file when there is no report). Ends with a
// newline.
std::string RenderTerminalSummary(const nlohmann::ordered_json& doc,
                                  const std::string& report_path);

}  // namespace smr

#endif  // SMR_CI_OUTPUTS_H_
