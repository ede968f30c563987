// The streaming top-level reader of Kineto traces
// (src/ingest/kineto_scanner.h): the same elements, top-level values and
// lines whatever the pieces the document arrives in.
#include "src/ingest/kineto_scanner.h"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

using ingest_internal::KinetoScanner;

struct Recorder : KinetoScanner::Handler {
  std::vector<std::string> elements;
  std::vector<int64_t> lines;
  std::vector<std::string> values;
  bool Wanted(std::string_view key) const override { return key == "base" || key == "info"; }
  void TopValue(std::string_view key, const char* p, size_t n) override {
    values.push_back(std::string(key) + "=" + std::string(p, n));
  }
  void Element(const char* p, size_t n, int64_t line) override {
    elements.emplace_back(p, n);
    lines.push_back(line);
  }
};

// Feeds `doc` in pieces of `piece` bytes, each copied into its own padded
// buffer (so nothing may point into an earlier piece).
Recorder Scan(const std::string& doc, size_t piece, KinetoScanner::Shape* shape, bool* complete) {
  Recorder r;
  KinetoScanner scanner(&r);
  for (size_t at = 0; at < doc.size(); at += piece) {
    const size_t n = std::min(piece, doc.size() - at);
    std::string buf = doc.substr(at, n) + std::string(simdjson::SIMDJSON_PADDING, 'x');
    scanner.Feed(buf.data(), n);
  }
  scanner.End();
  *shape = scanner.shape();
  *complete = scanner.complete();
  return r;
}

const char kDoc[] =
    "\xEF\xBB\xBF{\"base\": 17,\n"
    " \"skip\": {\"traceEvents\": [1, 2]},\n"
    " \"traceEvents\": [\n"
    "  {\"name\": \"a]\\\"}\", \"ph\": \"X\"},\n"
    "  {\"args\": {\"x\": [1, {\"y\": \"}\"}]}},\n"
    "  3, \"str,ing\", null\n"
    " ],\n"
    " \"info\": \"t\\\\\", \"k\\\"ey\": [\"[\"]}\n";

TEST(KinetoScannerTest, SameResultForEveryPieceSize) {
  KinetoScanner::Shape shape;
  bool complete = false;
  const Recorder whole = Scan(kDoc, sizeof(kDoc), &shape, &complete);
  EXPECT_EQ(shape, KinetoScanner::Shape::kObject);
  EXPECT_TRUE(complete);
  const std::vector<std::string> elements = {R"({"name": "a]\"}", "ph": "X"})",
                                             R"({"args": {"x": [1, {"y": "}"}]}})", "3",
                                             R"("str,ing")", "null"};
  EXPECT_EQ(whole.elements, elements);
  EXPECT_EQ(whole.lines, (std::vector<int64_t>{4, 5, 6, 6, 6}));
  EXPECT_EQ(whole.values, (std::vector<std::string>{"base=17", R"(info="t\\")"}));
  for (size_t piece = 1; piece <= 9; ++piece) {
    SCOPED_TRACE(piece);
    const Recorder r = Scan(kDoc, piece, &shape, &complete);
    EXPECT_TRUE(complete);
    EXPECT_EQ(r.elements, whole.elements);
    EXPECT_EQ(r.lines, whole.lines);
    EXPECT_EQ(r.values, whole.values);
  }
}

TEST(KinetoScannerTest, BareArrayAndCutOffDocuments) {
  KinetoScanner::Shape shape;
  bool complete = false;
  const Recorder bare = Scan("[{\"a\": 1}, {\"b\": 2}]", 3, &shape, &complete);
  EXPECT_EQ(shape, KinetoScanner::Shape::kArray);
  EXPECT_TRUE(complete);
  EXPECT_EQ(bare.elements, (std::vector<std::string>{R"({"a": 1})", R"({"b": 2})"}));
  // Cut inside the second element: the first is kept, the cut reported.
  Recorder r;
  KinetoScanner scanner(&r);
  const std::string cut =
      "{\"traceEvents\": [{\"a\": 1}, {\"b\": " + std::string(simdjson::SIMDJSON_PADDING, ' ');
  scanner.Feed(cut.data(), cut.size() - simdjson::SIMDJSON_PADDING);
  scanner.End();
  EXPECT_FALSE(scanner.complete());
  EXPECT_TRUE(scanner.partial_element());
  EXPECT_FALSE(scanner.events_terminated());
  EXPECT_EQ(r.elements, (std::vector<std::string>{R"({"a": 1})"}));
  const Recorder bad = Scan("  x{}", 2, &shape, &complete);
  EXPECT_EQ(shape, KinetoScanner::Shape::kInvalid);
  EXPECT_TRUE(bad.elements.empty());
  Scan(" \n ", 1, &shape, &complete);
  EXPECT_EQ(shape, KinetoScanner::Shape::kEmpty);
}

}  // namespace
}  // namespace smr
