// sm-report: command-line entry point. Parses arguments and calls the
// pipeline; prints one line per usage error and exits 2 (docs/cli.md).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "smr/pipeline.h"
#include "smr/shard.h"
#include "src/cli/diff_command.h"
#include "src/pipeline/shard_comm.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
// A gate: a --fail-on rule triggered, or (--strict) a rule failed with an
// internal error. The outputs were written all the same.
constexpr int kExitGate = 3;
// An unexpected internal error (a bug): one line, nothing partial written.
constexpr int kExitInternal = 1;

struct Formats {
  bool html = false;
  bool pdf = false;
  bool json = false;
};

// Parses a comma-separated --format list; `allowed` lists the accepted
// names for the message ("html, pdf" or "html, pdf, json").
bool ParseFormats(const std::string& text, bool allow_json, Formats* out) {
  const char* allowed = allow_json ? "html, pdf, json" : "html, pdf";
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string f = text.substr(pos, comma - pos);
    if (f == "html") {
      out->html = true;
    } else if (f == "pdf") {
      out->pdf = true;
    } else if (f == "json" && allow_json) {
      out->json = true;
    } else {
      std::cerr << fmt::format("sm-report: unknown format '{}' in --format; allowed: {}\n", f,
                               allowed);
      return false;
    }
    pos = comma + 1;
  }
  return true;
}

// Reports the outcome: the paths written on stdout, then on stderr a count
// of warnings and the findings summary (verdict, triggered rules, where the
// report is), or nothing at all with --quiet; an error always. Exit code 3
// when a --fail-on rule triggered.
int Finish(const smr::StatusOr<smr::BuildSummary>& result, bool quiet, const char* what) {
  if (!result.ok()) {
    std::cerr << "sm-report: " << result.status().message() << "\n";
    return kExitUsage;
  }
  if (!quiet) {
    for (const std::string& path : result->written) std::cout << path << "\n";
    std::cout.flush();
    if (result->warnings > 0) {
      std::cerr << fmt::format("sm-report: {} {}\n", result->warnings, what);
    }
    std::cerr << result->findings_text;
  }
  if (!result->gate_failures.empty()) {
    std::string list;
    for (const std::string& r : result->gate_failures) list += (list.empty() ? "" : ", ") + r;
    std::cerr << fmt::format("sm-report: --fail-on: {} triggered (exit code 3)\n", list);
    return kExitGate;
  }
  return kExitOk;
}

// The CI options `build` and `render` share (docs/ci.md).
void AddCiOptions(CLI::App* cmd, std::string* fail_on, std::string* junit,
                  std::string* summary_md) {
  cmd->add_option("--fail-on", *fail_on,
                  "Exit with 3 when one of these rules triggered: RULE[,RULE...], any or none "
                  "(default none)");
  cmd->add_option("--junit", *junit, "Also write a JUnit XML file: one test case per rule");
  cmd->add_option("--summary-md", *summary_md,
                  "Also write a Markdown summary (verdict, findings, rules, link to the report)");
}

constexpr const char* kCommands[] = {"build", "render", "rules", "diff"};

// Edit distance with adjacent transpositions counted as one edit ("buidl"
// is 1 away from "build").
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "unknown command 'buidl'; commands: build, render, rules (did you mean
// 'build'?)" for a first argument that is no command; "" if it is one.
std::string UnknownCommandMessage(const std::string& word) {
  std::string list;
  for (const char* c : kCommands) {
    if (word == c) return "";
    list += list.empty() ? c : fmt::format(", {}", c);
  }
  std::string best;
  size_t best_distance = 3;  // suggest only close matches (at most 2 edits)
  for (const char* c : kCommands) {
    const std::string cmd = c;
    const bool prefix = word.size() >= 2 && cmd.rfind(word, 0) == 0;
    const size_t distance = prefix ? 0 : EditDistance(word, cmd);
    if (distance < best_distance) {
      best = cmd;
      best_distance = distance;
    }
  }
  return fmt::format("unknown command '{}'; commands: {}{}", word, list,
                     best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best));
}

// True for an argument such as "LowGPUUtilization.window=5" or "B=2" that
// is not an existing path: a rule parameter given without --rule-param.
bool LooksLikeRuleParam(const std::string& arg) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    const unsigned char c = static_cast<unsigned char>(arg[i]);
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  std::error_code ec;
  return !std::filesystem::exists(arg, ec);
}

