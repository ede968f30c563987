// The training schedule (schedule.h): initialization, then TRAIN and EVAL
// passes until the finalization, each pass a new DataLoader iterator and as
// many steps as fit; the loader workers fetch batches in the background.
#include "samples/generator/schedule.h"

#include <algorithm>
#include <utility>

namespace smr::samplegen {
namespace {

// Builds one Schedule; the random numbers are drawn in the order of the
// simulated script's actions.
class ScheduleBuilder {
 public:
  explicit ScheduleBuilder(const Scenario& sc)
      : sc_(sc), rng_(SplitMix64::ForStream(sc.seed, "schedule")) {}

  Schedule Build();

 private:
  // Runs one TRAIN or EVAL pass (new DataLoader iterator, then steps) from
  // t_ until no further step fits before phase_end.
  void RunPhase(bool train, int64_t phase_end);
  // The new iterator's __init__ event and span; moves t_ past it.
  void StartIterator();
  // The DataLoaderWorker event of a batch fetched in the background by its
  // worker; returns the GetNext wait, at least until the batch is ready.
  int64_t FetchBatch(int64_t batch, int64_t getnext, double mean_us, int64_t iter_ready,
                     std::vector<int64_t>* worker_free);
  // Duration of the next step of the pass (first TRAIN step, outliers).
  int64_t StepDuration(bool train, double mean_us);
  // GetNext, the step and its forward pass (plus detailed ops); moves t_ to
  // the next GetNext.
  void AddStep(bool train, int64_t getnext, int64_t dur);

