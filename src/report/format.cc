// Display formatting of times, durations, numbers and byte counts
// (report_builder.h).
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "smr/report_builder.h"
#include "smr/utc_time.h"

namespace smr {

std::string FormatUtc(double epoch_s) {
  if (!std::isfinite(epoch_s)) return "-";
  std::tm tm{};
  UtcCalendar(epoch_s, &tm);  // all fields 0 if out of range
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  const bool neg = seconds < 0;
  int64_t s = static_cast<int64_t>(std::llround(std::fabs(seconds)));
  const int64_t h = s / 3600;
  const int64_t m = (s % 3600) / 60;
  s %= 60;
  std::string out;
  if (h > 0) {
    out = fmt::format("{} h {:02d} min", h, m);
  } else if (m > 0) {
    out = fmt::format("{} min {:02d} s", m, s);
  } else {
    out = fmt::format("{} s", s);
  }
  return neg ? "-" + out : out;
}

std::string FormatNumber(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) {
    s = fmt::format("{:.{}f}", 0.0, decimals);  // no "-0.00"
  }
  return s;
}

std::string FormatBytes(double bytes) {
  if (!std::isfinite(bytes)) return "-";
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  double v = bytes;
  while (std::fabs(v) >= 1000 && u < 5) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", v) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

}  // namespace smr