// The single DIR of `build` / `render` from its positional arguments; a
// misplaced rule parameter or a second DIR is a usage error (one line).
bool TakeDir(const char* command, const std::vector<std::string>& args,
             const std::vector<std::string>& rule_params, std::string* dir) {
  for (const std::string& arg : args) {
    if (!LooksLikeRuleParam(arg)) continue;
    if (std::strcmp(command, "build") != 0) {
      std::cerr << fmt::format(
          "sm-report: '{}' looks like a rule parameter; rule parameters are set with "
          "sm-report build --rule-param\n",
          arg);
    } else if (!rule_params.empty()) {
      std::cerr << fmt::format(
          "sm-report: '{}' looks like a rule parameter; repeat --rule-param for each one: "
          "--rule-param {} --rule-param {}\n",
          arg, rule_params.back(), arg);
    } else {
      std::cerr << fmt::format(
          "sm-report: '{}' looks like a rule parameter; set it with --rule-param {}\n", arg, arg);
    }
    return false;
  }
  if (args.size() != 1) {
    std::string list;
    for (const std::string& a : args) list += fmt::format("{}'{}'", list.empty() ? "" : ", ", a);
    std::cerr << fmt::format("sm-report: {} takes one DIR, got {}: {} (see sm-report {} --help)\n",
                             command, args.size(), list, command);
    return false;
  }
  *dir = args.front();
  return true;
}

int ListRules(bool as_json) {
  if (as_json) {
    std::cout << smr::DescribeBuiltinRules(/*as_json=*/true);
  } else {
    std::cout << smr::DescribeBuiltinRules(/*as_json=*/false)
              << "\nSet a parameter with --rule-param Rule.param=value (or Rule_param=value) "
                 "or --config FILE; Rule.enabled=false disables a rule.\n";
  }
  return kExitOk;
}

