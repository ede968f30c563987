// PyTorch-profiler (Kineto) traces in the data-quality summary, its JSON and
// the report section (docs/data-quality.md "PyTorch-profiler traces").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "smr/data_quality.h"
#include "src/report/data_quality_section.h"

namespace smr {
namespace {

// A trace of two kernels (1,000-1,500 ns and 800-2,000 ns after the epoch
// second 1700000000), with the counts an importer would give a file of 9
// elements: 2 complete, 1 memory sample, 3 flows, 1 metadata, 1 span on a
// string pid and 1 malformed event.
MetricStore OneTrace(Diagnostics* diag) {
  InputFile f;
  f.kind = FileKind::kKineto;
  f.rel_path = "traces/rank-1.pt.trace.json.gz";
  f.node = "rank-1";
  StoreBuilder b;
  FileStats st;
  st.rel_path = f.rel_path;
  st.kind = f.kind;
  st.bytes = 100;
  st.records_read = 4;
  st.records_kept = 3;
  st.records_skipped = 1;
  KinetoTrace t;
  t.rel_path = f.rel_path;
  t.file_index = b.AddFile(std::move(st));
  t.rank = 1;
  t.world_size = 2;
  const int64_t base = 1700000000LL * 1000000000;
  for (auto [start, dur] : {std::pair<int64_t, int64_t>{1000, 500}, {800, 1200}}) {
    t.events.start_ns.push_back(base + start);
    t.events.dur_ns.push_back(dur);
  }
  t.counts = KinetoCounts{9, 2, 1, 3, 1, 0, 0, 1, 0, 1};
  t.memory.resize(1);
  b.AddKinetoTrace(std::move(t));
  diag->Record(Issue::kMalformedEvent, f.rel_path, 7, "not a JSON object: 3");
  return b.Build();
}

Discovery OneFile() {
  Discovery d;
  InputFile f;
  f.kind = FileKind::kKineto;
  f.rel_path = "traces/rank-1.pt.trace.json.gz";
  f.node = "rank-1";
  f.size_bytes = 100;
  d.files.push_back(f);
  return d;
}

TEST(DataQualityKinetoTest, TracesAreCountedAndListed) {
  Diagnostics diag;
  const MetricStore store = OneTrace(&diag);
  const DataQuality dq = BuildDataQuality(OneFile(), store, diag);
  EXPECT_FALSE(dq.clean);
  EXPECT_EQ(dq.files_found, 1);
  EXPECT_EQ(dq.records_read, 4);
  EXPECT_EQ(dq.records_skipped, 1);
  ASSERT_EQ(dq.groups.size(), 1u);
  EXPECT_EQ(dq.groups[0].kind, "kineto");
  ASSERT_EQ(dq.kineto.size(), 1u);
  const DqKinetoTrace& k = dq.kineto[0];
  EXPECT_EQ(k.path, "traces/rank-1.pt.trace.json.gz");
  EXPECT_EQ(k.rank, 1);
  EXPECT_EQ(k.counts.flows, 3);
  EXPECT_EQ(k.counts.skipped, 1);
  // Earliest start 800 ns, latest end 1,000 + 500 vs 800 + 1,200 = 2,000 ns.
  EXPECT_EQ(k.first_ns, 1700000000000000800);
  EXPECT_EQ(k.last_ns, 1700000000000002000);
  ASSERT_EQ(dq.notes.size(), 1u);
  EXPECT_NE(dq.notes[0].find("Only PyTorch-profiler (Kineto) traces"), std::string::npos);

  const nlohmann::json j = nlohmann::json::parse(DataQualityToJson(dq));
  ASSERT_TRUE(j.contains("kineto_traces"));
  const nlohmann::json& t = j["kineto_traces"][0];
  EXPECT_EQ(t["path"], "traces/rank-1.pt.trace.json.gz");
  EXPECT_EQ(t["rank"], 1);
  EXPECT_EQ(t["world_size"], 2);
  EXPECT_EQ(t["events_read"], 9);
  EXPECT_EQ(t["complete_events"], 2);
  EXPECT_EQ(t["memory_samples"], 1);
  EXPECT_EQ(t["non_thread"], 1);
  EXPECT_EQ(t["skipped"], 1);
  EXPECT_EQ(t["first_utc"], "2023-11-14T22:13:20Z");

  const Section s = DataQualitySection(dq);
  bool found = false;
  for (const Block& b : s.blocks) {
    if (b.kind != BlockKind::kTable || b.table.caption != "PyTorch-profiler (Kineto) traces") {
      continue;
    }
    found = true;
    ASSERT_EQ(b.table.rows.size(), 1u);
    EXPECT_EQ(b.table.rows[0][1], "1 of 2");
    EXPECT_EQ(b.table.rows[0][2], "9");
    EXPECT_EQ(b.table.rows[0][5], "5");  // 3 flows + 1 metadata + 1 span
    EXPECT_EQ(b.table.highlight_rows, std::vector<int>{0});
  }
  EXPECT_TRUE(found);
}

TEST(DataQualityKinetoTest, NoKinetoKeyWithoutTraces) {
  Discovery d;
  StoreBuilder b;
  const MetricStore store = b.Build();
  Diagnostics diag;
  const DataQuality dq = BuildDataQuality(d, store, diag);
  EXPECT_TRUE(dq.kineto.empty());
  const nlohmann::json j = nlohmann::json::parse(DataQualityToJson(dq));
  EXPECT_FALSE(j.contains("kineto_traces"));
  ASSERT_EQ(dq.notes.size(), 1u);
  EXPECT_EQ(dq.notes[0], "No records could be read from the input.");
}

}  // namespace
}  // namespace smr