  const Scenario& sc_;
  SplitMix64 rng_;
  Schedule out_;
  int64_t t_ = 0;
  int64_t train_steps_ = 0;
  int64_t eval_steps_ = 0;
  int64_t global_step_ = 0;
  int64_t worker_pid_offset_ = 1;
  bool first_iterator_ = true;
};

Schedule ScheduleBuilder::Build() {
  const int64_t job_start = sc_.job_start_us;
  const int64_t job_end = job_start + static_cast<int64_t>(sc_.minutes * 60.0 * kUsPerS);
  const int64_t train_end = job_end - static_cast<int64_t>(sc_.final_s * kUsPerS);
  t_ = job_start + static_cast<int64_t>(sc_.init_s * kUsPerS);
  out_.job_end_us = job_end;
  // The hook (and its trace writer) is created while the script sets up,
  // well before the first step.
  out_.writer_base_us =
      job_start + std::min<int64_t>(t_ - job_start, 25 * kUsPerS) / 2 + rng_.Int(0, 999'999);
  out_.spans.push_back({SpanKind::kInit, job_start, t_});
  while (true) {
    if (t_ + static_cast<int64_t>(5 * kUsPerS) > train_end) break;
    RunPhase(true, std::min(train_end, t_ + static_cast<int64_t>(sc_.train_epoch_s * kUsPerS)));
    if (sc_.eval_s <= 0 || t_ + static_cast<int64_t>((sc_.eval_s + 3.0) * kUsPerS) > train_end) {
      break;
    }
    RunPhase(false, t_ + static_cast<int64_t>(sc_.eval_s * kUsPerS));
  }
  out_.spans.push_back({SpanKind::kFinal, t_, job_end});
  out_.steps["Step:ModeKeys.TRAIN"] = train_steps_;
  out_.steps["Step:ModeKeys.EVAL"] = eval_steps_;
  std::stable_sort(out_.events.begin(), out_.events.end(),
                   [](const Event& x, const Event& y) { return x.write_us < y.write_us; });
  return std::move(out_);
}

void ScheduleBuilder::RunPhase(bool train, int64_t phase_end) {
  const int nw = sc_.num_workers;
  StartIterator();
  const int64_t iter_ready = t_;
  out_.spans.push_back({train ? SpanKind::kTrain : SpanKind::kEval, t_, t_});
  const double mean_us = (train ? sc_.train_step_ms : sc_.eval_step_ms) * 1000.0;
  std::vector<int64_t> worker_free(std::max(nw, 1), iter_ready);
  for (int64_t batch = 0;; ++batch) {
    int64_t getnext = batch == 0 ? rng_.Int(60'000, 220'000) : rng_.Int(1'500, 5'500);
    if (nw > 0) getnext = FetchBatch(batch, getnext, mean_us, iter_ready, &worker_free);
    const int64_t dur = StepDuration(train, mean_us);
    if (t_ + getnext + dur > phase_end) break;
    AddStep(train, getnext, dur);
  }
  out_.spans.back().end_us = t_;
  worker_pid_offset_ += std::max(nw, 1);
}

void ScheduleBuilder::StartIterator() {
  const int nw = sc_.num_workers;
  const int64_t init_dur =
      first_iterator_ ? rng_.Int(1'400'000, 2'200'000) : rng_.Int(350'000, 900'000);
  first_iterator_ = false;
  out_.events.push_back(Ev(
      t_, init_dur, t_ + init_dur, kPhaseIterInit,
      nw > 0 ? "_MultiProcessingDataLoaderIter.__init__" : "_SingleProcessDataLoaderIter.__init__",
      nw));
  out_.spans.push_back({SpanKind::kIterInit, t_, t_ + init_dur});
  t_ += init_dur;
}

int64_t ScheduleBuilder::FetchBatch(int64_t batch, int64_t getnext, double mean_us,
                                    int64_t iter_ready, std::vector<int64_t>* worker_free) {
  const int nw = sc_.num_workers;
  const int w = static_cast<int>(batch % nw);
  const int64_t fetch = static_cast<int64_t>(nw * mean_us * rng_.Uniform(0.45, 0.75));
  int64_t f_start = std::max((*worker_free)[w], t_ - fetch);
  f_start = std::max(f_start, iter_ready);
  const int64_t f_end = f_start + fetch;
  (*worker_free)[w] = f_end;
  getnext = std::max(getnext, f_end - t_ + rng_.Int(80, 400));
  out_.events.push_back(
      Ev(f_start, fetch, f_end, kPhaseWorker, "DataLoaderWorker", w, worker_pid_offset_ + w));
  return getnext;
}

int64_t ScheduleBuilder::StepDuration(bool train, double mean_us) {
  int64_t dur =
      static_cast<int64_t>(mean_us * (1.0 + sc_.step_jitter * (2.0 * rng_.Uniform() - 1.0)));
  if (train && train_steps_ == 0) {
    dur = static_cast<int64_t>(sc_.first_step_s * kUsPerS);
  } else if (train && sc_.outlier_every > 0 &&
             train_steps_ % sc_.outlier_every == sc_.outlier_every - 1) {
    dur =
        static_cast<int64_t>(mean_us * rng_.Uniform(sc_.outlier_factor_lo, sc_.outlier_factor_hi));
  }
  return dur;
}

void ScheduleBuilder::AddStep(bool train, int64_t getnext, int64_t dur) {
  int64_t& mode_steps = train ? train_steps_ : eval_steps_;
  out_.events.push_back(Ev(t_, getnext, t_ + getnext, kPhaseIter,
                           sc_.num_workers > 0 ? "_MultiProcessingDataLoaderIter::GetNext"
                                               : "_SingleProcessDataLoaderIter::GetNext"));
  const int64_t step_start = t_ + getnext;
  if (out_.first_step_us < 0) out_.first_step_us = step_start;
  // Step events are logged at the next forward-pre-hook.
  const Phase step_phase = train ? kPhaseStepTrain : kPhaseStepEval;
  out_.events.push_back(Ev(step_start, dur, step_start + dur + 2'000, step_phase,
                           kPhaseNames[step_phase], mode_steps));
  const int64_t fwd_dur =
      static_cast<int64_t>(dur * (train ? rng_.Uniform(0.30, 0.36) : rng_.Uniform(0.85, 0.95)));
  out_.events.push_back(Ev(step_start + 120, fwd_dur, step_start + 120 + fwd_dur, kPhaseForward,
                           "ResNet", mode_steps));
  if (train && mode_steps >= sc_.detailed_start_step &&
      mode_steps < sc_.detailed_start_step + sc_.detailed_num_steps) {
    AddDetailedOps(step_start, dur, global_step_, &rng_, &out_.events);
  }
  ++mode_steps;
  ++global_step_;
  // Optimizer step and zero_grad run between the step events.
  t_ = step_start + dur + (train ? rng_.Int(2'000, 5'000) : rng_.Int(300, 1'000));
}

}  // namespace

Schedule BuildSchedule(const Scenario& sc) { return ScheduleBuilder(sc).Build(); }

}  // namespace smr::samplegen
