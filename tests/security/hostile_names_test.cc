// Hostile input names reach every output as text, never as markup
// (docs/security.md): the HTML has only our tags and attributes, the rule
// JSONs are valid JSON holding the names, and the PDF shows them literally.
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "security/hostile_job.h"
#include "smr/pipeline.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;
using testing::HtmlEscaped;
using testing::kAttr;
using testing::kFileNode;
using testing::kPango;
using testing::kScript;

using testing::ReadFile;

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos;
       pos = hay.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// Builds the hostile job once and runs `sm-report build` (in process) and
// `sm-report render` on its rule JSONs.
class HostileNamesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Removed with the binary's scratch folder (testing/scratch.h).
    dir_ = new fs::path(testing::ScratchDir("hostile-names"));
    const fs::path root = testing::WriteHostileJob(*dir_ / "job");
    BuildOptions opts;
    opts.input_dir = root.string();
    opts.out_dir = (*dir_ / "out").string();
    opts.quiet = true;
    std::ostringstream log;
    StatusOr<BuildSummary> built = RunBuild(opts, &log);
    ASSERT_TRUE(built.ok()) << built.status().message();

    RenderOptions ropts;
    ropts.input_dir = (*dir_ / "out" / "profiler-reports").string();
    ropts.out_dir = (*dir_ / "rendered").string();
    ropts.quiet = true;
    StatusOr<BuildSummary> rendered = RunRender(ropts, &log);
    ASSERT_TRUE(rendered.ok()) << rendered.status().message();
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path* dir_;
};
fs::path* HostileNamesTest::dir_ = nullptr;

struct Tag {
  std::string name;  // "div", "/div", "!DOCTYPE"
  std::vector<std::pair<std::string, std::string>> attrs;
};

// A strict tokenizer for the HTML we write: every '<' must open a tag (or
// the doctype); text between tags is skipped; <style> and <script> content is raw text.
// Returns false with *error set at the first '<' that is not a tag.
bool Tokenize(const std::string& html, std::vector<Tag>* tags, std::string* error) {
  size_t i = 0;
  const size_t n = html.size();
  auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '!' ||
           c == '/';
  };
  while (true) {
    const size_t lt = html.find('<', i);
    if (lt == std::string::npos) return true;
    size_t j = lt + 1;
    while (j < n && is_name(html[j])) ++j;
    Tag tag;
    tag.name = html.substr(lt + 1, j - lt - 1);
    if (tag.name.empty() || tag.name == "/") {
      *error = "stray '<' at " + html.substr(lt, 60);
      return false;
    }
    // Attributes: name[=value], value quoted with " or ' or bare.
    while (j < n && html[j] != '>') {
      if (std::isspace(static_cast<unsigned char>(html[j])) || html[j] == '/') {
        ++j;
        continue;
      }
      const size_t a = j;
      while (j < n && !std::isspace(static_cast<unsigned char>(html[j])) && html[j] != '=' &&
             html[j] != '>' && html[j] != '/') {
        ++j;
      }
      std::string name = html.substr(a, j - a);
      std::string value;
      if (j < n && html[j] == '=') {
        ++j;
        if (j < n && (html[j] == '"' || html[j] == '\'')) {
          const char q = html[j];
          const size_t end = html.find(q, j + 1);
          if (end == std::string::npos) {
            *error = "unterminated attribute at " + html.substr(a, 60);
            return false;
          }
          value = html.substr(j + 1, end - j - 1);
          j = end + 1;
        } else {
          const size_t v = j;
          while (j < n && !std::isspace(static_cast<unsigned char>(html[j])) && html[j] != '>') {
            ++j;
          }
          value = html.substr(v, j - v);
        }
      }
      tag.attrs.emplace_back(std::move(name), std::move(value));
    }
    if (j >= n) {
      *error = "unterminated tag at " + html.substr(lt, 60);
      return false;
    }
    i = j + 1;
    if (tag.name == "style" || tag.name == "script") {
      const std::string close = "</" + tag.name + ">";
      const size_t end = html.find(close, i);
      if (end == std::string::npos) {
        *error = "unterminated <" + tag.name + ">";
        return false;
      }
      i = end;
    }
    tags->push_back(std::move(tag));
  }
}

// The elements our templates and cairo's SVG writer produce.
const std::set<std::string>& AllowedTags() {
  static const std::set<std::string> kTags = {
      "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "footer", "main",
      "nav", "section", "div", "p", "span", "strong", "em", "code", "a", "h1", "h2", "h3", "h4",
      "h5", "h6", "ol", "ul", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
      "figure", "figcaption", "caption", "br",
      // folded per-rank detail (BlockKind::kDetails)
      "details", "summary",
      // the page's own script (templates/report.js; one, checked below)
      "script",
      // inline SVG (cairo)
      "svg", "g", "path", "defs", "clipPath", "symbol", "use", "rect", "mask", "image",
      "linearGradient", "radialGradient", "stop", "pattern", "filter", "feColorMatrix",
      "feComposite", "feOffset", "feFlood", "text", "tspan"};
  return kTags;
}

const std::set<std::string>& AllowedAttributes() {
  static const std::set<std::string> kAttrs = {
      "lang", "charset", "name", "content", "class", "id", "href", "role", "aria-label",
      "aria-labelledby", "aria-hidden", "scope", "colspan", "rowspan", "http-equiv",
      // data for the page script: findings, sortable headers, chart geometry and series
      "data-rule", "data-stage", "data-sort", "data-series", "data-bands", "data-plot", "data-x",
      "data-y", "data-tick", "data-time",
      // SVG
      "xmlns", "xmlns:xlink", "version", "width", "height", "viewBox", "d", "x", "y", "style",
      "clip-path", "clip-rule", "overflow", "xlink:href", "transform", "fill", "stroke",
      "fill-rule", "stroke-width", "opacity", "clipPathUnits", "maskUnits", "patternUnits",
      "gradientUnits", "offset", "stop-color", "stop-opacity", "x1", "x2", "y1", "y2",
      "preserveAspectRatio", "mask", "filter"};
  return kAttrs;
}

