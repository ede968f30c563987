// Steps of a Kineto trace (the step pattern on host annotations), their
// windows, and the CPU breakdown of the step thread (smr/kineto_analysis.h).
#include <algorithm>
#include <charconv>
#include <regex>
#include <string>

#include "src/analysis/kineto_internal.h"

namespace smr::kineto {
namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::vector<KinetoStep> FindSteps(const KinetoTrace& t, const KinetoOptions& o, int64_t* thread,
                                  std::vector<uint8_t>* step_name) {
  const KinetoEvents& ev = t.events;
  std::regex re;
  try {
    re.assign(o.step_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    // ValidateKinetoOptions reports it; here the trace is one span.
    *thread = -1;
    step_name->assign(t.strings.size(), 0);
    return {};
  }
  // Per name id: 0 unknown, 1 a step, 2 not a step; numbers by name id.
  std::vector<uint8_t> state(t.strings.size(), 0);
  std::vector<int64_t> number(t.strings.size(), -1);
  std::vector<uint32_t> found;
  for (size_t i = 0; i < ev.size(); ++i) {
    const KinetoCategory c = ev.category[i];
    if (c != KinetoCategory::kUserAnnotation && c != KinetoCategory::kCpuOp) continue;
    const StrId id = ev.name[i];
    if (state[id] == 0) {
      const std::string name(t.str(id));
      std::smatch m;
      state[id] = std::regex_match(name, m, re) ? 1 : 2;
      if (state[id] == 1 && m.size() > 1 && m[1].matched) ParseInt(m[1].str(), &number[id]);
    }
    if (state[id] == 1) found.push_back(static_cast<uint32_t>(i));
  }
  std::sort(found.begin(), found.end(), [&ev](uint32_t a, uint32_t b) {
    return ev.start_ns[a] < ev.start_ns[b] || (ev.start_ns[a] == ev.start_ns[b] && a < b);
  });
  const bool numbered =
      std::all_of(found.begin(), found.end(), [&](uint32_t e) { return number[ev.name[e]] >= 0; });
  std::vector<KinetoStep> steps;
  steps.reserve(found.size());
  for (size_t k = 0; k < found.size(); ++k) {
    const uint32_t e = found[k];
    KinetoStep s;
    s.number = numbered ? number[ev.name[e]] : static_cast<int64_t>(k);
    s.name = std::string(t.str(ev.name[e]));
    s.start_ns = ev.start_ns[e];
    s.end_ns = ev.end_ns(e);
    s.window_end_ns = s.end_ns;
    steps.push_back(std::move(s));
  }
  *thread = found.empty() ? -1 : ev.tid[found.front()];
  step_name->assign(t.strings.size(), 0);
  for (size_t id = 0; id < state.size(); ++id) (*step_name)[id] = state[id] == 1;
  return steps;
}

void SetStepWindows(const TraceIndex& x, std::vector<KinetoStep>& steps) {
  if (steps.empty()) return;
  for (size_t k = 0; k + 1 < steps.size(); ++k) steps[k].window_end_ns = steps[k + 1].start_ns;
  KinetoStep& last = steps.back();
  const KinetoEvents& ev = x.trace->events;
  int64_t end = std::max(last.end_ns, last.start_ns);
  for (uint32_t e : x.gpu) {
    if (x.launch[e] >= 0 && ev.start_ns[x.launch[e]] >= last.start_ns) {
      end = std::max(end, ev.end_ns(e));
    }
  }
  last.window_end_ns = end;
}

int64_t BusiestThread(const TraceIndex& x) {
  const KinetoEvents& ev = x.trace->events;
  int64_t best = -1, best_ns = -1;
  for (size_t t = 0; t + 1 < x.thread_begin.size(); ++t) {
    int64_t busy = 0, open_start = 0, open_end = INT64_MIN;
    for (uint32_t k = x.thread_begin[t]; k < x.thread_begin[t + 1]; ++k) {
      const uint32_t e = x.host[k];
      if (ev.start_ns[e] > open_end) {
        if (open_end > open_start) busy += open_end - open_start;
        open_start = ev.start_ns[e];
        open_end = ev.end_ns(e);
      } else {
        open_end = std::max(open_end, ev.end_ns(e));
      }
    }
    if (open_end > open_start) busy += open_end - open_start;
    const int64_t tid = ev.tid[x.host[x.thread_begin[t]]];
    if (busy > best_ns) {
      best_ns = busy;
      best = tid;
    }
  }
  return best;
}

bool IsDataLoaderName(std::string_view name) {
  return name.find("DataLoader") != std::string_view::npos;
}
bool IsOptimizerName(std::string_view name) { return name.starts_with("Optimizer."); }
bool IsSyncName(std::string_view name) {
  return name == "cudaDeviceSynchronize" || name == "cudaStreamSynchronize" ||
         name == "cudaEventSynchronize" || name == "hipDeviceSynchronize" ||
         name == "hipStreamSynchronize" || name == "hipEventSynchronize" || name == "aten::item" ||
         name == "aten::_local_scalar_dense";
}
bool IsSyncCopyName(std::string_view name) {
  return name == "cudaMemcpy" || name == "cudaMemset" || name == "hipMemcpy" || name == "hipMemset";
}

CpuSplitter::CpuSplitter(const TraceIndex& x, int64_t tid) {
  const KinetoEvents& ev = x.trace->events;
  for (size_t t = 0; t + 1 < x.thread_begin.size(); ++t) {
    if (ev.tid[x.host[x.thread_begin[t]]] != tid) continue;
    for (uint32_t k = x.thread_begin[t]; k < x.thread_begin[t + 1]; ++k) {
      const uint32_t e = x.host[k];
      if (x.step_name[ev.name[e]]) continue;
      const Interval i{ev.start_ns[e], ev.end_ns(e)};
      const std::string_view name = x.trace->str(ev.name[e]);
      all_.push_back(i);
      if (IsDataLoaderName(name)) dataloader_.push_back(i);
      if (IsOptimizerName(name)) optimizer_.push_back(i);
      if (IsSyncName(name) || IsSyncCopyName(name)) sync_.push_back(i);
      if (ev.category[e] == KinetoCategory::kRuntime || ev.category[e] == KinetoCategory::kDriver) {
        runtime_.push_back(i);
      }
    }
  }
  all_ = Union(std::move(all_));
  dataloader_ = Union(std::move(dataloader_));
  optimizer_ = Union(std::move(optimizer_));
  sync_ = Union(std::move(sync_));
  runtime_ = Union(std::move(runtime_));
  opt_and_dl_ = Intersect(optimizer_, dataloader_);
  dl_opt_ = Merge(dataloader_, optimizer_);
  sync_and_dl_opt_ = Intersect(sync_, dl_opt_);
  dl_opt_sync_ = Merge(dl_opt_, sync_);
}

CpuBreakdown CpuSplitter::Over(int64_t start, int64_t end) const {
  CpuBreakdown b;
  if (end <= start) return b;
  const auto clip = [&](const Intervals& u) { return ClipLength(u, start, end); };
  const int64_t busy = clip(all_);
  b.dataloader_ns = clip(dataloader_);
  b.optimizer_ns = clip(optimizer_) - clip(opt_and_dl_);
  b.synchronization_ns = clip(sync_) - clip(sync_and_dl_opt_);
  b.operators_ns = busy - clip(dl_opt_sync_);
  b.idle_ns = (end - start) - busy;
  b.runtime_ns = clip(runtime_);
  return b;
}

}  // namespace smr::kineto
