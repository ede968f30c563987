// Writes a small SageMaker profiler-output folder whose every free-text field
// carries markup: system lines with hostile NodeId/Type/Name/Dimension, and a
// pythontimeline trace with hostile event names, phase (process) names,
// `ph` values and a hostile node id in the file name. Test-only.
#ifndef SMR_TESTS_SECURITY_HOSTILE_JOB_H_
#define SMR_TESTS_SECURITY_HOSTILE_JOB_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/testing/html_text.h"

namespace smr::testing {

// Script injection through text content.
inline constexpr char kScript[] = "<script>alert(1)</script>";
// Breaking out of a quoted attribute.
inline constexpr char kAttr[] = "\"><img src=x onerror=alert(2)>";
// A file name cannot hold '/' or '_' (the node id separator), so the node id
// from a trace file name uses markup without either.
inline constexpr char kFileNode[] = "<img src=x onerror=alert(3)>";
// Pango markup and a format string.
inline constexpr char kPango[] = "<b>bold</b>&amp;{}%s%n";

// The hostile strings escaped the way ctemplate's HTML auto-escaping writes
// them (& < > " ' -> &amp; &lt; &gt; &quot; &#39;).
inline std::string HtmlEscaped(const std::string& s) { return HtmlText(s); }

constexpr double kHostileJobStartS = 1591160699.0;

// The system files of the hostile job, one a minute, in `sys_dir`.
inline void WriteHostileSystemFiles(const std::filesystem::path& sys_dir) {
  const double t0_s = kHostileJobStartS;
  // One file a minute, as SageMaker writes them (the rules' windows stop
  // before the latest file's minute, so one file alone gives no window).
  std::ofstream out;
  auto line = [&](const std::string& type, const std::string& name, const std::string& dim,
                  double value, const std::string& node, double ts) {
    nlohmann::ordered_json j;
    j["Type"] = type;
    j["Name"] = name;
    j["Dimension"] = dim;
    j["Value"] = value;
    j["NodeId"] = node;
    j["Timestamp"] = ts;
    out << j.dump() << "\n";
  };
  for (int i = 0; i < 400; ++i) {
    if (i % 120 == 0) {
      out.close();
      out.open(sys_dir / fmt::format("{}.algo-1.json", 1591160699 + i / 2), std::ios::binary);
    }
    const double ts = t0_s + i * 0.5;
    line("cpu", "cpu0", "CPUUtilization", 95.0, "algo-1", ts);
    line("cpu", kScript, "CPUUtilization", 50.0, "algo-1", ts);
    line("gpu", "gpu0", "GPUUtilization", i % 3 ? 5.0 : 90.0, "algo-1", ts);
    line("gpu", "gpu0", "GPUMemoryUtilization", 10.0 + i * 0.1, "algo-1", ts);
    line("memory", "MemoryUsedPercent", "", 40.0, "algo-1", ts);
    // Node ids and unknown metric kinds from the input.
    line("gpu", "gpu0", "GPUUtilization", 50.0, kAttr, ts);
    line("cpu", "cpu0", "CPUUtilization", 20.0, kAttr, ts);
    line(kAttr, kScript, kPango, 1.0, kScript, ts);
    line("network", kPango, "Algorithm", 1e6, "algo-1", ts);
  }
}

// The hostile job's pythontimeline file, in `fw_dir`.
inline void WriteHostileTrace(const std::filesystem::path& fw_dir) {
  const double t0_s = kHostileJobStartS;
  const int64_t base_us = static_cast<int64_t>(t0_s * 1e6);
  std::vector<nlohmann::ordered_json> ev;
  auto meta = [&](int pid, nlohmann::ordered_json args) {
    ev.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", args}});
  };
  meta(0, {{"start_time_since_epoch_in_micros", base_us}});
  meta(0, {{"name", "Step:ModeKeys.TRAIN"}});
  meta(1, {{"name", kScript}});
  meta(2, {{"name", "Forward"}});
  meta(3, {{"name", kPango}});
  for (int s = 0; s < 100; ++s) {
    const int64_t ts = s * 2'000'000;
    const nlohmann::ordered_json args = {{"pid", 7}, {"step_num", std::to_string(s)}};
    ev.push_back({{"name", "Step:ModeKeys.TRAIN"},
                  {"pid", 0},
                  {"ph", "X"},
                  {"ts", ts},
                  {"dur", s == 50 ? 9'000'000 : 1'500'000},
                  {"args", args}});
    ev.push_back({{"name", kAttr},
                  {"pid", 1},
                  {"ph", "X"},
                  {"ts", ts + 100},
                  {"dur", 50'000},
                  {"args", args}});
    ev.push_back({{"name", kScript},
                  {"pid", 2},
                  {"ph", "X"},
                  {"ts", ts + 200},
                  {"dur", 60'000},
                  {"args", args}});
    ev.push_back({{"name", kPango}, {"pid", 3}, {"ph", "B"}, {"ts", ts + 300}, {"args", args}});
    ev.push_back({{"name", ""}, {"pid", 3}, {"ph", "E"}, {"ts", ts + 400}, {"args", args}});
    // Unknown phases are ignored by the reader (docs/formats.md §3.3).
    ev.push_back({{"name", "x"}, {"pid", 2}, {"ph", kScript}, {"ts", ts + 500}});
  }
  const int64_t end_us = base_us + 200'000'000;
  std::ofstream out(fw_dir / fmt::format("{}_{}_pythontimeline.json", end_us, kFileNode),
                    std::ios::binary);
  out << "[\n";
  for (size_t i = 0; i < ev.size(); ++i) out << ev[i].dump() << (i + 1 < ev.size() ? ",\n" : "\n");
  out << "]";
}

// Writes <dir>/profiler-output/{system,framework}/... and returns the
// profiler-output path. 200 s of data at 0.5 s in 4 one-minute files, 100
// steps of 2 s.
inline std::filesystem::path WriteHostileJob(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path root = dir / "profiler-output";
  const fs::path sys_dir = root / "system" / "incremental" / "2020060305";
  const fs::path fw_dir = root / "framework" / "pevents" / "2020060305";
  fs::create_directories(sys_dir);
  fs::create_directories(fw_dir);
  WriteHostileSystemFiles(sys_dir);
  WriteHostileTrace(fw_dir);
  return root;
}

}  // namespace smr::testing

#endif  // SMR_TESTS_SECURITY_HOSTILE_JOB_H_
