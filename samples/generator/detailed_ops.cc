// Detailed profiling of a TRAIN step: the ResNet-style CPU operators of one
// step and the GPU kernels they launch, as the autograd profiler records them
// (cpu_functions / gpu_functions-dev:0 events, docs/formats.md 1.4).
#include <algorithm>
#include <iterator>

#include "samples/generator/schedule.h"

namespace smr::samplegen {
namespace {

// One CPU operator of a ResNet-style step and the kernel it launches.
struct Op {
  std::string_view cpu;
  std::string_view kernel;  // empty: no GPU work
  double gpu_weight;        // share of the step's GPU time
};

constexpr Op kForwardBlock[] = {
    {"aten::conv2d", "volta_scudnn_128x64_relu_interior_nn_v1", 6.0},
    {"aten::batch_norm", "cudnn::bn_fw_tr_1C11_kernel_NCHW<float, float, int, 512, true, 1>", 1.6},
    {"aten::relu_",
     "at::native::vectorized_elementwise_kernel<4, at::native::clamp_min_scalar_kernel_impl>", 0.8},
};
constexpr Op kForwardHead[] = {
    {"aten::max_pool2d", "at::native::max_pool_forward_nchw<float, float>", 0.7},
    {"aten::adaptive_avg_pool2d", "at::native::adaptive_average_pool<float>", 0.3},
    {"aten::flatten", "", 0.0},
    {"aten::addmm", "volta_sgemm_128x32_tn", 0.9},
    {"aten::log_softmax",
     "at::native::cunn_SoftMaxForward<4, float, float, float, "
     "at::native::LogSoftMaxForwardEpilogue>",
     0.2},
    {"aten::nll_loss", "at::native::nll_loss_forward_reduce_cuda_kernel_2d<float, float, long>",
     0.1},
};
constexpr Op kBackwardHead[] = {
    {"NllLossBackward", "at::native::nll_loss_backward_reduce_cuda_kernel_2d<float, long>", 0.1},
    {"LogSoftmaxBackward",
     "at::native::cunn_SoftMaxBackward<4, float, float, float, "
     "at::native::LogSoftMaxBackwardEpilogue>",
     0.2},
    {"AddmmBackward", "volta_sgemm_32x128_nt", 1.4},
    {"aten::adaptive_avg_pool2d_backward", "at::native::atomic_adaptive_average_gradinput<float>",
     0.3},
};
constexpr Op kBackwardBlock[] = {
    {"aten::threshold_backward",
     "at::native::vectorized_elementwise_kernel<4, at::native::threshold_kernel_impl<float>>", 1.0},
    {"aten::cudnn_batch_norm_backward",
     "cudnn::bn_bw_1C11_kernel_new<float, float, float2, 512, true, 1>", 2.2},
    {"aten::cudnn_convolution_backward_input", "volta_scudnn_128x64_stridedB_splitK_small_nn_v1",
     6.5},
    {"aten::cudnn_convolution_backward_weight",
     "cudnn::detail::wgrad_alg0_engine<float, 128, 5, 5, 3, 3, 3, false, 512>", 5.5},
};
constexpr Op kOptimizer[] = {
    {"aten::zero_", "at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>>",
     0.3},
    {"aten::add_", "at::native::vectorized_elementwise_kernel<4, at::native::AddFunctor<float>>",
     0.8},
    {"aten::mul_",
     "at::native::vectorized_elementwise_kernel<4, at::native::MulScalarFunctor<float, float>>",
     0.4},
};
constexpr int kBlocks = 4;

}  // namespace

// CPU launches run ahead, kernels queue behind them on the device.
void AddDetailedOps(int64_t start_us, int64_t dur_us, int64_t global_step, SplitMix64* rng,
                    std::vector<Event>* events) {
  std::vector<Op> fwd, bwd;
  for (int b = 0; b < kBlocks; ++b) {
    fwd.insert(fwd.end(), std::begin(kForwardBlock), std::end(kForwardBlock));
  }
  fwd.insert(fwd.end(), std::begin(kForwardHead), std::end(kForwardHead));
  bwd.insert(bwd.end(), std::begin(kBackwardHead), std::end(kBackwardHead));
  for (int b = 0; b < kBlocks; ++b) {
    bwd.insert(bwd.end(), std::begin(kBackwardBlock), std::end(kBackwardBlock));
  }
  bwd.insert(bwd.end(), std::begin(kOptimizer), std::end(kOptimizer));

  double total_weight = 0;
  for (const Op& op : fwd) total_weight += op.gpu_weight;
  for (const Op& op : bwd) total_weight += op.gpu_weight;
  const double gpu_us = 0.86 * static_cast<double>(dur_us);
  const int64_t write_us = start_us + dur_us + 1;
  int64_t gpu_free_us = start_us;

  auto emit = [&](const std::vector<Op>& ops, int64_t seg_start, int64_t seg_len, int64_t tid) {
    const int64_t slot = seg_len / static_cast<int64_t>(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      const int64_t cpu_start = seg_start + static_cast<int64_t>(i) * slot + rng->Int(0, slot / 10);
      const int64_t cpu_dur =
          std::max<int64_t>(8, static_cast<int64_t>(slot * rng->Uniform(0.25, 0.6)));
      events->push_back(
          Ev(cpu_start, cpu_dur, write_us, kPhaseCpuFunctions, op.cpu, tid, global_step));
      if (op.kernel.empty()) continue;
      const int64_t k_start = std::max(gpu_free_us, cpu_start + rng->Int(6, 25));
      const int64_t k_dur = std::max<int64_t>(
          3, static_cast<int64_t>(gpu_us * op.gpu_weight / total_weight * rng->Uniform(0.9, 1.1)));
      events->push_back(Ev(k_start, k_dur, write_us, kPhaseGpuFunctions, op.kernel, 0, global_step,
                           op.cpu, cpu_start));
      gpu_free_us = k_start + k_dur;
    }
  };
  const int64_t fwd_len = dur_us * 30 / 100;
  emit(fwd, start_us + 150, fwd_len, 1);
  // Backward runs on the autograd engine's thread (tid 2).
  emit(bwd, start_us + 150 + fwd_len, dur_us * 55 / 100, 2);
}

}  // namespace smr::samplegen
