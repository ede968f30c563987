// `sm-report diff A B [C...]` on the command line (diff_command.cc).
#ifndef SMR_SRC_CLI_DIFF_COMMAND_H_
#define SMR_SRC_CLI_DIFF_COMMAND_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "smr/diff.h"

namespace smr_cli {

struct DiffCommand {
  CLI::App* cmd = nullptr;
  smr::DiffOptions opts;
  std::string formats = "html,pdf,md,json";
  bool fail_on_regression = false;
};

// Registers the subcommand and its options on `app`.
void AddDiffCommand(CLI::App* app, DiffCommand* c);

// Runs it: 0 when the outputs are written, 2 on a usage or input error
// (one line), 3 with --fail-on-regression when a job regresses against the
// baseline (the outputs are still written).
int RunDiffCommand(DiffCommand* c);

}  // namespace smr_cli

#endif  // SMR_SRC_CLI_DIFF_COMMAND_H_
