// Google Benchmark micro-benchmarks of every stage of `sm-report build`
// (docs/performance.md): each importer on in-memory data, the store freeze,
// the correlation stage (timeline, WindowPlan), each rule, the report model
// and the HTML and PDF renderers.
//
// The data is a synthetic job written once per run by the sample generator
// (1 node, 8 GPUs, 32 vCPUs, 100 ms sampling, 6 minutes, every TRAIN step
// profiled in detail) into a temporary directory, then read back with the
// real discovery + ImportAll, so every benchmark sees data of realistic shape.
// Throughput counters: bytes_per_second for importers (input bytes) and
// items_per_second (records, samples or windows).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "samples/generator/generator.h"
#include "smr/analysis.h"
#include "smr/discover.h"
#include "smr/ingest.h"
#include "smr/render.h"
#include "smr/report_builder.h"
#include "smr/rule.h"
#include "smr/store.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// gzip (not zlib) framing at `level` (0 = stored blocks: no inflate work).
std::string Gzip(const std::string& data, int level) {
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
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

// Everything the benchmarks read, built once.
struct Fixture {
  fs::path dir;
  Discovery discovery;
  IngestResult ingested;
  JobTimeline timeline;
  WindowPlan windows;
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<RuleResult> results;
  std::unique_ptr<ReportModel> model;
  InputFile system_file, trace_file;
  std::string system_bytes, trace_bytes;
  InputFile tf_file;
  std::string tf_json;  // inflated, enlarged TF trace

  AnalysisContext ctx() const { return AnalysisContext{&ingested.store, &timeline, &windows}; }
  ReportInputs inputs() const {
    ReportInputs in;
    in.input_dir = dir.string();
    in.generated_by = "sm-report bench";
    in.results = &results;
    in.rules = &rules;
    in.discovery = &discovery;
    in.store = &ingested.store;
    in.timeline = &timeline;
    in.diagnostics = &ingested.diagnostics;
    return in;
  }
};

#ifdef SMR_BENCH_SHARED_DIR
// Repeats the events of the real TF trace `copies` times, each copy shifted
// by one second more (so none is dropped as a duplicate), to get a trace of
// benchmark size.
std::string EnlargeTfTrace(const std::string& json, int copies) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array()) {
    return json;
  }
  const nlohmann::json events = doc["traceEvents"];
  nlohmann::json& out = doc["traceEvents"];
  out = nlohmann::json::array();
  for (int c = 0; c < copies; ++c) {
    for (nlohmann::json e : events) {
      if (e.contains("ts") && e["ts"].is_number_integer()) {
        e["ts"] = e["ts"].get<int64_t>() + int64_t{1'000'000} * c;
      } else if (e.contains("ts") && e["ts"].is_number()) {
        e["ts"] = e["ts"].get<double>() + 1e6 * c;
      }
      out.push_back(std::move(e));
    }
  }
  return doc.dump();
}
#endif  // SMR_BENCH_SHARED_DIR