TEST_F(HostileNamesTest, HtmlHasOnlyOurTagsAndAttributes) {
  for (const fs::path& page :
       {*dir_ / "out" / "profiler-report.html", *dir_ / "rendered" / "profiler-report.html"}) {
    SCOPED_TRACE(page.string());
    const std::string text = ReadFile(page);
    ASSERT_FALSE(text.empty());
    std::vector<Tag> tags;
    std::string error;
    ASSERT_TRUE(Tokenize(text, &tags, &error)) << error;
    ASSERT_GT(tags.size(), 100u);
    for (const Tag& t : tags) {
      const std::string name = t.name[0] == '/' ? t.name.substr(1) : t.name;
      EXPECT_TRUE(AllowedTags().count(name)) << "unexpected element <" << t.name << ">";
      for (const auto& [attr, value] : t.attrs) {
        if (t.name == "!DOCTYPE") continue;
        EXPECT_TRUE(AllowedAttributes().count(attr))
            << "unexpected attribute " << attr << " on <" << t.name << ">";
        if (attr == "href" || attr == "xlink:href") {
          EXPECT_EQ(value.rfind('#', 0), 0u) << attr << "=" << value;
        }
        EXPECT_EQ(value.find('<'), std::string::npos) << attr << "=" << value;
      }
    }
  }
}

TEST_F(HostileNamesTest, HtmlShowsEveryNameAsEscapedText) {
  const std::string html = ReadFile(*dir_ / "out" / "profiler-report.html");
  // Raw markup from the input never appears...
  // (the one script is the page's own, templates/report.js)
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_NE(html.find("<script>\n/* sm-report page script"), std::string::npos);
  EXPECT_EQ(Count(html, "<img"), 0u);
  EXPECT_EQ(Count(html, "<b>bold"), 0u);
  // ...the escaped text does: node ids of system lines and of the trace
  // file name, metric names and operator (event) names.
  EXPECT_GT(Count(html, HtmlEscaped(kScript)), 0u);
  EXPECT_GT(Count(html, HtmlEscaped(kAttr)), 0u);
  EXPECT_GT(Count(html, HtmlEscaped(kFileNode)), 0u);
  // "onerror=" only inside escaped text: every occurrence is preceded by
  // "&lt;img src=x ".
  EXPECT_EQ(Count(html, "onerror="), Count(html, "&lt;img src=x onerror="));
}

// Every string (keys and values) of a JSON document, recursively.
void CollectStrings(const nlohmann::json& j, std::set<std::string>* out) {
  if (j.is_string()) out->insert(j.get<std::string>());
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out->insert(it.key());
      CollectStrings(it.value(), out);
    }
  }
  if (j.is_array()) {
    for (const auto& v : j) CollectStrings(v, out);
  }
}

TEST_F(HostileNamesTest, RuleJsonsAreValidJsonHoldingTheNames) {
  std::set<std::string> strings;
  int files = 0;
  for (const auto& e : fs::directory_iterator(*dir_ / "out" / "profiler-reports")) {
    SCOPED_TRACE(e.path().string());
    const std::string text = ReadFile(e.path());
    nlohmann::json j;
    // NaN/Infinity (Python's json.dumps) would not parse: they must not occur.
    ASSERT_NO_THROW(j = nlohmann::json::parse(text));
    ASSERT_TRUE(j.is_object());
    EXPECT_TRUE(j.contains("RuleTriggered"));
    // ensure_ascii: the bytes are 7-bit; quotes inside strings are escaped.
    for (char c : text) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    EXPECT_EQ(Count(text, "\"><img"), Count(text, "\\\"><img"));
    CollectStrings(j, &strings);
    ++files;
  }
  EXPECT_GE(files, 5);
  // The data-quality summary (written next to the rule JSONs' folder) is
  // JSON too: it must parse whatever the node ids contain.
  const fs::path dq = *dir_ / "out" / "data-quality.json";
  if (fs::exists(dq)) {
    nlohmann::json j;
    EXPECT_NO_THROW(j = nlohmann::json::parse(ReadFile(dq)));
  }
  // Framework metrics list operator names; load balancing lists nodes.
  EXPECT_TRUE(strings.count(kScript)) << "operator name missing from the rule JSONs";
  bool node_seen = false;
  for (const std::string& s : strings) node_seen |= s.find(kAttr) != std::string::npos;
  EXPECT_TRUE(node_seen) << "hostile node id missing from the rule JSONs";
}

TEST_F(HostileNamesTest, PdfShowsTheNamesLiterally) {
  if (std::system("command -v pdftotext >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  }
  const fs::path pdf = *dir_ / "out" / "profiler-report.pdf";
  const fs::path txt = *dir_ / "out.txt";
  // Our own paths only (the scratch folder), nothing from the input.
  const std::string cmd = fmt::format("pdftotext -enc UTF-8 '{}' '{}'", pdf.string(), txt.string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string text = ReadFile(txt);
  EXPECT_GT(Count(text, kScript), 0u);
  EXPECT_GT(Count(text, kAttr), 0u);
  EXPECT_GT(Count(text, kFileNode), 0u);
  // Markup-escaped forms would mean double escaping (or markup parsing).
  EXPECT_EQ(Count(text, "&lt;"), 0u);
}

}  // namespace
}  // namespace smr
