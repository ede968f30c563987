// Parameters and texts of the rules on PyTorch-profiler (Kineto) traces
// (kineto_rules.h): per rule its parameter table and its descriptor. The
// list of rules is in builtin_rules.cc.
#include "src/rules/kineto_rules.h"

namespace smr {

// ---- DataloaderBound --------------------------------------------------------

namespace dataloader_bound {

using P = DataloaderBoundParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "% of step time",
     "data-loading share of the median step of a rank above which the rank fires"},
    {"min_steps", &P::min_steps, ParamType::kInt, "steps",
     "steps a rank needs before it is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "DataloaderBound",
    "Checks in PyTorch-profiler traces how much of each training step the main process spends "
    "waiting for the next batch from the DataLoader. The rule triggers for a rank when the "
    "data-loading share of its median step exceeds a threshold (default 10 percent).",
    "Load data in the background: raise the DataLoader's num_workers, set pin_memory=True and "
    "persistent_workers=True, raise prefetch_factor, and move heavy preprocessing out of the "
    "loop (precompute it or run it on the GPU).",
    kRows,
};

}  // namespace dataloader_bound

DataloaderBoundRule::DataloaderBoundRule(DataloaderBoundParams params)
    : ParamRule(dataloader_bound::kDescriptor, params) {}

// ---- HostBound --------------------------------------------------------------

namespace host_bound {

using P = HostBoundParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "% of wall time",
     "share of a rank's stepped span in which the GPU idles waiting for the CPU to launch work"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "HostBound",
    "Checks in PyTorch-profiler traces whether the GPU waits for the CPU: idle gaps that end "
    "with a kernel whose launch started only after the previous kernel had finished. The rule "
    "triggers for a rank when this host-wait idle time exceeds a threshold (default 20 "
    "percent) of the rank's stepped wall time.",
    "Launch work faster than the GPU runs it: remove Python overhead from the step (torch.compile, "
    "CUDA graphs), avoid host synchronization (.item(), .cpu(), printing tensors) inside the "
    "loop, and give the GPU more work per launch (larger batch, fused optimizers).",
    kRows,
};

}  // namespace host_bound

HostBoundRule::HostBoundRule(HostBoundParams params) : ParamRule(host_bound::kDescriptor, params) {}

// ---- CommunicationBound -----------------------------------------------------

namespace communication_bound {

using P = CommunicationBoundParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "% of wall time",
     "exposed (not overlapped by computation) communication share of a rank's stepped span"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "CommunicationBound",
    "Checks in PyTorch-profiler traces how much GPU time collective communication (NCCL/RCCL "
    "kernels) takes without being overlapped by computation. The rule triggers for a rank when "
    "this exposed communication exceeds a threshold (default 15 percent) of the rank's stepped "
    "wall time.",
    "Overlap communication with computation: tune DDP's bucket_cap_mb, accumulate gradients "
    "over several micro-batches with no_sync(), use gradient compression or a faster "
    "interconnect, and check that every rank reaches the collective at the same time.",
    kRows,
};

}  // namespace communication_bound

CommunicationBoundRule::CommunicationBoundRule(CommunicationBoundParams params)
    : ParamRule(communication_bound::kDescriptor, params) {}

// ---- Straggler --------------------------------------------------------------

namespace straggler {

using P = StragglerParams;

constexpr ParamRow<P> kRows[] = {
    {"ratio", &P::ratio, ParamType::kPercent, "% of steps",
     "share of the common steps in which one rank must be the late one for the rule to fire"},
    {"threshold", &P::threshold, ParamType::kPercent, "% of the median step",
     "how much later than the median end a rank must finish a step to count as late"},
    {"min_steps", &P::min_steps, ParamType::kInt, "steps",
     "steps seen on two or more ranks needed before the rule is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "Straggler",
    "Checks in PyTorch-profiler traces of several ranks whether one rank is consistently the "
    "last to finish its steps, which makes every other rank wait for it in the next collective. "
    "The rule triggers when one rank is late by more than a threshold (default 10 percent of "
    "the median step) in at least a ratio (default 50 percent) of the steps seen on two or "
    "more ranks.",
    "Look at the straggler rank's host: its data loading (slow or uneven shards), CPU "
    "contention, thermal throttling or a slower GPU, and its network links; give every rank the "
    "same amount of work.",
    kRows,
};

}  // namespace straggler

StragglerRule::StragglerRule(StragglerParams params) : ParamRule(straggler::kDescriptor, params) {}

// ---- SyncCopies -------------------------------------------------------------

namespace sync_copies {

using P = SyncCopiesParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "% of wall time",
     "share of a rank's stepped span the host is blocked in synchronization and synchronous "
     "copies"},
    {"max_pageable", &P::max_pageable, ParamType::kDouble, "copies per step",
     "memcpys from or to pageable host memory per step above which the rank fires"},
    {"gpu_idle_threshold", &P::gpu_idle_threshold, ParamType::kPercent, "% of wall time",
     "GPU idle share of the stepped span below which blocked host time is harmless (the GPU "
     "is kept busy; the host waits for it)"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "SyncCopies",
    "Checks in PyTorch-profiler traces for host stalls: device synchronization, .item() and "
    "other blocking reads, synchronous memcpy/memset, and copies from pageable host memory. "
    "The rule triggers for a rank when the blocked time exceeds a threshold (default 5 "
    "percent) of its stepped wall time while its GPU is idle more than gpu_idle_threshold "
    "(default 10 percent) of it, or when it makes more pageable copies per step than "
    "max_pageable (default 2).",
    "Avoid .item(), .cpu(), .numpy() and printing tensors inside the training loop (log "
    "every N steps), copy with non_blocking=True from pinned memory (DataLoader "
    "pin_memory=True), and drop explicit torch.cuda.synchronize() calls.",
    kRows,
};

}  // namespace sync_copies

SyncCopiesRule::SyncCopiesRule(SyncCopiesParams params)
    : ParamRule(sync_copies::kDescriptor, params) {}

// ---- SmallKernels -----------------------------------------------------------

namespace small_kernels {

using P = SmallKernelsParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "% of GPU events",
     "share of GPU activity events shorter than the short-kernel limit (10 µs) above which "
     "a rank may fire"},
    {"busy_threshold", &P::busy_threshold, ParamType::kPercent, "% of wall time",
     "GPU busy share of the stepped span below which the many short kernels count as a "
     "problem"},
    {"min_events", &P::min_events, ParamType::kInt, "events",
     "GPU activity events a rank needs before it is checked (a handful of kernels says "
     "nothing about launch overhead)"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "SmallKernels",
    "Checks in PyTorch-profiler traces whether kernel launch overhead dominates: most GPU "
    "kernels are very short while the GPU is mostly idle, or the CPU spends longer in launch "
    "calls than the GPU in the kernels they launch.",
    "Launch fewer, larger kernels: compile the model (torch.compile with mode=\"reduce-"
    "overhead\") or capture the step in CUDA graphs, use fused optimizers (fused=True or "
    "foreach=True) and fused layers, and raise the batch size.",
    kRows,
};

}  // namespace small_kernels

SmallKernelsRule::SmallKernelsRule(SmallKernelsParams params)
    : ParamRule(small_kernels::kDescriptor, params) {}

}  // namespace smr
