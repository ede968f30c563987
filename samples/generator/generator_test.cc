// Unit tests of the sample generator's parts: the scenario table, the
// training schedule, the metric series and the files Generate() writes. The
// output format itself is checked by the ingest and e2e tests.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "samples/generator/generator.h"
#include "samples/generator/schedule.h"
#include "samples/generator/series.h"
#include "tests/testing/scratch.h"

namespace smr::samplegen {
namespace {

namespace fs = std::filesystem;

Scenario Named(const std::string& name) {
  Scenario sc;
  EXPECT_TRUE(MakeScenario(name, &sc)) << name;
  return sc;
}

TEST(Scenarios, EveryListedNameMakesItsScenario) {
  const std::vector<std::string> names = ScenarioNames();
  EXPECT_EQ(names.front(), "default");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  for (const std::string& name : names) {
    const Scenario sc = Named(name);
    EXPECT_EQ(sc.name, name);
    EXPECT_GT(sc.job_start_us, 0) << name;
    EXPECT_LT(sc.init_s + sc.final_s + 10, sc.minutes * 60) << name;
  }
}

TEST(Scenarios, UnknownNameLeavesTheScenarioUntouched) {
  Scenario sc;
  sc.nodes = 7;
  EXPECT_FALSE(MakeScenario("no-such-scenario", &sc));
  EXPECT_EQ(sc.nodes, 7);
  EXPECT_EQ(sc.name, "default");
}

TEST(Scenarios, VariantsKeepTheirBaseJob) {
  const Scenario healthy = Named("healthy");
  const Scenario multi = Named("multi-node");
  EXPECT_EQ(multi.nodes, 2);
  EXPECT_EQ(multi.init_s, healthy.init_s);
  EXPECT_EQ(multi.busy_gpu_lo, healthy.busy_gpu_lo);
  EXPECT_TRUE(Named("cpu-bottleneck").gpus_starved);
  EXPECT_EQ(Named("cpu-bottleneck").hot_cpus, 6);
  EXPECT_EQ(Named("io-bottleneck").iowait_cpus, 6);
  EXPECT_EQ(Named("cpu-only").gpus, 0);
}

// A short default job: 150 s initialization, 40 s finalization.
Scenario ShortJob() {
  Scenario sc = Named("default");
  sc.minutes = 8;
  return sc;
}

TEST(Schedule, SpansCoverTheJobWithoutGaps) {
  const Scenario sc = ShortJob();
  const Schedule s = BuildSchedule(sc);
  ASSERT_GE(s.spans.size(), 4u);
  EXPECT_EQ(s.spans.front().kind, SpanKind::kInit);
  EXPECT_EQ(s.spans.front().start_us, sc.job_start_us);
  EXPECT_EQ(s.spans.back().kind, SpanKind::kFinal);
  EXPECT_EQ(s.spans.back().end_us, s.job_end_us);
  EXPECT_EQ(s.job_end_us - sc.job_start_us, 8 * 60 * kUsPerS);
  for (size_t i = 1; i < s.spans.size(); ++i) {
    EXPECT_EQ(s.spans[i].start_us, s.spans[i - 1].end_us) << i;
    EXPECT_LE(s.spans[i].start_us, s.spans[i].end_us) << i;
  }
  EXPECT_LT(s.writer_base_us, s.first_step_us);
}

TEST(Schedule, EventsInWriteOrderAndStepsCounted) {
  const Schedule s = BuildSchedule(ShortJob());
  auto by_write = [](const Event& x, const Event& y) { return x.write_us < y.write_us; };
  EXPECT_TRUE(std::is_sorted(s.events.begin(), s.events.end(), by_write));
  int64_t train = 0, eval = 0, first_step = -1;
  for (const Event& e : s.events) {
    if (e.phase != kPhaseStepTrain && e.phase != kPhaseStepEval) continue;
    (e.phase == kPhaseStepTrain ? train : eval)++;
    if (first_step < 0 || e.start_us < first_step) first_step = e.start_us;
  }
  EXPECT_GT(train, 0);
  EXPECT_GT(eval, 0);
  EXPECT_EQ(s.steps.at("Step:ModeKeys.TRAIN"), train);
  EXPECT_EQ(s.steps.at("Step:ModeKeys.EVAL"), eval);
  EXPECT_EQ(s.first_step_us, first_step);
}

TEST(Schedule, SameSeedSameScheduleOtherSeedOther) {
  Scenario sc = ShortJob();
  const Schedule a = BuildSchedule(sc);
  const Schedule b = BuildSchedule(sc);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].start_us, b.events[i].start_us) << i;
  }
  sc.seed = 2;
  EXPECT_NE(BuildSchedule(sc).writer_base_us, a.writer_base_us);
}

TEST(Schedule, DetailedOpsOnlyForTheDetailedSteps) {
  Scenario sc = ShortJob();
  sc.detailed_start_step = 3;
  sc.detailed_num_steps = 2;
  std::set<int64_t> cpu_steps;
  int64_t kernels = 0;
  for (const Event& e : BuildSchedule(sc).events) {
    if (e.phase == kPhaseCpuFunctions) cpu_steps.insert(e.b);
    if (e.phase == kPhaseGpuFunctions) ++kernels;
  }
  EXPECT_EQ(cpu_steps, (std::set<int64_t>{3, 4}));
  EXPECT_GT(kernels, 0);
}

TEST(Series, StaysInItsRange) {
  Series series(1, "test", 40.0);  // a wide walk, folded back often
  for (int i = 0; i < 2000; ++i) {
    const double target = i % 2 == 0 ? 10.0 : 90.0;
    const double v = series.Next(target, 40.0, 60.0);
    ASSERT_GE(v, 40.0) << i;
    ASSERT_LE(v, 60.0) << i;
  }
}

int64_t CountFiles(const fs::path& dir, int64_t* bytes) {
  int64_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++n;
    *bytes += static_cast<int64_t>(entry.file_size());
  }
  return n;
}

TEST(Generate, WritesWhatTheSummaryCounts) {
  Scenario sc = Named("healthy");
  sc.minutes = 3;
  sc.nodes = 2;
  const fs::path out = testing::ScratchDir("generate");
  Summary summary;
  std::string error;
  ASSERT_TRUE(Generate(sc, out.string(), &summary, &error)) << error;
  int64_t bytes = 0;
  EXPECT_EQ(CountFiles(out / "system", &bytes), summary.system_files);
  EXPECT_EQ(CountFiles(out / "framework", &bytes), summary.trace_files);
  EXPECT_EQ(bytes, summary.bytes);
  EXPECT_TRUE(fs::exists(out / "system" / "incremental" / "2024061408" / "1718354460.algo-2.json"));
  EXPECT_DOUBLE_EQ(summary.seconds, 180.0);
  EXPECT_GT(summary.trace_events, 0);
  // 3 minutes of 500 ms samples, 2 nodes, 8 vCPUs x 2 + 4 GPUs x 2 + 8 host lines.
  EXPECT_EQ(summary.system_lines, 2 * 361 * (16 + 8 + 8));
}

}  // namespace
}  // namespace smr::samplegen
