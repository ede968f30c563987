// Test DSL for the analysis and rule tests: builds a small MetricStore, a
// Discovery (for the window plan's t0), the timeline and the window plan.
// Rule tests see every sample: the plan is built with analyze_trailing_data
// unless StopWhereSageMakerStops() is called (the window plan's own tests
// and the tests of SageMaker's stop rule).
//
//   TestData d;
//   d.SystemFile("algo-1", 1000);                 // t0 = 1000 s
//   d.GpuUtil("algo-1", "gpu0", 1000.5, 12.0);
//   d.Step("algo-1-27", "TRAIN", 0, 1'000'600'000, 1'000'900'000);
//   auto built = d.Build();                       // built->ctx() for rules
#ifndef SMR_TESTS_TESTING_STORE_BUILDER_H_
#define SMR_TESTS_TESTING_STORE_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/store.h"

namespace smr::testing {

struct BuiltData {
  MetricStore store;
  Discovery discovery;
  JobTimeline timeline;
  WindowPlan windows;
  AnalysisContext ctx() const { return AnalysisContext{&store, &timeline, &windows}; }
};

class TestData {
 public:
  TestData() { file_ = builder_.AddFile(FileStats{}); }

  // A system file named <ts_s>.<node>.json (only its name timestamp
  // matters) that yielded `records` records (0: an empty or all-bad file,
  // which the window plan ignores).
  TestData& SystemFile(std::string_view node, int64_t name_ts_s, int64_t records = 1) {
    InputFile f;
    f.kind = FileKind::kSystem;
    f.node = std::string(node);
    f.name_ts_us = name_ts_s * 1'000'000;
    f.rel_path = "system/" + std::to_string(name_ts_s) + "." + f.node + ".json";
    return AddInputFile(f, records);
  }
  // A Python-timeline trace file named <ts_us>_<node>_pythontimeline.json.
  TestData& FrameworkFile(std::string_view node, int64_t name_ts_us, int64_t records = 1) {
    InputFile f;
    f.kind = FileKind::kPythonTimeline;
    f.node = std::string(node);
    f.name_ts_us = name_ts_us;
    f.rel_path = "framework/" + std::to_string(name_ts_us) + "_" + f.node + "_pythontimeline.json";
    return AddInputFile(f, records);
  }
  // The window plan stops where SageMaker's does (the product's default).
  TestData& StopWhereSageMakerStops() {
    plan_options_.analyze_trailing_data = false;
    return *this;
  }

  TestData& Sample(std::string_view node, std::string_view type, std::string_view name,
                   std::string_view dimension, double ts_s, double value) {
    builder_.AddSample(builder_.SeriesId(node, type, name, dimension), ts_s, value);
    return *this;
  }
  TestData& GpuUtil(std::string_view node, std::string_view gpu, double ts_s, double v) {
    return Sample(node, "gpu", gpu, "GPUUtilization", ts_s, v);
  }
  TestData& GpuMem(std::string_view node, std::string_view gpu, double ts_s, double v) {
    return Sample(node, "gpu", gpu, "GPUMemoryUtilization", ts_s, v);
  }
  TestData& Cpu(std::string_view node, std::string_view core, double ts_s, double v) {
    return Sample(node, "cpu", core, "CPUUtilization", ts_s, v);
  }
  TestData& IoWait(std::string_view node, std::string_view core, double ts_s, double v) {
    return Sample(node, "cpu", core, "I/OWaitPercentage", ts_s, v);
  }
  TestData& HostMem(std::string_view node, double ts_s, double v) {
    return Sample(node, "memory", "MemoryUsedPercent", "Memory", ts_s, v);
  }
  TestData& NetRx(std::string_view node, double ts_s, double v) {
    return Sample(node, "network", "ReceiveBytesPerSecond", "Algorithm", ts_s, v);
  }
  TestData& NetTx(std::string_view node, double ts_s, double v) {
    return Sample(node, "network", "TransmitBytesPerSecond", "Algorithm", ts_s, v);
  }

  // Any framework event.
  TestData& Event(std::string_view node, std::string_view phase, std::string_view name,
                  int64_t start_us, int64_t end_us, int64_t step = -1,
                  TraceSource source = TraceSource::kPythonTimeline) {
    StoreBuilder::Event e;
    e.start_us = start_us;
    e.end_us = end_us;
    e.name = name;
    e.phase = phase;
    e.node = node;
    e.step = step;
    e.source = source;
    builder_.AddEvent(e);
    return *this;
  }
  // A framework event with data-loader args: args.pid, args.num_workers,
  // args.pin_memory (1/0); -1 means the arg is absent.
  TestData& LoaderEvent(std::string_view node, std::string_view phase, std::string_view name,
                        int64_t start_us, int64_t end_us, int64_t os_pid, int32_t num_workers = -1,
                        int8_t pin_memory = -1) {
    StoreBuilder::Event e;
    e.start_us = start_us;
    e.end_us = end_us;
    e.name = name;
    e.phase = phase;
    e.node = node;
    e.os_pid = os_pid;
    e.num_workers = num_workers;
    e.pin_memory = pin_memory;
    builder_.AddEvent(e);
    return *this;
  }
  // A PyTorch step event: name and phase "Step:ModeKeys.<mode>".
  TestData& Step(std::string_view node, std::string_view mode, int64_t step, int64_t start_us,
                 int64_t end_us) {
    std::string name = "Step:ModeKeys." + std::string(mode);
    return Event(node, name, name, start_us, end_us, step);
  }

  std::unique_ptr<BuiltData> Build() {
    auto out = std::make_unique<BuiltData>();
    out->store = builder_.Build();
    out->discovery = discovery_;
    out->timeline = BuildTimeline(out->store);
    out->windows = WindowPlan(out->store, out->discovery, plan_options_);
    return out;
  }

 private:
  TestData& AddInputFile(const InputFile& f, int64_t records) {
    discovery_.files.push_back(f);
    FileStats stats;
    stats.rel_path = f.rel_path;
    stats.kind = f.kind;
    stats.records_read = records;
    stats.records_kept = records;
    builder_.AddFile(std::move(stats));
    return *this;
  }

  StoreBuilder builder_;
  Discovery discovery_;
  WindowPlanOptions plan_options_{.window_us = WindowPlan::kWindowUs,
                                  .analyze_trailing_data = true};
  uint32_t file_ = 0;
};

}  // namespace smr::testing

#endif  // SMR_TESTS_TESTING_STORE_BUILDER_H_
