// Output files of the sample generator: the UTC hour folders both writers
// use and writing one file (counted in the Summary).
#include <ctime>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "samples/generator/writers.h"

namespace smr::samplegen {

namespace fs = std::filesystem;

std::string HourDir(int64_t epoch_s) {
  const std::time_t tt = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour);
}

bool WriteFile(const fs::path& path, const std::string& data, Summary* summary,
               std::string* error) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error = fmt::format("creating {}: {}", path.parent_path().string(), ec.message());
    return false;
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) {
    *error = fmt::format("writing {}: failed", path.string());
    return false;
  }
  summary->bytes += static_cast<int64_t>(data.size());
  return true;
}

}  // namespace smr::samplegen
