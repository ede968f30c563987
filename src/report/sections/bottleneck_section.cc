// "CPU bottlenecks" and "I/O bottlenecks" (CPUBottleneck, IOBottleneck,
// §4.3, §4.4): the share of system samples in which a GPU waited for the
// CPU or for storage, per minute over the job (GpuSamplesPerMinute,
// smr/analysis.h), and the framework activity during the bottlenecks.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// Share of bottleneck samples per minute (bottleneck samples per minute
// without raw data); nothing when there were no bottlenecks at all.
void AppendShareChart(const ReportInputs& in, const Json& d, const std::string& threshold,
                      Section* s) {
  std::map<int64_t, double> bottlenecks_per_min;
  if (HasObject(d, "bottlenecks")) {
    for (const auto& [ts, v] : d["bottlenecks"].items()) {
      const double t = std::atof(ts.c_str());
      if (std::isfinite(t) && t > 0) bottlenecks_per_min[static_cast<int64_t>(t / 60)] += 1;
    }
  }
  if (bottlenecks_per_min.empty()) return;
  const std::map<int64_t, double> samples_per_min =
      in.store ? GpuSamplesPerMinute(*in.store) : std::map<int64_t, double>();
  Chart c = TimeLineChart(s->id + "-share",
                          samples_per_min.empty() ? "Bottleneck samples per minute"
                                                  : "Share of bottleneck samples per minute",
                          samples_per_min.empty() ? "Samples" : "Bottlenecks (%)");
  c.y_min = 0;
  ChartSeries sr{"bottlenecks", {}, 5};
  if (!samples_per_min.empty()) {
    c.y_max = 100;
    for (const auto& [m, n] : samples_per_min) {
      auto it = bottlenecks_per_min.find(m);
      const double b = it == bottlenecks_per_min.end() ? 0 : it->second;
      sr.points.push_back({m * 60.0 + 30, std::min(100.0, 100 * b / n)});
    }
  } else {
    for (const auto& [m, n] : bottlenecks_per_min) sr.points.push_back({m * 60.0 + 30, n});
  }
  if (sr.points.empty()) return;
  const double x0 = sr.points.front().x, x1 = sr.points.back().x;
  c.series.push_back(std::move(sr));
  if (!samples_per_min.empty()) {
    const double t = std::atof(threshold.c_str());
    c.series.push_back({"threshold", {{x0, t}, {x1, t}}, 6});
  }
  c.height = 260;
  s->blocks.push_back(ChartBlock(std::move(c)));
}

// CPUBottleneck (io = false) or IOBottleneck (io = true).
void BuildBottleneckSection(const RuleResult& r, const ReportInputs& in, bool io, Section* s) {
  const auto [threshold, gpu_thr, res_thr] =
      ParamValues(r, {"threshold", "gpu_threshold", io ? "io_threshold" : "cpu_threshold"});
  const std::string intro = fmt::format(
      "The {} rule looks at every system sample: it is a bottleneck when a GPU's utilization is "
      "below {} % while {} above {} %. The rule fires when bottlenecks make up more than {} % "
      "of the samples.",
      r.name, gpu_thr, io ? "a CPU core's I/O wait is" : "a CPU core's utilization is", res_thr,
      threshold);
  AppendRuleIntro(r, intro, s);
  if (r.failed || !r.applicable) {
    AppendStatusNote(r, "", s);
    return;
  }
  const Json& d = r.details;
  const double perc = r.datapoints > 0 ? static_cast<double>(r.violations) / r.datapoints * 100 : 0;
  const double low_gpu = Num(d, "low_gpu_utilization", 0);
  if (r.datapoints == 0) {
    s->blocks.push_back(Note(Severity::kInfo, "No system samples were analysed."));
    return;
  }
  const bool has_gpu = in.store ? HasGpuUtilization(*in.store) : low_gpu > 0 || r.violations > 0;
  if (!has_gpu) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No GPU utilization was recorded (CPU-only instance), so GPU "
                             "starvation cannot be detected."));
    return;
  }
  s->blocks.push_back(Paragraph(fmt::format(
      "{} of {} samples ({} %) were bottlenecks; the threshold is {} %. GPU utilization was "
      "below {} % in {} samples.",
      r.violations, r.datapoints, FormatNumber(perc, 1), threshold, gpu_thr,
      static_cast<int64_t>(low_gpu))));
  if (r.triggered > 0) {
    s->blocks.push_back(Note(
        Severity::kIssue,
        io ? fmt::format("The rule fired {} (once per 60-second window after which "
                         "bottlenecks made up more than the threshold of the samples so far). "
                         "What to do: the GPUs wait for "
                         "storage; pre-fetch and cache data, use larger or binary file formats "
                         "(e.g. RecordIO, TFRecord, WebDataset shards), or faster storage.",
                         Plural(r.triggered, "time", "times"))
           : fmt::format("The rule fired {} (once per 60-second window after which "
                         "bottlenecks made up more than the threshold of the samples so far). "
                         "What to do: the GPUs wait for the "
                         "CPU; move preprocessing to the GPU or offline, increase the number of "
                         "data-loader workers, or pre-fetch batches.",
                         Plural(r.triggered, "time", "times"))));
  } else {
    AppendStatusNote(r, fmt::format("Bottlenecks stayed below the {} % threshold.", threshold), s);
  }
  AppendShareChart(in, d, threshold, s);
  if (r.triggered > 0) {
    AppendCorrelatedActivity(d, s->id, io ? "the I/O bottlenecks" : "the CPU bottlenecks", s);
  }
}

}  // namespace

void BuildCpuBottleneckSection(const RuleResult& r, const ReportInputs& in, Section* s) {
  BuildBottleneckSection(r, in, /*io=*/false, s);
}

void BuildIoBottleneckSection(const RuleResult& r, const ReportInputs& in, Section* s) {
  BuildBottleneckSection(r, in, /*io=*/true, s);
}

}  // namespace report_internal
}  // namespace smr
