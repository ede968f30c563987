// Helpers shared by the end-to-end tests: files, the CLI as a subprocess.
#ifndef SMR_TESTS_E2E_E2E_UTIL_H_
#define SMR_TESTS_E2E_E2E_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace smr::testing {

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command built only from test-controlled paths; returns the
// exit status and captures stdout+stderr into *output.
inline int RunCommand(const std::string& cmd, std::string* output = nullptr) {
  const std::filesystem::path log =
      std::filesystem::temp_directory_path() / fmt::format("smr-e2e-{}.log", getpid());
  const int rc = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  if (output) *output = ReadFile(log);
  std::filesystem::remove(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace smr::testing

#endif  // SMR_TESTS_E2E_E2E_UTIL_H_
