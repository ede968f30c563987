// File utilities of base (src/base/file_util.cc): whole-file reads and path
// containment.
#include "smr/file_util.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

TEST(ReadWholeFileTest, ReadsEveryByte) {
  const fs::path dir = testing::ScratchDir("read-whole-file");
  const std::string bytes("a\0b\r\n\xff", 6);
  testing::WriteFile(dir / "f.bin", bytes);
  const StatusOr<std::string> read = ReadWholeFile(dir / "f.bin");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, bytes);
}

TEST(ReadWholeFileTest, MissingFileNamesThePath) {
  const fs::path missing = testing::ScratchDir("read-missing") / "nope.json";
  const StatusOr<std::string> read = ReadWholeFile(missing);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(), "cannot read " + missing.string());
}

TEST(IsLexicallyWithinTest, ComparesWholeElements) {
  EXPECT_TRUE(IsLexicallyWithin("/a/b/c", "/a/b"));
  EXPECT_TRUE(IsLexicallyWithin("/a/b", "/a/b"));
  EXPECT_FALSE(IsLexicallyWithin("/a/bc", "/a/b"));
  EXPECT_FALSE(IsLexicallyWithin("/a", "/a/b"));
  EXPECT_FALSE(IsLexicallyWithin("/x/b", "/a/b"));
}

TEST(IsWithinTest, ResolvesDotDotAndRelativePaths) {
  const fs::path dir = testing::ScratchDir("is-within");
  fs::create_directories(dir / "in" / "system");
  fs::create_directories(dir / "out");
  EXPECT_TRUE(IsWithin(dir / "in" / "system" / "report", dir / "in" / "system"));
  EXPECT_TRUE(IsWithin(dir / "out" / ".." / "in" / "system" / "x", dir / "in" / "system"));
  EXPECT_FALSE(IsWithin(dir / "in" / "system" / ".." / "report", dir / "in" / "system"));
  EXPECT_FALSE(IsWithin(dir / "out", dir / "in"));
  // A path that does not exist yet is compared as far as it resolves.
  EXPECT_TRUE(IsWithin(dir / "in" / "new" / "deeper", dir / "in"));
}

TEST(IsWithinTest, FollowsASymlinkIntoTheFolder) {
  const fs::path dir = testing::ScratchDir("is-within-link");
  fs::create_directories(dir / "data" / "system");
  fs::create_directory_symlink(dir / "data" / "system", dir / "link");
  EXPECT_TRUE(IsWithin(dir / "link" / "out", dir / "data" / "system"));
}

}  // namespace
}  // namespace smr
