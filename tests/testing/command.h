// Running a command (the sm-report or smr-sample-gen binary) from a test
// through the shell, with its output captured in files in the binary's
// scratch folder (tests/testing/scratch.h). Commands are built only from
// test-controlled paths.
#ifndef SMR_TESTS_TESTING_COMMAND_H_
#define SMR_TESTS_TESTING_COMMAND_H_

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace testing {

// Exit code (-1 if the command did not exit normally), stdout and stderr.
struct CommandResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `cmd` with stdout and stderr captured separately.
inline CommandResult RunCommandCapture(const std::string& cmd) {
  const std::filesystem::path out = ScratchRoot() / "command.out";
  const std::filesystem::path err = ScratchRoot() / "command.err";
  const int rc = std::system((cmd + " > '" + out.string() + "' 2> '" + err.string() + "'").c_str());
  CommandResult r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

// Runs `cmd`; returns the exit status and, with `output`, stdout and stderr
// together (interleaved as written) in *output.
inline int RunCommand(const std::string& cmd, std::string* output = nullptr) {
  const std::filesystem::path log = ScratchRoot() / "command.log";
  const int rc = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  if (output) *output = ReadFile(log);
  std::filesystem::remove(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_COMMAND_H_
