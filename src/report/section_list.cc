// The report's outline (section_list.h). Order of the original report
// (docs/rules.md §2); the per-rule sections follow §2.5.
#include "src/report/section_list.h"

namespace smr {
namespace report_internal {

// One builder per file in src/report/sections/<name>_section.cc.
void BuildFindingsSection(const ReportContext& ctx, Section* s);
void BuildJobSummarySection(const ReportContext& ctx, Section* s);
void BuildSystemUsageSection(const ReportContext& ctx, Section* s);
void BuildTimelineSection(const ReportContext& ctx, Section* s);
void BuildPytorchProfilerSection(const ReportContext& ctx, Section* s);
void BuildSlowStepsSection(const ReportContext& ctx, Section* s);
void BuildFrameworkMetricsSection(const ReportContext& ctx, Section* s);
void BuildRulesSummarySection(const ReportContext& ctx, Section* s);
void BuildTrainingLoopSection(const ReportContext& ctx, Section* s);
void BuildStepOutlierSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildGpuUtilizationSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildLoadBalancingSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildDataloaderSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildBatchSizeSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildCpuBottleneckSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildIoBottleneckSection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildGpuMemorySection(const RuleResult& r, const ReportInputs& in, Section* s);
void BuildDataQualitySection(const ReportContext& ctx, Section* s);

const std::vector<SectionSpec>& ReportSections() {
  static const std::vector<SectionSpec> kSections = {
      ReportSection("findings", "Findings", BuildFindingsSection),
      ReportSection("training-job-summary", "Training job summary", BuildJobSummarySection),
      ReportSection("system-usage", "System usage statistics", BuildSystemUsageSection),
      ReportSection("timelines", "Timelines", BuildTimelineSection),
      ReportSection("pytorch-profiler", "PyTorch profiler traces", BuildPytorchProfilerSection),
      ReportSection("slow-steps", "Slowest steps", BuildSlowStepsSection),
      ReportSection("framework-metrics", "Framework metrics summary", BuildFrameworkMetricsSection),
      ReportSection("rules-summary", "Rules summary", BuildRulesSummarySection),
      ReportSection("training-loop", "Analyzing the training loop", BuildTrainingLoopSection),
      RuleSection("step-duration", "Step duration analysis", "StepOutlier",
                  BuildStepOutlierSection),
      RuleSection("gpu-utilization", "GPU utilization analysis", "LowGPUUtilization",
                  BuildGpuUtilizationSection),
      RuleSection("workload-balancing", "Workload balancing", "LoadBalancing",
                  BuildLoadBalancingSection),
      RuleSection("dataloading", "Dataloading analysis", "Dataloader", BuildDataloaderSection),
      RuleSection("batch-size", "Batch size", "BatchSize", BuildBatchSizeSection),
      RuleSection("cpu-bottlenecks", "CPU bottlenecks", "CPUBottleneck", BuildCpuBottleneckSection),
      RuleSection("io-bottlenecks", "I/O bottlenecks", "IOBottleneck", BuildIoBottleneckSection),
      RuleSection("gpu-memory", "GPU memory", "GPUMemoryIncrease", BuildGpuMemorySection),
      ReportSection("data-quality", "Data quality", BuildDataQualitySection),
  };
  return kSections;
}

}  // namespace report_internal
}  // namespace smr
