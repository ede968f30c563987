// The Kineto analyses of a sharded run (smr/kineto_analysis.h): the byte
// form (SaveKinetoAnalysis / LoadKinetoAnalysis) round-trips every field,
// refuses truncated or impossible bytes, and MergeKinetoAnalyses over the
// analyses of any split of the traces, merged in any order, gives exactly
// the analysis of the whole store.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "samples/generator/kineto_gen.h"
#include "smr/ingest.h"
#include "smr/kineto_analysis.h"
#include "smr/state_io.h"
#include "smr/store.h"

namespace smr {
namespace {

using samplegen::KinetoGenFile;
using samplegen::KinetoScenario;

struct JobFile {
  std::string path;
  std::string text;
};

void AddJob(const KinetoScenario& sc, const std::string& dir, std::vector<JobFile>* out) {
  for (const KinetoGenFile& f : samplegen::MakeKinetoJob(sc)) {
    out->push_back({dir + "/rank-" + std::to_string(f.rank) + ".pt.trace.json",
                    samplegen::KinetoTraceText(f)});
  }
}

// Seven traces whose store order (rank, path) differs from their list
// order: a current-form job of 4 ranks (a straggler, DataLoader stalls)
// under node-b/, a legacy job of ranks 0 and 1 with an exposed all-reduce
// under node-a/ (same ranks, earlier paths), and a trace without
// distributedInfo (rank -1, sorted as rank 0) under node-c/.
std::vector<JobFile> JobFiles() {
  std::vector<JobFile> files;
  KinetoScenario a;
  a.ranks = 4;
  a.steps = 4;
  a.seed = 7;
  a.straggler_rank = 2;
  a.dataloader_stall_ns = 3'000'000;
  AddJob(a, "node-b", &files);
  KinetoScenario b;
  b.legacy = true;
  b.ranks = 2;
  b.steps = 3;
  b.seed = 11;
  b.exposed_nccl = true;
  AddJob(b, "node-a", &files);
  KinetoScenario c;
  c.ranks = 1;
  c.steps = 3;
  c.seed = 5;
  c.kernels_per_step = 40;
  std::vector<KinetoGenFile> solo = samplegen::MakeKinetoJob(c);
  solo[0].rank = -1;
  files.push_back({"node-c/solo.pt.trace.json", samplegen::KinetoTraceText(solo[0])});
  return files;
}

MetricStore StoreOf(const std::vector<const JobFile*>& files) {
  StoreBuilder b;
  Diagnostics diag;
  for (const JobFile* j : files) {
    InputFile f;
    f.rel_path = j->path;
    f.kind = FileKind::kKineto;
    ImportKinetoTrace(f, j->text, &b, &diag);
  }
  return b.Build();
}

KinetoAnalysis Analyze(const std::vector<const JobFile*>& files, const KinetoOptions& options) {
  const MetricStore store = StoreOf(files);
  return AnalyzeKineto(store, options, 2);
}

std::vector<const JobFile*> All(const std::vector<JobFile>& files) {
  std::vector<const JobFile*> out;
  for (const JobFile& f : files) out.push_back(&f);
  return out;
}

std::string Bytes(const KinetoAnalysis& a) {
  StateWriter w;
  SaveKinetoAnalysis(a, &w);
  return w.Take();
}

KinetoAnalysis FromBytes(const std::string& bytes) {
  StateReader r(bytes);
  KinetoAnalysis a;
  const Status s = LoadKinetoAnalysis(&r, &a);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(r.done());
  return a;
}

KinetoOptions Unusual() {
  KinetoOptions o;
  o.hta_drop_last_step = true;
  o.hta_keep_last_step = true;
  o.consecutive_kernel_delay_ns = 12'345;
  o.short_kernel_ns = 160'000;
  o.top_n = 4;
  o.timeline_buckets = 37;
  return o;
}

TEST(KinetoPartial, ByteFormRoundTripsGeneratedJobs) {
  const std::vector<JobFile> files = JobFiles();
  for (const KinetoOptions& options : {KinetoOptions{}, Unusual()}) {
    const KinetoAnalysis x = Analyze(All(files), options);
    const std::string bytes = Bytes(x);
    const KinetoAnalysis y = FromBytes(bytes);
    EXPECT_EQ(Bytes(y), bytes);
    // Spot checks by value.
    EXPECT_EQ(y.options.step_pattern, x.options.step_pattern);
    EXPECT_EQ(y.options.hta_drop_last_step, options.hta_drop_last_step);
    EXPECT_EQ(y.options.hta_keep_last_step, options.hta_keep_last_step);
    EXPECT_EQ(y.options.consecutive_kernel_delay_ns, options.consecutive_kernel_delay_ns);
    EXPECT_EQ(y.options.timeline_buckets, options.timeline_buckets);
    ASSERT_EQ(y.ranks.size(), 7u);
    ASSERT_FALSE(y.skew.empty());
    EXPECT_EQ(y.skew.back().late_by_ns, x.skew.back().late_by_ns);
    EXPECT_EQ(y.skew.front().slowest_rank, x.skew.front().slowest_rank);
    for (size_t i = 0; i < y.ranks.size(); ++i) {
      SCOPED_TRACE(x.ranks[i].file);
      const KinetoRankAnalysis& a = x.ranks[i];
      const KinetoRankAnalysis& b = y.ranks[i];
      EXPECT_EQ(b.trace, a.trace);
      EXPECT_EQ(b.rank, a.rank);
      EXPECT_EQ(b.file, a.file);
      EXPECT_EQ(b.gpu_name, a.gpu_name);
      EXPECT_TRUE(b.has_gpu);
      EXPECT_EQ(b.gpu.idle_host_wait_ns, a.gpu.idle_host_wait_ns);
      EXPECT_EQ(b.cpu_steps.dataloader_ns, a.cpu_steps.dataloader_ns);
      ASSERT_EQ(b.steps.size(), a.steps.size());
      EXPECT_EQ(b.steps.back().name, a.steps.back().name);
      EXPECT_EQ(b.steps.back().gpu.communication_ns, a.steps.back().gpu.communication_ns);
      ASSERT_FALSE(b.top_kernels.empty());
      EXPECT_EQ(b.top_kernels[0].name, a.top_kernels[0].name);
      EXPECT_EQ(b.top_kernels[0].type, a.top_kernels[0].type);
      EXPECT_EQ(std::bit_cast<uint64_t>(b.top_kernels[0].share),
                std::bit_cast<uint64_t>(a.top_kernels[0].share));
      EXPECT_EQ(std::bit_cast<uint64_t>(b.top_kernels.back().mean_ns),
                std::bit_cast<uint64_t>(a.top_kernels.back().mean_ns));
      ASSERT_FALSE(b.top_operators.empty());
      EXPECT_EQ(std::bit_cast<uint64_t>(b.top_operators[0].share),
                std::bit_cast<uint64_t>(a.top_operators[0].share));
      EXPECT_EQ(b.launches.delay_p95_ns, a.launches.delay_p95_ns);
      EXPECT_EQ(b.sync.sync_ns, a.sync.sync_ns);
      ASSERT_EQ(b.streams.size(), a.streams.size());
      EXPECT_EQ(b.streams.back().stream, a.streams.back().stream);
      EXPECT_EQ(b.streams.back().busy_ns, a.streams.back().busy_ns);
      EXPECT_EQ(b.streams.back().busy_ns.size(), static_cast<size_t>(options.timeline_buckets));
      EXPECT_EQ(b.gpu_busy_ns, a.gpu_busy_ns);
      ASSERT_FALSE(b.memory.empty());
      EXPECT_EQ(b.memory[0].device, a.memory[0].device);
      EXPECT_EQ(b.memory[0].peak_allocated, a.memory[0].peak_allocated);
      ASSERT_EQ(b.memory[0].points.size(), a.memory[0].points.size());
      EXPECT_EQ(b.memory[0].points.back().allocated, a.memory[0].points.back().allocated);
    }
  }
}

// Values a computation rarely produces still travel exactly.
TEST(KinetoPartial, ByteFormKeepsDoublesBitForBit) {
  KinetoAnalysis x;
  x.options.step_pattern = "Iteration ([0-9]+)";
  KinetoRankAnalysis r;
  r.rank = 3;
  r.file = "a/b.json";
  r.has_gpu = true;
  KernelStat k;
  k.name = "other";
  k.type = KernelType::kMemset;
  k.mean_ns = -0.0;
  k.share = std::bit_cast<double>(uint64_t{0x7ff8'0000'0000'1234});  // a NaN with a payload
  r.top_kernels.push_back(k);
  OperatorStat o;
  o.share = std::numeric_limits<double>::denorm_min();
  r.top_operators.push_back(o);
  x.ranks.push_back(r);
  const KinetoAnalysis y = FromBytes(Bytes(x));
  ASSERT_EQ(y.ranks.size(), 1u);
  const KernelStat& l = y.ranks[0].top_kernels.at(0);
  EXPECT_EQ(l.type, KernelType::kMemset);
  EXPECT_EQ(std::bit_cast<uint64_t>(l.mean_ns), std::bit_cast<uint64_t>(-0.0));
  EXPECT_EQ(std::bit_cast<uint64_t>(l.share), uint64_t{0x7ff8'0000'0000'1234});
  EXPECT_EQ(y.ranks[0].top_operators.at(0).share, std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(y.options.step_pattern, "Iteration ([0-9]+)");
  EXPECT_TRUE(y.ranks[0].has_gpu);
}

TEST(KinetoPartial, TruncatedBytesFailToLoad) {
  const std::vector<JobFile> files = JobFiles();
  const KinetoAnalysis x = Analyze({&files[4], &files[6]}, Unusual());
  const std::string bytes = Bytes(x);
  ASSERT_GT(bytes.size(), 4000u);
  KinetoAnalysis sentinel;
  sentinel.options.top_n = 99;
  // Every length up to 3000 bytes, then a stride, and the last few.
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 3000; ++n) lengths.push_back(n);
  for (size_t n = 3000; n < bytes.size(); n += 97) lengths.push_back(n);
  for (size_t n = bytes.size() - 40; n < bytes.size(); ++n) lengths.push_back(n);
  for (size_t n : lengths) {
    StateReader r(std::string_view(bytes).substr(0, n));
    KinetoAnalysis a = sentinel;
    const Status s = LoadKinetoAnalysis(&r, &a);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.message(), "the Kineto analysis state is truncated");
    ASSERT_EQ(a.options.top_n, 99) << n;  // untouched
    ASSERT_TRUE(a.ranks.empty()) << n;
  }
}

TEST(KinetoPartial, ImpossibleValuesFailToLoad) {
  KinetoAnalysis x;
  x.ranks.emplace_back();
  x.ranks[0].top_kernels.emplace_back();
  const std::string bytes = Bytes(x);
  // hta_drop_last_step: after the pattern (length + text) and an int64.
  std::string bad_bool = bytes;
  bad_bool[8 + x.options.step_pattern.size() + 8] = 2;
  StateReader r1(bad_bool);
  KinetoAnalysis a;
  EXPECT_EQ(LoadKinetoAnalysis(&r1, &a).message(),
            "the Kineto analysis state holds an impossible value");
  // A count far beyond the bytes: no allocation, a clean error.
  StateWriter w;
  KinetoAnalysis empty;
  SaveKinetoAnalysis(empty, &w);
  std::string huge = w.Take();
  const size_t count_at = huge.size() - 16;  // the rank count, then the skew count
  const uint64_t n = uint64_t{1} << 62;
  huge.replace(count_at, 8, reinterpret_cast<const char*>(&n), 8);
  StateReader r2(huge);
  EXPECT_FALSE(LoadKinetoAnalysis(&r2, &a).ok());
  huge.replace(huge.size() - 8, 8, reinterpret_cast<const char*>(&n), 8);
  huge.replace(count_at, 8, std::string(8, '\0'));
  StateReader r3(huge);
  EXPECT_FALSE(LoadKinetoAnalysis(&r3, &a).ok());
  EXPECT_TRUE(a.ranks.empty());
}

// The traces split `k` ways: round robin, in blocks, or all but one in the
// last shard (a shard may be empty).
std::vector<std::vector<const JobFile*>> Split(const std::vector<JobFile>& files, size_t k,
                                               int how) {
  std::vector<std::vector<const JobFile*>> shards(k);
  for (size_t i = 0; i < files.size(); ++i) {
    size_t s = i % k;
    if (how == 1) s = i * k / files.size();
    if (how == 2) s = i == 0 ? 0 : k - 1;
    shards[s].push_back(&files[i]);
  }
  return shards;
}

TEST(KinetoPartial, MergedShardsEqualTheWholeStore) {
  const std::vector<JobFile> files = JobFiles();
  for (const KinetoOptions& options : {KinetoOptions{}, Unusual()}) {
    const KinetoAnalysis whole = Analyze(All(files), options);
    for (size_t i = 0; i < whole.ranks.size(); ++i) EXPECT_EQ(whole.ranks[i].trace, i);
    const std::string expected = Bytes(whole);
    for (size_t k : {1, 2, 4, 8}) {
      for (int how = 0; how < 3; ++how) {
        // Each shard's analysis travels in its byte form.
        std::vector<std::string> sent;
        for (const auto& shard : Split(files, k, how)) {
          sent.push_back(Bytes(Analyze(shard, options)));
        }
        for (int order = 0; order < 3; ++order) {
          SCOPED_TRACE(::testing::Message() << "k " << k << " split " << how << " order " << order);
          std::vector<std::string> arrived = sent;
          if (order == 1) std::reverse(arrived.begin(), arrived.end());
          if (order == 2) std::rotate(arrived.begin(), arrived.begin() + k / 2, arrived.end());
          std::vector<KinetoAnalysis> parts;
          for (const std::string& b : arrived) parts.push_back(FromBytes(b));
          const KinetoAnalysis merged = MergeKinetoAnalyses(std::move(parts));
          EXPECT_EQ(Bytes(merged), expected);
          EXPECT_EQ(merged.skew.size(), whole.skew.size());
        }
      }
    }
  }
}

TEST(KinetoPartial, MergeOfNothingIsEmpty) {
  EXPECT_TRUE(MergeKinetoAnalyses({}).empty());
  KinetoAnalysis a;
  a.options.top_n = 3;
  const KinetoAnalysis m = MergeKinetoAnalyses({a, KinetoAnalysis{}});
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.options.top_n, 3);
}

}  // namespace
}  // namespace smr