Fixture* MakeFixture() {
  auto* f = new Fixture;
  f->dir = fs::temp_directory_path() / ("smr-bench-" + std::to_string(getpid()));
  samplegen::Scenario sc;
  samplegen::MakeScenario("default", &sc);
  sc.nodes = 1;
  sc.gpus = 8;
  sc.cpus = 32;
  sc.interval_ms = 100;
  sc.minutes = 6;
  sc.detailed_num_steps = 1'000'000;
  samplegen::Summary summary;
  std::string error;
  if (!samplegen::Generate(sc, f->dir.string(), &summary, &error)) {
    std::fprintf(stderr, "smr_bench: cannot generate data: %s\n", error.c_str());
    std::exit(1);
  }
  StatusOr<Discovery> d = DiscoverInputs(f->dir.string());
  if (!d.ok()) {
    std::fprintf(stderr, "smr_bench: %s\n", d.status().message().c_str());
    std::exit(1);
  }
  f->discovery = std::move(*d);
  IngestOptions opts;
  opts.jobs = 1;
  f->ingested = ImportAll(f->discovery, opts);
  f->timeline = BuildTimeline(f->ingested.store);
  f->windows = WindowPlan(f->ingested.store, f->discovery);
  f->rules = CreateBuiltinRules();
  f->results = EvaluateRules(f->rules, f->ctx());
  f->model = std::make_unique<ReportModel>(BuildReportModel(f->inputs()));
  // The largest file of each kind.
  for (const InputFile& in : f->discovery.files) {
    InputFile* slot = in.kind == FileKind::kSystem           ? &f->system_file
                      : in.kind == FileKind::kPythonTimeline ? &f->trace_file
                                                             : nullptr;
    if (slot != nullptr && in.size_bytes > slot->size_bytes) *slot = in;
  }
  f->system_bytes = ReadFile(f->system_file.path);
  f->trace_bytes = ReadFile(f->trace_file.path);

#ifdef SMR_BENCH_SHARED_DIR
  const fs::path tf_dir = fs::path(SMR_BENCH_SHARED_DIR) /
                          "smdebug-resources/tfprofiler_timeline_traces/framework/tensorflow/"
                          "detailed_profiling/2020080513/000000000/plugins/profile/"
                          "2020_08_05_13_37_44/8c859046be41.ant.amazon.com.trace.json.gz";
  std::error_code ec;
  if (fs::exists(tf_dir, ec)) {
    bool ok = true;
    f->tf_json = EnlargeTfTrace(Gunzip(ReadFile(tf_dir), &ok), 200);
    f->tf_file.path = tf_dir.string();
    f->tf_file.rel_path = "bench/trace.json.gz";
    f->tf_file.kind = FileKind::kTfTrace;
    f->tf_file.node = "bench";
    f->tf_file.base_time_us = 1596659864545103;
    f->tf_file.has_metadata = true;
  }
#endif
  return f;
}

Fixture& Data() {
  static Fixture* f = MakeFixture();
  return *f;
}

// ---- Importers ----------------------------------------------------------------

void BM_ImportSystemMetrics(benchmark::State& state) {
  const Fixture& f = Data();
  int64_t lines = 0;
  for (auto _ : state) {
    StoreBuilder b;
    Diagnostics diag;
    ImportSystemMetrics(f.system_file, f.system_bytes, &b, &diag);
    lines = static_cast<int64_t>(b.Build().system().size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.system_bytes.size()));
  state.SetItemsProcessed(state.iterations() * lines);
}
BENCHMARK(BM_ImportSystemMetrics)->Unit(benchmark::kMillisecond);

void BM_ImportChromeTrace(benchmark::State& state) {
  const Fixture& f = Data();
  int64_t events = 0;
  for (auto _ : state) {
    StoreBuilder b;
    Diagnostics diag;
    TraceParseState st;
    ImportChromeTrace(f.trace_file, f.trace_bytes, &st, &b, &diag);
    events = static_cast<int64_t>(b.Build().events().size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.trace_bytes.size()));
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ImportChromeTrace)->Unit(benchmark::kMillisecond);

#ifdef SMR_BENCH_SHARED_DIR
// smdebug's real TF trace (optional shared folder of real data, see
// bench/CMakeLists.txt), enlarged 200x. Arg = gzip level; level 0 (stored
// blocks) isolates the parsing cost, so the ratio of the two is the price of
// inflating. Bytes are uncompressed.
void BM_ImportTfTrace(benchmark::State& state) {
  const Fixture& f = Data();
  if (f.tf_json.empty()) {
    state.SkipWithError("the TF trace could not be read");
    return;
  }
  const std::string gz = Gzip(f.tf_json, static_cast<int>(state.range(0)));
  int64_t events = 0;
  for (auto _ : state) {
    StoreBuilder b;
    Diagnostics diag;
    ImportTfTrace(f.tf_file, gz, &b, &diag);
    events = static_cast<int64_t>(b.Build().events().size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.tf_json.size()));
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ImportTfTrace)->Arg(0)->Arg(6)->Unit(benchmark::kMillisecond);
#endif  // SMR_BENCH_SHARED_DIR