// glibc reads its malloc tunables only at start-up, so `build` re-executes
// itself once with glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES: the heap
// is then backed by transparent huge pages (madvise), which cuts the page
// faults of a 1 GB job from ~87 000 to ~9 000 and its run time by about a
// quarter on the machines measured (docs/performance.md). Nothing changes
// when THP is off ("never"), when SMR_HUGEPAGES=0, when the tunable is
// already set, under a sanitizer or valgrind, or when the exec fails.
void MaybeReexecWithHugePages(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
  if (argc < 2 || std::strcmp(argv[1], "build") != 0) return;
  const char* opt_out = std::getenv("SMR_HUGEPAGES");
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return;
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload != nullptr && std::strstr(preload, "vgpreload") != nullptr) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  std::string value = tunables != nullptr ? tunables : "";
  if (value.find("glibc.malloc.hugetlb") != std::string::npos) return;
  // One arena: worker threads then allocate from the main heap too, which
  // is the one glibc backs with huge pages (the hot path does not allocate
  // per record, so the shared arena is not contended).
  const char* kTunables = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";
  value = value.empty() ? kTunables : value + ":" + kTunables;
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: exec failed (no /proc); run as we are, without the tunable
  // (restored so that a child process sees the environment we were given).
  if (tunables != nullptr) {
    ::setenv("GLIBC_TUNABLES", tunables, 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
#else
  (void)argc;
  (void)argv;
#endif
}

// The options `build` and `render` share, in the order --help lists them:
// DIR, -o/--output and --format (`formats` holds the default list).
void AddInputOutputOptions(CLI::App* cmd, std::vector<std::string>* args, const char* dir_help,
                           std::string* out_dir, std::string* formats, const char* formats_help) {
  cmd->add_option("DIR", *args, dir_help)->required();  // checked by TakeDir
  cmd->add_option("-o,--output", *out_dir, "Output directory")->default_str("./profiler-report");
  cmd->add_option("--format", *formats, formats_help)->default_str(*formats);
}

struct BuildCommand {
  CLI::App* cmd = nullptr;
  smr::BuildOptions opts;
  std::string formats = "html,pdf,json";
  std::vector<std::string> args;
  bool strict = false;
  std::string max_memory;
};

void AddBuildCommand(CLI::App* app, BuildCommand* c) {
  c->cmd = app->add_subcommand(
      "build", "Read a profiler-output directory and write the report and rule JSONs");
  CLI::App* build = c->cmd;
  AddInputOutputOptions(build, &c->args,
                        "profiler-output directory, or a job folder that contains one",
                        &c->opts.out_dir, &c->formats, "Comma-separated outputs: html,pdf,json");
  build->add_option("-j,--jobs", c->opts.jobs, "Parallel ingest threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  build->add_option("--template-dir", c->opts.template_dir, "Directory of the HTML templates");
  build->add_option("--paper", c->opts.paper, "PDF paper size: a4 or letter (default a4)")
      ->transform(CLI::IsMember({"a4", "letter"}, CLI::ignore_case));
  build->add_option("--config", c->opts.config_path,
                    "JSON rule configuration: {\"Rule\": {\"enabled\": bool, \"param\": value}}");
  build
      ->add_option("--rule-param", c->opts.rule_params,
                   "Set one rule parameter: Rule.param=value or Rule_param=value; repeat the "
                   "option for each parameter (wins over --config; Rule.enabled=false disables "
                   "a rule)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  build->add_flag("--analyze-trailing-data", c->opts.analyze_trailing_data,
                  "Let the rules evaluate all data; by default they stop where SageMaker's "
                  "ProfilerReport stops (before the window starting at the latest file "
                  "timestamp, so about the last minute is not evaluated)");
  build->add_option("--step-pattern", c->opts.step_pattern,
                    "PyTorch-profiler traces: the regular expression a host annotation's name "
                    "must match to be a step (default \"ProfilerStep#([0-9]+)\"; a capture group "
                    "gives the step number)");
  build->add_option("--max-memory", c->max_memory,
                    "Memory the build may use: 8G, 512M, 2T or a share of the machine's RAM "
                    "such as 50% (default 50%). A larger job is read a group of nodes at a "
                    "time, with the same results (docs/scaling.md)");
  build->add_flag("-q,--quiet", c->opts.quiet,
                  "Print nothing on success (errors are still printed)");
  build->add_flag("--timings", c->opts.timings,
                  "Print wall time, CPU time and memory of each stage on stderr");
  build->add_flag("--strict", c->strict,
                  "Exit with 3 if a rule failed with an internal error (the report is still "
                  "written)");
  AddCiOptions(build, &c->opts.fail_on, &c->opts.junit_path, &c->opts.summary_md_path);
}

int RunBuildCommand(BuildCommand* c) {
  smr::BuildOptions& opts = c->opts;
  if (!TakeDir("build", c->args, opts.rule_params, &opts.input_dir)) return kExitUsage;
  Formats f;
  if (!ParseFormats(c->formats, /*allow_json=*/true, &f)) return kExitUsage;
  opts.html = f.html;
  opts.pdf = f.pdf;
  opts.json = f.json;
  opts.progress_bar = isatty(STDERR_FILENO) != 0;
  if (!c->max_memory.empty()) {
    std::string error;
    if (!smr::ParseMemorySize(c->max_memory, &opts.max_memory, &error)) {
      std::cerr << "sm-report: " << error << "\n";
      return kExitUsage;
    }
  }
  const smr::StatusOr<smr::BuildSummary> built = smr::RunBuild(opts, &std::cerr);
  // In an MPI job only rank 0 speaks (every rank gets the same error).
  if (const auto mpi = smr::MpiComm(); mpi != nullptr && mpi->rank() != 0) {
    return built.ok() ? kExitOk : kExitUsage;
  }
  const int code = Finish(built, opts.quiet,
                          "input records were skipped; see the report's Data quality section");
  if (code == kExitOk && c->strict && built->rules_failed > 0) {
    std::cerr << fmt::format("sm-report: {} rule(s) failed with an internal error (--strict)\n",
                             built->rules_failed);
    return kExitGate;
  }
  return code;
}

struct RenderCommand {
  CLI::App* cmd = nullptr;
  smr::RenderOptions opts;
  std::string formats = "html,pdf";
  std::vector<std::string> args;
};

void AddRenderCommand(CLI::App* app, RenderCommand* c) {
  c->cmd = app->add_subcommand(
      "render", "Render the report from existing SageMaker rule JSONs (profiler-reports/)");
  AddInputOutputOptions(c->cmd, &c->args,
                        "profiler-reports directory, or a folder that contains one",
                        &c->opts.out_dir, &c->formats, "Comma-separated outputs: html,pdf");
  c->cmd->add_option("--template-dir", c->opts.template_dir, "Directory of the HTML templates");
  c->cmd->add_option("--paper", c->opts.paper, "PDF paper size: a4 or letter (default a4)")
      ->transform(CLI::IsMember({"a4", "letter"}, CLI::ignore_case));
  c->cmd->add_flag("-q,--quiet", c->opts.quiet,
                   "Print nothing on success (errors are still printed)");
  AddCiOptions(c->cmd, &c->opts.fail_on, &c->opts.junit_path, &c->opts.summary_md_path);
}

int RunRenderCommand(RenderCommand* c) {
  if (!TakeDir("render", c->args, {}, &c->opts.input_dir)) return kExitUsage;
  Formats f;
  if (!ParseFormats(c->formats, /*allow_json=*/false, &f)) return kExitUsage;
  c->opts.html = f.html;
  c->opts.pdf = f.pdf;
  return Finish(smr::RunRender(c->opts, &std::cerr), c->opts.quiet,
                "rule JSON files are missing or could not be read; the report shows "
                "those rules as missing or unreadable");
}

// Parses the command line; -1 when a command is to run, else the exit code
// (help, version, or a usage error printed as one line).
int ParseCommandLine(CLI::App* app, int argc, char** argv) {
  // An unknown command would otherwise read as an unexpected argument.
  if (argc >= 2 && argv[1][0] != '-') {
    if (const std::string msg = UnknownCommandMessage(argv[1]); !msg.empty()) {
      std::cerr << "sm-report: " << msg << "\n";
      return kExitUsage;
    }
  }
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    std::string command;
    for (const CLI::App* sub : app->get_subcommands([](CLI::App* s) { return s->parsed(); })) {
      command = sub->get_name();
    }
    std::cerr << fmt::format("sm-report: {}{}{} (see sm-report {}{}--help)\n", command,
                             command.empty() ? "" : ": ", e.what(), command,
                             command.empty() ? "" : " ");
    return kExitUsage;
  }
  return -1;
}

}  // namespace

