// Names and classification of Kineto events (smr/kineto.h,
// smr/kineto_analysis.h), and the check of the analysis options.
#include <regex>
#include <string_view>

#include <fmt/format.h>

#include "smr/kineto.h"
#include "smr/kineto_analysis.h"

namespace smr {

const char* KinetoCategoryName(KinetoCategory c) {
  switch (c) {
    case KinetoCategory::kCpuOp:
      return "cpu_op";
    case KinetoCategory::kUserAnnotation:
      return "user_annotation";
    case KinetoCategory::kPythonFunction:
      return "python_function";
    case KinetoCategory::kRuntime:
      return "cuda_runtime";
    case KinetoCategory::kDriver:
      return "cuda_driver";
    case KinetoCategory::kKernel:
      return "kernel";
    case KinetoCategory::kMemcpy:
      return "gpu_memcpy";
    case KinetoCategory::kMemset:
      return "gpu_memset";
    case KinetoCategory::kCudaSync:
      return "cuda_sync";
    case KinetoCategory::kGpuUserAnnotation:
      return "gpu_user_annotation";
    case KinetoCategory::kOther:
      return "other";
  }
  return "other";
}

const char* KernelTypeName(KernelType t) {
  switch (t) {
    case KernelType::kComputation:
      return "computation";
    case KernelType::kCommunication:
      return "communication";
    case KernelType::kMemcpy:
      return "memcpy";
    case KernelType::kMemset:
      return "memset";
  }
  return "computation";
}

KernelType ClassifyGpuEvent(KinetoCategory category, std::string_view name) {
  if (category == KinetoCategory::kMemcpy) return KernelType::kMemcpy;
  if (category == KinetoCategory::kMemset) return KernelType::kMemset;
  if (name.starts_with("nccl") || name.find("ncclKernel") != std::string_view::npos) {
    return KernelType::kCommunication;
  }
  return KernelType::kComputation;
}

Status ValidateKinetoOptions(const KinetoOptions& o) {
  try {
    std::regex re(o.step_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::Error(fmt::format("--step-pattern \"{}\" is not a valid regular expression: {}",
                                     o.step_pattern, e.what()));
  }
  if (o.step_pattern.empty()) return Status::Error("--step-pattern must not be empty");
  if (o.consecutive_kernel_delay_ns <= 0 || o.short_kernel_ns <= 0 || o.top_n <= 0 ||
      o.timeline_buckets <= 0) {
    return Status::Error("Kineto analysis options must be positive");
  }
  return Status::Ok();
}

}  // namespace smr
