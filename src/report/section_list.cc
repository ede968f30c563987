// The report's outline (section_list.h). Order of the original report
// (docs/rules.md §2); the per-rule sections follow §2.5.
#include "src/report/section_list.h"

namespace smr {
namespace report_internal {

// One builder per file in src/report/sections/<name>_section.cc.
void BuildJobSummarySection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildSystemUsageSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildFrameworkMetricsSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildRulesSummarySection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildTrainingLoopSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildStepOutlierSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildGpuUtilizationSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildLoadBalancingSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildDataloaderSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildBatchSizeSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildCpuBottleneckSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildIoBottleneckSection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildGpuMemorySection(const ReportContext& ctx, const RuleResult* rule, Section* s);
void BuildDataQualitySection(const ReportContext& ctx, const RuleResult* rule, Section* s);

const std::vector<SectionSpec>& ReportSections() {
  static const std::vector<SectionSpec> kSections = {
      {"training-job-summary", "Training job summary", 2, nullptr, BuildJobSummarySection},
      {"system-usage", "System usage statistics", 2, nullptr, BuildSystemUsageSection},
      {"framework-metrics", "Framework metrics summary", 2, nullptr,
       BuildFrameworkMetricsSection},
      {"rules-summary", "Rules summary", 2, nullptr, BuildRulesSummarySection},
      {"training-loop", "Analyzing the training loop", 2, nullptr, BuildTrainingLoopSection},
      {"step-duration", "Step duration analysis", 3, "StepOutlier", BuildStepOutlierSection},
      {"gpu-utilization", "GPU utilization analysis", 3, "LowGPUUtilization",
       BuildGpuUtilizationSection},
      {"workload-balancing", "Workload balancing", 3, "LoadBalancing",
       BuildLoadBalancingSection},
      {"dataloading", "Dataloading analysis", 3, "Dataloader", BuildDataloaderSection},
      {"batch-size", "Batch size", 3, "BatchSize", BuildBatchSizeSection},
      {"cpu-bottlenecks", "CPU bottlenecks", 3, "CPUBottleneck", BuildCpuBottleneckSection},
      {"io-bottlenecks", "I/O bottlenecks", 3, "IOBottleneck", BuildIoBottleneckSection},
      {"gpu-memory", "GPU memory", 3, "GPUMemoryIncrease", BuildGpuMemorySection},
      {"data-quality", "Data quality", 2, nullptr, BuildDataQualitySection},
  };
  return kSections;
}

}  // namespace report_internal
}  // namespace smr
