// Output safety (docs/security.md): files are replaced atomically, files
// that are not ours are left alone, and the output may not go into the
// input's data folders.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "security/hostile_job.h"
#include "smr/pipeline.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

extern char** environ;

namespace smr {
namespace {

namespace fs = std::filesystem;

using testing::ReadFile;

using testing::WriteFile;

// Names of the files under `dir` that look like our temporary files.
std::vector<std::string> TempFiles(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp") != std::string::npos) {
      out.push_back(e.path().string());
    }
  }
  return out;
}

class OutputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir(std::string("outputs/") +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    root_ = testing::WriteHostileJob(dir_ / "job");
  }
  BuildOptions Options(const fs::path& out) const {
    BuildOptions opts;
    opts.input_dir = root_.string();
    opts.out_dir = out.string();
    opts.quiet = true;
    return opts;
  }
  fs::path dir_;
  fs::path root_;
};

TEST_F(OutputsTest, OtherFilesInTheOutputFolderAreUntouched) {
  const fs::path out = dir_ / "out";
  WriteFile(out / "notes.txt", "mine");
  WriteFile(out / "profiler-reports" / "MyOwnRule.json", "{\"mine\": true}");
  WriteFile(out / "profiler-report.html.bak", "old");
  std::ostringstream log;
  StatusOr<BuildSummary> built = RunBuild(Options(out), &log);
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_EQ(ReadFile(out / "notes.txt"), "mine");
  EXPECT_EQ(ReadFile(out / "profiler-reports" / "MyOwnRule.json"), "{\"mine\": true}");
  EXPECT_EQ(ReadFile(out / "profiler-report.html.bak"), "old");
  EXPECT_TRUE(TempFiles(out).empty());
  // Everything written is listed, and all of it is below the output folder.
  ASSERT_FALSE(built->written.empty());
  for (const std::string& p : built->written) {
    EXPECT_EQ(p.rfind(out.string(), 0), 0u) << p;
    EXPECT_TRUE(fs::is_regular_file(p)) << p;
  }
}

TEST_F(OutputsTest, RefusesAnOutputFolderInsideTheDataFolders) {
  for (const fs::path& out : {root_ / "system" / "report", root_ / "framework",
                              root_ / "framework" / "pevents" / ".." / "x"}) {
    SCOPED_TRACE(out.string());
    std::ostringstream log;
    StatusOr<BuildSummary> built = RunBuild(Options(out), &log);
    EXPECT_FALSE(built.ok());
    EXPECT_FALSE(fs::exists(out / "profiler-report.html"));
  }
  // Nothing was added to the input: its 4 system files and 1 trace file.
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(root_)) files += e.is_regular_file();
  EXPECT_EQ(files, 5);
}

TEST_F(OutputsTest, FailedReplaceKeepsTheOldFileAndLeavesNoTemporary) {
  // The target is a non-empty directory, so rename() fails after the
  // temporary file was written.
  const fs::path target = dir_ / "out" / "profiler-report.html";
  WriteFile(target / "keep.txt", "keep");
  EXPECT_FALSE(WriteFileAtomic(target.string(), "<html>new</html>").ok());
  EXPECT_EQ(ReadFile(target / "keep.txt"), "keep");
  EXPECT_TRUE(TempFiles(dir_ / "out").empty());
}

TEST_F(OutputsTest, ReplacesAnExistingFileWhole) {
  const fs::path target = dir_ / "out" / "a.json";
  WriteFile(target, std::string(100000, 'x'));
  ASSERT_TRUE(WriteFileAtomic(target.string(), "{}").ok());
  EXPECT_EQ(ReadFile(target), "{}");
  EXPECT_TRUE(TempFiles(dir_ / "out").empty());
}

TEST_F(OutputsTest, NeverOverwritesAFileThatHasTheTemporaryName) {
  // The temporary name is "<target>.tmp-<pid>-<n>"; one that exists is
  // skipped, not truncated.
  const fs::path target = dir_ / "out" / "a.json";
  const fs::path squatter = dir_ / "out" / ("a.json.tmp-" + std::to_string(getpid()) + "-0");
  WriteFile(squatter, "mine");
  ASSERT_TRUE(WriteFileAtomic(target.string(), "{}").ok());
  EXPECT_EQ(ReadFile(target), "{}");
  EXPECT_EQ(ReadFile(squatter), "mine");
  EXPECT_EQ(TempFiles(dir_ / "out"), std::vector<std::string>{squatter.string()});
}

// Kills `sm-report build` at increasing delays: whatever output exists at
// the moment of the kill is complete (HTML closed, PDF with its trailer,
// every rule JSON parses), never half written.
TEST_F(OutputsTest, KilledRunLeavesNoHalfWrittenReport) {
#ifndef SMR_CLI
  GTEST_SKIP() << "sm-report binary not built";
#else
  const fs::path out = dir_ / "out";
  int complete_runs = 0;
  for (int delay_ms :
       {0, 20, 50, 100, 150, 200, 300, 400, 500, 700, 1000, 1500, 2000, 3000, 5000, 8000}) {
    fs::remove_all(out);
    const std::string in = root_.string();
    const std::string out_s = out.string();
    std::vector<char*> argv = {const_cast<char*>(SMR_CLI),
                               const_cast<char*>("build"),
                               const_cast<char*>(in.c_str()),
                               const_cast<char*>("-o"),
                               const_cast<char*>(out_s.c_str()),
                               const_cast<char*>("-q"),
                               nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, SMR_CLI, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++complete_runs;
    SCOPED_TRACE("killed after " + std::to_string(delay_ms) + " ms");
    if (fs::exists(out / "profiler-report.html")) {
      const std::string html = ReadFile(out / "profiler-report.html");
      EXPECT_NE(html.find("</html>", html.size() > 16 ? html.size() - 16 : 0), std::string::npos);
    }
    if (fs::exists(out / "profiler-report.pdf")) {
      const std::string pdf = ReadFile(out / "profiler-report.pdf");
      EXPECT_NE(pdf.find("%%EOF", pdf.size() > 16 ? pdf.size() - 16 : 0), std::string::npos);
    }
    if (fs::exists(out / "profiler-reports")) {
      for (const auto& e : fs::directory_iterator(out / "profiler-reports")) {
        if (e.path().extension() != ".json") continue;
        nlohmann::json parsed;
        EXPECT_NO_THROW(parsed = nlohmann::json::parse(ReadFile(e.path()))) << e.path();
      }
    }
    if (complete_runs >= 2) break;  // later delays only see finished runs
  }
#endif
}

}  // namespace
}  // namespace smr
