// The PyTorch-profiler (Kineto) importer (docs/performance.md "Kineto"): one
// rank of a generated job (samples/generator/kineto_gen.h, 40 steps,
// about 15,600 complete events and 5 MB of JSON), plain (Arg 0) and gzip
// level 6 (Arg 1). Bytes are the uncompressed JSON, so the two rates compare.
#include <zlib.h>

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "samples/generator/kineto_gen.h"
#include "smr/ingest.h"

namespace smr {
namespace {

std::string GzipText(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

const std::string& KinetoJson() {
  static const std::string json = [] {
    samplegen::KinetoScenario sc;
    sc.ranks = 1;
    sc.steps = 40;
    return samplegen::KinetoTraceText(samplegen::MakeKinetoJob(sc)[0]);
  }();
  return json;
}

void BM_ImportKineto(benchmark::State& state) {
  const std::string& json = KinetoJson();
  const std::string input = state.range(0) == 0 ? json : GzipText(json);
  InputFile file;
  file.rel_path = state.range(0) == 0 ? "rank-0.pt.trace.json" : "rank-0.pt.trace.json.gz";
  file.kind = FileKind::kKineto;
  int64_t events = 0;
  for (auto _ : state) {
    StoreBuilder b;
    Diagnostics diag;
    ImportKinetoTrace(file, input, &b, &diag);
    const MetricStore store = b.Build();
    events =
        store.kineto().empty() ? 0 : static_cast<int64_t>(store.kineto()[0].counts.events_read);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ImportKineto)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smr
