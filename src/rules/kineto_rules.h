// The rules on PyTorch-profiler (Kineto) traces (docs/rules.md §8): each
// rule's Params struct (member initializers are the defaults) and its rule
// class. They read AnalysisContext::kineto (smr/kineto_analysis.h); the
// build leaves them out when the data has no Kineto trace
// (BuiltinRule::needs_kineto). Parameter tables and descriptors are in
// kineto_rules.cc; each rule's Evaluate, with a worked example, in
// src/rules/<rule>.cc.
//
// Shared conventions: ranks are keyed "rank N" (Details and RuleFinding
// node); RuleTriggered counts the ranks (Straggler: the late ranks) that
// fire; Violations counts the steps above the rule's threshold; Datapoints
// counts the steps looked at (a rank without steps is one span). Details
// holds one entry per rank under "ranks" and "estimated_saving_s": the time
// the largest firing rank could save (ranks run side by side, so the job is
// as slow as its slowest rank), 0 when nothing fired.
#ifndef SMR_SRC_RULES_KINETO_RULES_H_
#define SMR_SRC_RULES_KINETO_RULES_H_

#include <cstdint>

#include "src/rules/param_rule.h"

namespace smr {

// ---- DataloaderBound (§8.1; dataloader_bound.cc) ----------------------------
struct DataloaderBoundParams {
  double threshold = 10;  // % of step time spent loading data (median step of a rank)
  int64_t min_steps = 3;  // steps a rank needs before it is checked
};

class DataloaderBoundRule : public ParamRule<DataloaderBoundParams> {
 public:
  explicit DataloaderBoundRule(DataloaderBoundParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

// ---- HostBound (§8.2; host_bound.cc) ----------------------------------------
struct HostBoundParams {
  double threshold = 20;  // % of the stepped span the GPU idles waiting for launches
};

class HostBoundRule : public ParamRule<HostBoundParams> {
 public:
  explicit HostBoundRule(HostBoundParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

// ---- CommunicationBound (§8.3; communication_bound.cc) ----------------------
struct CommunicationBoundParams {
  double threshold = 15;  // % of the stepped span in exposed communication
};

class CommunicationBoundRule : public ParamRule<CommunicationBoundParams> {
 public:
  explicit CommunicationBoundRule(CommunicationBoundParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

// ---- Straggler (§8.4; straggler.cc) -----------------------------------------
struct StragglerParams {
  double ratio = 50;      // % of the common steps in which one rank is late
  double threshold = 10;  // % of the step's median duration a late rank must exceed
  int64_t min_steps = 3;  // common steps (seen on 2+ ranks) needed
};

class StragglerRule : public ParamRule<StragglerParams> {
 public:
  explicit StragglerRule(StragglerParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

// ---- SyncCopies (§8.5; sync_copies.cc) --------------------------------------
struct SyncCopiesParams {
  double threshold = 5;     // % of the stepped span blocked in syncs and sync copies
  double max_pageable = 2;  // pageable memcpys per step tolerated
  // The blocked test counts only when the GPU is idle at least this share of
  // the stepped span: a host blocked on a GPU that is kept busy costs nothing.
  double gpu_idle_threshold = 10;
};

class SyncCopiesRule : public ParamRule<SyncCopiesParams> {
 public:
  explicit SyncCopiesRule(SyncCopiesParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

// ---- SmallKernels (§8.6; small_kernels.cc) ----------------------------------
struct SmallKernelsParams {
  double threshold = 50;       // % of GPU activity events shorter than short_kernel_ns
  double busy_threshold = 50;  // % GPU busy share below which the GPU counts as starved
  int64_t min_events = 100;    // GPU activity events a rank needs before it is checked
};

class SmallKernelsRule : public ParamRule<SmallKernelsParams> {
 public:
  explicit SmallKernelsRule(SmallKernelsParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_KINETO_RULES_H_
