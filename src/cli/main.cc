// sm-report: command-line entry point. Parses arguments and calls the
// pipeline; prints one line per usage error and exits 2.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "smr/pipeline.h"

namespace {

constexpr int kExitUsage = 2;

int Build(const smr::BuildOptions& opts) {
  smr::StatusOr<smr::BuildSummary> result = smr::RunBuild(opts, &std::cerr);
  if (!result.ok()) {
    std::cerr << "sm-report: " << result.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::string& path : result->written) std::cout << path << "\n";
  if (!opts.quiet && result->warnings > 0) {
    std::cerr << fmt::format("sm-report: {} input records were skipped; see the report's "
                             "Data quality section\n",
                             result->warnings);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sm-report: offline SageMaker Debugger profiler reports"};
  app.set_version_flag("--version", std::string("sm-report ") + SMR_VERSION);
  app.require_subcommand(1);

  smr::BuildOptions opts;
  std::string formats = "html,pdf,json";
  CLI::App* build = app.add_subcommand(
      "build", "Read a profiler-output directory and write the report and rule JSONs");
  build->add_option("DIR", opts.input_dir,
                    "profiler-output directory, or a job folder that contains one")
      ->required();
  build->add_option("-o,--output", opts.out_dir, "Output directory")
      ->default_str("./profiler-report");
  build->add_option("--format", formats, "Comma-separated outputs: html,pdf,json")
      ->default_str("html,pdf,json");
  build->add_option("-j,--jobs", opts.jobs, "Parallel ingest threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  build->add_option("--template-dir", opts.template_dir, "Directory of the HTML templates");
  build->add_flag("-q,--quiet", opts.quiet, "Print only the paths written and errors");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sm-report: " << e.what() << " (see sm-report --help)\n";
    return kExitUsage;
  }

  if (build->parsed()) {
    opts.html = opts.pdf = opts.json = false;
    size_t pos = 0;
    while (pos <= formats.size()) {
      size_t comma = formats.find(',', pos);
      if (comma == std::string::npos) comma = formats.size();
      const std::string f = formats.substr(pos, comma - pos);
      if (f == "html") {
        opts.html = true;
      } else if (f == "pdf") {
        opts.pdf = true;
      } else if (f == "json") {
        opts.json = true;
      } else {
        std::cerr << fmt::format("sm-report: unknown format '{}' in --format; allowed: "
                                 "html, pdf, json\n", f);
        return kExitUsage;
      }
      pos = comma + 1;
    }
    return Build(opts);
  }
  return kExitUsage;
}
