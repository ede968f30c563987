// `sm-report diff` (docs/diff.md): compares jobs side by side with time and
// cost. Prints the paths written on stdout and one verdict line per later
// job on stderr (nothing with --quiet); errors are one line, exit 2.
#include "src/cli/diff_command.h"

#include <iostream>

#include <fmt/format.h>

namespace smr_cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitRegression = 3;

bool ParseDiffFormats(const std::string& text, smr::DiffOptions* o) {
  o->html = o->pdf = o->md = o->json = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string f = text.substr(pos, comma - pos);
    if (f == "html") {
      o->html = true;
    } else if (f == "pdf") {
      o->pdf = true;
    } else if (f == "md") {
      o->md = true;
    } else if (f == "json") {
      o->json = true;
    } else {
      std::cerr << fmt::format(
          "sm-report: diff: unknown format '{}' in --format; allowed: html, pdf, md, json\n", f);
      return false;
    }
    pos = comma + 1;
  }
  return true;
}

}  // namespace

void AddDiffCommand(CLI::App* app, DiffCommand* c) {
  c->cmd = app->add_subcommand(
      "diff",
      "Compare jobs side by side (time, steps, utilization, rules, cost); the first is "
      "the baseline");
  CLI::App* d = c->cmd;
  d->add_option("JOB", c->opts.inputs,
                "Two or more jobs: sm-report output folders (findings.json), profiler-output "
                "folders or SageMaker rule-JSON folders")
      ->required();
  d->add_option("-o,--output", c->opts.out_dir, "Output directory")
      ->default_str("./sm-report-diff");
  d->add_option("--format", c->formats, "Comma-separated outputs: html,pdf,md,json")
      ->default_str(c->formats);
  d->add_option("--job", c->opts.job_specs,
                "Instance type and count of a job: NAME=ml.TYPE[:COUNT] (NAME: the job's label "
                "or position 1, 2, ...); repeat for each job")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  d->add_option("--describe", c->opts.describe_specs,
                "describe-training-job JSON of a job: NAME=FILE; repeat for each job")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  d->add_option("--config", c->opts.config_path,
                "JSON: region, prices, jobs (instance_type, instance_count, describe), "
                "thresholds (docs/diff.md)");
  d->add_option("--region", c->opts.region, "AWS region of the prices (default us-east-1)");
  d->add_option("--template-dir", c->opts.template_dir, "Directory of the HTML templates");
  d->add_option("--paper", c->opts.paper, "PDF paper size: a4 or letter (default a4)")
      ->transform(CLI::IsMember({"a4", "letter"}, CLI::ignore_case));
  d->add_flag("--fail-on-regression", c->fail_on_regression,
              "Exit with 3 when a job regresses against the baseline (outputs are still "
              "written)");
  d->add_flag("-q,--quiet", c->opts.quiet, "Print nothing on success (errors are still printed)");
}

int RunDiffCommand(DiffCommand* c) {
  if (!ParseDiffFormats(c->formats, &c->opts)) return kExitUsage;
  const smr::StatusOr<smr::DiffSummary> result = smr::RunDiff(c->opts, &std::cerr);
  if (!result.ok()) {
    std::cerr << "sm-report: diff: " << result.status().message() << "\n";
    return kExitUsage;
  }
  if (!c->opts.quiet) {
    for (const std::string& path : result->written) std::cout << path << "\n";
    for (const std::string& v : result->verdicts) std::cerr << v << "\n";
  }
  if (c->fail_on_regression && result->regression) {
    if (!c->opts.quiet) {
      std::cerr << "sm-report: diff: a job regresses against the baseline "
                   "(--fail-on-regression)\n";
    }
    return kExitRegression;
  }
  return kExitOk;
}

}  // namespace smr_cli
