#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;

// Rank 1: one 200 ms step with `comm` ms of NCCL kernels, `overlap` ms of
// them under computation kernels.
void OneStep(KinetoFixture* f, int64_t comm, int64_t overlap) {
  KinetoRankAnalysis& r1 = f->Rank(1);
  KinetoStep& s = KinetoFixture::Step(&r1, 0, 0, 200 * kMs);
  for (GpuBreakdown* g : {&s.gpu, &r1.gpu_steps}) {
    g->communication_total_ns = comm * kMs;
    g->comm_comp_overlap_ns = overlap * kMs;
    g->communication_ns = (comm - overlap) * kMs;
  }
}

TEST(CommunicationBoundTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  OneStep(&f, 80, 30);  // 50 ms exposed of 200: 25 %
  const RuleResult r = CommunicationBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.datapoints, 1);
  const auto& e = r.details["ranks"]["rank 1"];
  EXPECT_EQ(e["wall_s"].get<double>(), 0.2);
  EXPECT_EQ(e["communication_s"].get<double>(), 0.08);
  EXPECT_EQ(e["exposed_s"].get<double>(), 0.05);
  EXPECT_EQ(e["exposed_share"].get<double>(), 25.0);
  EXPECT_EQ(e["overlapped_share"].get<double>(), 37.5);
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.05);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 1");
  EXPECT_EQ(r.findings[0].value, 25.0);
}

TEST(CommunicationBoundTest, ExactlyAtThresholdDoesNotFire) {
  KinetoFixture f;
  OneStep(&f, 30, 0);  // 30 of 200 ms = 15 %
  const RuleResult r = CommunicationBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.details["ranks"]["rank 1"]["exposed_share"].get<double>(), 15.0);
}

TEST(CommunicationBoundTest, OverlappedCommunicationDoesNotFire) {
  KinetoFixture f;
  OneStep(&f, 150, 150);  // all of it hidden under computation
  const RuleResult r = CommunicationBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.details["ranks"]["rank 1"]["overlapped_share"].get<double>(), 100.0);
}

TEST(CommunicationBoundTest, NotApplicableWithoutCommunicationKernels) {
  KinetoFixture f;
  KinetoFixture::Step(&f.Rank(0), 0, 0, 100 * kMs);
  const RuleResult r = CommunicationBoundRule().Evaluate(f.ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason,
            "no communication (NCCL/RCCL) kernels in the PyTorch-profiler traces");
}

}  // namespace
}  // namespace smr
