// ParseRuleResultJson (smr/rule.h): error messages for bad rule JSONs and the
// envelope of a good one.
#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"

namespace smr {
namespace {

TEST(RuleJsonReaderTest, ErrorsSayWhatIsWrongWithLineAndColumn) {
  struct Case {
    const char* json;
    const char* error;
  };
  for (const Case& c : {
           Case{"{\"RuleTriggered\": 1,",
                "not valid JSON: line 1, column 21: syntax error while parsing object key - "
                "unexpected end of input; expected string literal"},
           Case{"{\n  \"RuleTriggered\": 1,\n  x", "not valid JSON: line 3, column 3: "},
           Case{"[1, 2]", "not a JSON object"},
           Case{R"({"Violations": 0, "Datapoints": 0})", "\"RuleTriggered\" is missing"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": "many"})",
                "\"Datapoints\" is not an integer"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": 1, "Details": []})",
                "\"Details\" is not an object (got array)"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": 1, "RuleParameters": 5})",
                "\"RuleParameters\" is not a string (got number)"},
       }) {
    const StatusOr<RuleResult> r = ParseRuleResultJson("BatchSize", c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().message().rfind(c.error, 0), 0u) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  const StatusOr<RuleResult> ok = ParseRuleResultJson(
      "BatchSize", R"({"RuleTriggered": 2, "Violations": 3, "Details": {}, "Datapoints": 4,
                       "RuleParameters": "window:500"})");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->triggered, 2);
  EXPECT_EQ(ok->rule_parameters, "window:500");
}

}  // namespace
}  // namespace smr
