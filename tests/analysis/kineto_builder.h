// Builds small KinetoTrace structs for the analysis tests: one call per
// event, times written in µs with the _us literal (or plain ns).
#ifndef SMR_TESTS_ANALYSIS_KINETO_BUILDER_H_
#define SMR_TESTS_ANALYSIS_KINETO_BUILDER_H_

#include <cstdint>
#include <string_view>

#include "smr/kineto.h"

namespace smr::testing {

constexpr int64_t operator""_us(unsigned long long v) { return static_cast<int64_t>(v) * 1000; }
constexpr int64_t operator""_ms(unsigned long long v) { return static_cast<int64_t>(v) * 1000000; }

class KinetoBuilder {
 public:
  KinetoBuilder() { t_.rel_path = "trace.json"; }

  // A GPU event (kernel, memcpy, memset) on (device 0, stream) launched by
  // the runtime call with `correlation` (-1: none).
  uint32_t Gpu(KinetoCategory c, std::string_view name, int64_t start, int64_t dur, int32_t stream,
               int64_t correlation = -1, int32_t device = 0) {
    const uint32_t i = Add(c, name, start, dur);
    t_.events.device.back() = device;
    t_.events.stream.back() = stream;
    t_.events.tid.back() = -1;
    t_.events.correlation.back() = correlation;
    return i;
  }
  uint32_t Kernel(std::string_view name, int64_t start, int64_t dur, int32_t stream,
                  int64_t correlation = -1) {
    return Gpu(KinetoCategory::kKernel, name, start, dur, stream, correlation);
  }
  // A host event on thread `tid`.
  uint32_t Host(KinetoCategory c, std::string_view name, int64_t start, int64_t dur,
                int64_t tid = 1, int64_t correlation = -1) {
    const uint32_t i = Add(c, name, start, dur);
    t_.events.tid.back() = tid;
    t_.events.correlation.back() = correlation;
    return i;
  }
  uint32_t Runtime(std::string_view name, int64_t start, int64_t dur, int64_t correlation,
                   int64_t tid = 1) {
    return Host(KinetoCategory::kRuntime, name, start, dur, tid, correlation);
  }
  uint32_t Op(std::string_view name, int64_t start, int64_t dur, int64_t tid = 1) {
    return Host(KinetoCategory::kCpuOp, name, start, dur, tid);
  }
  uint32_t Annotation(std::string_view name, int64_t start, int64_t dur, int64_t tid = 1) {
    return Host(KinetoCategory::kUserAnnotation, name, start, dur, tid);
  }
  // A kernel with its launch: the runtime call at `launch` (1 µs long) and
  // the kernel at `start`; the correlation is taken from a counter.
  uint32_t Launched(std::string_view name, int64_t launch, int64_t start, int64_t dur,
                    int32_t stream, KinetoCategory c = KinetoCategory::kKernel) {
    const int64_t corr = next_correlation_++;
    Runtime("cudaLaunchKernel", launch, 1'000, corr);
    return Gpu(c, name, start, dur, stream, corr);
  }
  void Memory(int64_t ts, int32_t device, int64_t bytes, int64_t total_allocated,
              int64_t total_reserved = -1) {
    KinetoMemorySample m;
    m.ts_ns = ts;
    m.device = device;
    m.device_type = device < 0 ? 0 : 1;
    m.bytes = bytes;
    m.total_allocated = total_allocated;
    m.total_reserved = total_reserved;
    t_.memory.push_back(m);
  }
  KinetoTrace& trace() { return t_; }
  KinetoTrace Take() { return std::move(t_); }

 private:
  uint32_t Add(KinetoCategory c, std::string_view name, int64_t start, int64_t dur) {
    KinetoEvents& e = t_.events;
    const auto i = static_cast<uint32_t>(e.size());
    e.start_ns.push_back(start);
    e.dur_ns.push_back(dur);
    e.category.push_back(c);
    e.name.push_back(t_.strings.Intern(name));
    e.raw_category.push_back(t_.strings.Intern(KinetoCategoryName(c)));
    e.device.push_back(-1);
    e.stream.push_back(-1);
    e.tid.push_back(-1);
    e.pid.push_back(1);
    e.correlation.push_back(-1);
    e.external_id.push_back(-1);
    e.bytes.push_back(-1);
    return i;
  }

  KinetoTrace t_;
  int64_t next_correlation_ = 1000;
};

}  // namespace smr::testing

#endif  // SMR_TESTS_ANALYSIS_KINETO_BUILDER_H_