// The exit code of an unexpected error (1) cannot be reached on purpose;
// SMR_FAULT_INJECTION=internal-error makes `build` and `render` throw
// after parsing, for the test of that path (docs/cli.md).
void MaybeInjectFault() {
  const char* fault = std::getenv("SMR_FAULT_INJECTION");
  if (fault != nullptr && std::strcmp(fault, "internal-error") == 0) {
    throw std::runtime_error("injected fault (SMR_FAULT_INJECTION=internal-error)");
  }
}

int Main(int argc, char** argv) {
  CLI::App app{"sm-report: offline SageMaker Debugger profiler reports", "sm-report"};
  app.set_version_flag("--version", std::string("sm-report ") + SMR_VERSION);
  app.footer(
      "Exit codes: 0 ok; 1 internal error; 2 usage or input error; 3 gate (a --fail-on rule "
      "triggered, --strict and a rule failed, or diff --fail-on-regression found a "
      "regression). Outputs are written before a gate exits 3. See docs/cli.md or man "
      "sm-report.");
  app.set_help_all_flag("--help-all", "Print the help of every command and exit");
  app.require_subcommand(0, 1);

  BuildCommand build;
  AddBuildCommand(&app, &build);
  RenderCommand render;
  AddRenderCommand(&app, &render);
  smr_cli::DiffCommand diff;
  smr_cli::AddDiffCommand(&app, &diff);
  bool rules_json = false;
  CLI::App* rules = app.add_subcommand(
      "rules", "List the rules with their descriptions and parameters (defaults, units)");
  rules->add_flag("--json", rules_json, "Machine-readable JSON");

  if (const int code = ParseCommandLine(&app, argc, argv); code >= 0) return code;
  if (build.cmd->parsed() || render.cmd->parsed()) MaybeInjectFault();
  if (build.cmd->parsed()) return RunBuildCommand(&build);
  if (render.cmd->parsed()) return RunRenderCommand(&render);
  if (diff.cmd->parsed()) return smr_cli::RunDiffCommand(&diff);
  if (rules->parsed()) return ListRules(rules_json);
  // No command: the usage, as an error.
  std::cerr << app.help();
  return kExitUsage;
}

int main(int argc, char** argv) {
  MaybeReexecWithHugePages(argc, argv);
  smr::InitMpi(&argc, &argv);
  try {
    const int code = Main(argc, argv);
    smr::FinalizeMpi();
    return code;
  } catch (const std::exception& e) {
    std::cerr << "sm-report: internal error: " << e.what()
              << " (please report it; no output file was left half-written)\n";
  } catch (...) {
    std::cerr << "sm-report: internal error (please report it; no output file was left "
                 "half-written)\n";
  }
  return kExitInternal;
}