void BM_Gunzip(benchmark::State& state) {
  const Fixture& f = Data();
  const std::string gz = Gzip(f.tf_json.empty() ? f.trace_bytes : f.tf_json, 6);
  size_t n = 0;
  for (auto _ : state) {
    bool ok = true;
    n = Gunzip(gz, &ok).size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Gunzip)->Unit(benchmark::kMillisecond);

// ---- Store, correlation --------------------------------------------------------

// Appending the samples of the fixture into a builder and freezing it.
void BM_StoreBuild(benchmark::State& state) {
  const MetricStore& src = Data().ingested.store;
  const SystemColumns& sys = src.system();
  for (auto _ : state) {
    StoreBuilder b;
    std::vector<uint32_t> ids(src.series().size());
    for (size_t s = 0; s < ids.size(); ++s) {
      const SeriesInfo& si = src.series()[s];
      ids[s] =
          b.SeriesId(src.str(si.node), src.str(si.type), src.str(si.name), src.str(si.dimension));
    }
    for (size_t r = 0; r < sys.size(); ++r) {
      b.AddSample(ids[sys.series(r)], sys.ts(r), sys.value(r));
    }
    MetricStore m = b.Build();
    benchmark::DoNotOptimize(m.system().size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(sys.size()));
}
BENCHMARK(BM_StoreBuild)->Unit(benchmark::kMillisecond);

// The full ingest of the fixture directory (read + parse + merge + freeze).
void BM_ImportAll(benchmark::State& state) {
  const Fixture& f = Data();
  IngestOptions opts;
  opts.jobs = static_cast<int>(state.range(0));
  uint64_t bytes = 0;
  for (auto _ : state) {
    IngestResult r = ImportAll(f.discovery, opts);
    bytes = r.bytes_read;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ImportAll)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Timeline(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    JobTimeline t = BuildTimeline(f.ingested.store);
    benchmark::DoNotOptimize(t.steps.size());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(f.ingested.store.events().size()));
}
BENCHMARK(BM_Timeline)->Unit(benchmark::kMillisecond);

void BM_WindowPlan(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    WindowPlan w(f.ingested.store, f.discovery);
    benchmark::DoNotOptimize(w.size());
  }
  state.SetItemsProcessed(
      state.iterations() *
      static_cast<int64_t>(f.ingested.store.system().size() + f.ingested.store.events().size()));
}
BENCHMARK(BM_WindowPlan)->Unit(benchmark::kMillisecond);

// ---- Rules ---------------------------------------------------------------------

void BM_Rule(benchmark::State& state, size_t index) {
  const Fixture& f = Data();
  const Rule& rule = *f.rules[index];
  const AnalysisContext ctx = f.ctx();
  for (auto _ : state) {
    RuleResult r = rule.Evaluate(ctx);
    benchmark::DoNotOptimize(r.triggered);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(f.ingested.store.system().size()));
}

void BM_RuleJson(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    size_t n = 0;
    for (const RuleResult& r : f.results) n += RuleResultToJson(r).size();
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_RuleJson)->Unit(benchmark::kMillisecond);

// ---- Report ------------------------------------------------------------------

void BM_ReportModel(benchmark::State& state) {
  const Fixture& f = Data();
  const ReportInputs in = f.inputs();
  for (auto _ : state) {
    ReportModel m = BuildReportModel(in);
    benchmark::DoNotOptimize(&m);
  }
}
BENCHMARK(BM_ReportModel)->Unit(benchmark::kMillisecond);

void BM_RenderHtml(benchmark::State& state) {
  const Fixture& f = Data();
  size_t size = 0;
  for (auto _ : state) {
    StatusOr<std::string> html = RenderHtml(*f.model, SMR_BENCH_TEMPLATE_DIR);
    if (!html.ok()) {
      state.SkipWithError(html.status().message().c_str());
      return;
    }
    size = html->size();
  }
  state.counters["html_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_RenderHtml)->Unit(benchmark::kMillisecond);

void BM_RenderPdf(benchmark::State& state) {
  const Fixture& f = Data();
  size_t size = 0;
  for (auto _ : state) {
    StatusOr<std::string> pdf = RenderPdf(*f.model);
    if (!pdf.ok()) {
      state.SkipWithError(pdf.status().message().c_str());
      return;
    }
    size = pdf->size();
  }
  state.counters["pdf_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_RenderPdf)->Unit(benchmark::kMillisecond);

void RegisterRuleBenchmarks() {
  const Fixture& f = Data();
  for (size_t i = 0; i < f.rules.size(); ++i) {
    benchmark::RegisterBenchmark(("BM_Rule/" + std::string(f.rules[i]->name())).c_str(), BM_Rule, i)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace smr

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  smr::RegisterRuleBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(smr::Data().dir, ec);
  return 0;
}
