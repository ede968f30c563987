// `sm-report diff`: RunDiff (include/smr/diff.h). Options and config ->
// each job's findings -> each job's cost -> comparison -> report model ->
// HTML / PDF / Markdown / JSON in memory -> atomic writes.
#include <algorithm>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "smr/compare.h"
#include "smr/diff.h"
#include "smr/file_util.h"
#include "smr/pipeline.h"
#include "smr/render.h"
#include "src/pipeline/atomic_output.h"
#include "src/pipeline/diff_inputs.h"
#include "src/pipeline/run_diff_outputs.h"

namespace smr {
namespace fs = std::filesystem;
namespace {

// What the command line and the config say about each job's instances.
struct JobSettings {
  std::vector<std::optional<InstanceSpec>> job_option;  // --job
  std::vector<std::string> describe_option;             // --describe
  std::vector<const JobConfig*> config;                 // config "jobs"
};

StatusOr<int> JobIndex(const std::string& name, const std::vector<std::string>& labels,
                       const std::string& where) {
  const int i = FindJob(name, labels);
  if (i >= 0) return i;
  std::string list;
  for (const std::string& l : labels) list += fmt::format("{}{}", list.empty() ? "" : ", ", l);
  return Status::Error(fmt::format("{}: no job '{}' (jobs: {}; or a position 1-{})", where, name,
                                   list, labels.size()));
}

StatusOr<JobSettings> ReadSettings(const DiffOptions& opts, const DiffConfig& config,
                                   const std::vector<std::string>& labels) {
  JobSettings s;
  s.job_option.resize(labels.size());
  s.describe_option.resize(labels.size());
  s.config.assign(labels.size(), nullptr);
  for (const std::string& arg : opts.job_specs) {
    auto nv = SplitNameValue(arg, "--job", "ml.TYPE[:COUNT]");
    if (!nv.ok()) return nv.status();
    StatusOr<int> i = JobIndex(nv->first, labels, fmt::format("--job {}", arg));
    if (!i.ok()) return i.status();
    StatusOr<InstanceSpec> spec = ParseInstanceSpec(nv->second);
    if (!spec.ok()) return Status::Error(fmt::format("--job {}: {}", arg, spec.status().message()));
    s.job_option[*i] = *spec;
  }
  for (const std::string& arg : opts.describe_specs) {
    auto nv = SplitNameValue(arg, "--describe", "FILE");
    if (!nv.ok()) return nv.status();
    StatusOr<int> i = JobIndex(nv->first, labels, fmt::format("--describe {}", arg));
    if (!i.ok()) return i.status();
    s.describe_option[*i] = nv->second;
  }
  for (const auto& [name, job] : config.jobs) {
    StatusOr<int> i = JobIndex(name, labels, fmt::format("config {}: jobs", config.path));
    if (!i.ok()) return i.status();
    s.config[*i] = &job;
  }
  return s;
}

StatusOr<TrainingJobDescription> ReadDescribe(const std::string& path) {
  StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return Status::Error(fmt::format("{}: {}", path, text.status().message()));
  return ParseTrainingJobDescription(*text, path);
}

// The cost inputs of job `i`, by precedence: --job, --describe, a describe
// JSON beside the input, the config (its instance_type/count, else its
// describe). The billed time comes from the first describe JSON found in the
// same order.
StatusOr<CostInputs> CostInputsOf(size_t i, const std::string& input, const JobSettings& s,
                                  const DiffConfig& config) {
  CostInputs in;
  const JobConfig* cfg = s.config[i];
  std::vector<std::pair<std::string, std::string>> describes;  // (path, source)
  if (!s.describe_option[i].empty()) describes.push_back({s.describe_option[i], "--describe {}"});
  if (const std::string beside = FindDescribeBeside(input); !beside.empty()) {
    describes.push_back({beside, "{} (beside the input)"});
  }
  if (cfg != nullptr && !cfg->describe.empty()) {
    describes.push_back({cfg->describe, fmt::format("config {}: {{}}", config.path)});
  }
  if (!describes.empty()) {
    StatusOr<TrainingJobDescription> d = ReadDescribe(describes.front().first);
    if (!d.ok()) return d.status();
    in.describe = *d;
    in.describe_source = describes.front().first;
  }
  if (s.job_option[i]) {
    in.instance_type = s.job_option[i]->type;
    in.instance_count = s.job_option[i]->count;
    in.instance_source = "--job";
  } else if (in.describe && !(cfg != nullptr && describes.front().first == cfg->describe &&
                              !cfg->instance_type.empty())) {
    in.instance_type = in.describe->instance_type;
    in.instance_count = in.describe->instance_count;
    in.instance_source = fmt::format(fmt::runtime(describes.front().second), in.describe_source);
  } else if (cfg != nullptr && !cfg->instance_type.empty()) {
    in.instance_type = cfg->instance_type;
    in.instance_count = cfg->instance_count > 0 ? cfg->instance_count : 1;
    in.instance_source = fmt::format("config {}", config.path);
  }
  return in;
}

StatusOr<DiffConfig> LoadConfig(const DiffOptions& opts) {
  if (opts.config_path.empty()) return DiffConfig{};
  StatusOr<std::string> text = ReadWholeFile(opts.config_path);
  if (!text.ok()) {
    return Status::Error(fmt::format("config {}: {}", opts.config_path, text.status().message()));
  }
  return ParseDiffConfig(*text, opts.config_path);
}

StatusOr<PriceBook> Prices(const DiffOptions& opts, const DiffConfig& config) {
  PriceBook book;
  book.region = !opts.region.empty()     ? opts.region
                : !config.region.empty() ? config.region
                                         : kDefaultRegion;
  book.overrides = config.prices;
  book.overrides_source = fmt::format("config {}", config.path);
  const std::vector<std::string> regions = BuiltinPriceRegions();
  if (std::find(regions.begin(), regions.end(), book.region) == regions.end() &&
      config.prices.empty()) {
    std::string list;
    for (const std::string& r : regions) list += fmt::format("{}{}", list.empty() ? "" : ", ", r);
    return Status::Error(fmt::format(
        "unknown region '{}': built-in prices exist for {}; give the prices of other regions in "
        "the config's \"prices\"",
        book.region, list));
  }
  return book;
}

}  // namespace

StatusOr<DiffSummary> RunDiff(const DiffOptions& opts, std::ostream* log) {
  std::ostream null_stream(nullptr);
  std::ostream& out = opts.quiet || !log ? null_stream : *log;
  if (opts.inputs.size() < 2) {
    return Status::Error(
        fmt::format("diff compares at least two jobs, got {}", opts.inputs.size()));
  }
  StatusOr<DiffConfig> config = LoadConfig(opts);
  if (!config.ok()) return config.status();
  StatusOr<PriceBook> prices = Prices(opts, *config);
  if (!prices.ok()) return prices.status();
  const std::vector<std::string> labels = JobLabels(opts.inputs);
  StatusOr<JobSettings> settings = ReadSettings(opts, *config, labels);
  if (!settings.ok()) return settings.status();

  std::vector<JobColumn> jobs;
  for (size_t i = 0; i < opts.inputs.size(); ++i) {
    StatusOr<JobFacts> facts = ReadDiffJob(opts.inputs[i], out);
    if (!facts.ok()) return facts.status();
    StatusOr<CostInputs> cost_in = CostInputsOf(i, opts.inputs[i], *settings, *config);
    if (!cost_in.ok()) return cost_in.status();
    JobColumn j{labels[i], opts.inputs[i], std::move(*facts), {}};
    j.cost = ComputeJobCost(*cost_in, j.facts.duration_s, *prices);
    jobs.push_back(std::move(j));
  }
  const Comparison c = CompareJobs(std::move(jobs), config->thresholds, prices->region);
  StatusOr<OutputFiles> files = RenderDiffFiles(opts, c, fmt::format("sm-report {}", SMR_VERSION));
  if (!files.ok()) return files.status();
  DiffSummary summary;
  summary.verdicts = c.verdicts;
  summary.regression = AnyRegression(c);
  const Status st = WriteAll(*files, &summary.written);
  if (!st.ok()) return st;
  return summary;
}

}  // namespace smr
