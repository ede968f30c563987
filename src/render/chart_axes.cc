// Chart axis maths (chart_axes.h).
#include "src/render/chart_axes.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "smr/utc_time.h"

namespace smr {

double NiceStepAtLeast(double x) {
  if (!std::isfinite(x) || x <= 0) return 1;
  const double exponent = std::floor(std::log10(x));
  const double power = std::pow(10.0, exponent);
  const double fraction = x / power;
  // Tolerance: 0.2 / 0.1 is 2.0000000000000004 in binary floating point.
  constexpr double kEps = 1e-9;
  double nice = 10;
  if (fraction <= 1 + kEps) {
    nice = 1;
  } else if (fraction <= 2 + kEps) {
    nice = 2;
  } else if (fraction <= 5 + kEps) {
    nice = 5;
  }
  return nice * power;
}

void WidenRange(double* lo, double* hi) {
  if (!std::isfinite(*lo) || !std::isfinite(*hi)) {
    *lo = 0;
    *hi = 1;
    return;
  }
  if (*hi < *lo) std::swap(*lo, *hi);
  if (*hi == *lo) {
    const double pad = *lo == 0 ? 1 : std::fabs(*lo) * 0.1;
    *lo -= pad;
    *hi += pad;
  }
}

namespace {

double SnapZero(double v, double step) { return std::fabs(v) < std::fabs(step) * 1e-9 ? 0.0 : v; }

}  // namespace

Ticks NiceTicks(double lo, double hi, int target_intervals) {
  WidenRange(&lo, &hi);
  target_intervals = std::max(1, target_intervals);
  Ticks t;
  t.step = NiceStepAtLeast((hi - lo) / target_intervals);
  t.lo = SnapZero(std::floor(lo / t.step + 1e-9) * t.step, t.step);
  t.hi = SnapZero(std::ceil(hi / t.step - 1e-9) * t.step, t.step);
  const int n = static_cast<int>(std::lround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= n; ++i) t.values.push_back(SnapZero(t.lo + i * t.step, t.step));
  return t;
}

Ticks InnerTicks(double lo, double hi, int target_intervals) {
  WidenRange(&lo, &hi);
  target_intervals = std::max(1, target_intervals);
  Ticks t;
  t.lo = lo;
  t.hi = hi;
  t.step = NiceStepAtLeast((hi - lo) / target_intervals);
  const double first = std::ceil(lo / t.step - 1e-9) * t.step;
  for (int i = 0;; ++i) {
    const double v = first + i * t.step;
    if (v > hi + t.step * 1e-9) break;
    t.values.push_back(SnapZero(v, t.step));
  }
  return t;
}

Ticks TimeTicks(double lo_s, double hi_s, int target_intervals) {
  WidenRange(&lo_s, &hi_s);
  target_intervals = std::max(1, target_intervals);
  static constexpr double kSteps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                      600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  const double raw = (hi_s - lo_s) / target_intervals;
  double step = 0;
  if (raw < 1) {
    step = NiceStepAtLeast(raw);
  } else {
    for (double s : kSteps) {
      if (s >= raw) {
        step = s;
        break;
      }
    }
    if (step == 0) step = NiceStepAtLeast(raw / 86400) * 86400;
  }
  // Epoch multiples are UTC-aligned (epoch is midnight UTC and every step up
  // to a day divides 86400).
  Ticks t = InnerTicks(lo_s, hi_s, 1);
  t.step = step;
  t.values.clear();
  const double first = std::ceil(lo_s / step - 1e-9) * step;
  for (int i = 0;; ++i) {
    const double v = first + i * step;
    if (v > hi_s + step * 1e-9) break;
    t.values.push_back(v);
  }
  return t;
}

std::string FormatUtcTick(double t_s, double step_s, bool with_date) {
  std::tm tm{};
  if (!UtcCalendar(t_s, &tm)) return "";
  std::string out;
  if (with_date) out = fmt::format("{:02d}-{:02d} ", tm.tm_mon + 1, tm.tm_mday);
  out += fmt::format("{:02d}:{:02d}", tm.tm_hour, tm.tm_min);
  if (step_s < 60) out += fmt::format(":{:02d}", tm.tm_sec);
  return out;
}

std::string FormatUtcDate(double t_s) {
  std::tm tm{};
  if (!UtcCalendar(t_s, &tm)) return "";
  return fmt::format("{:04d}-{:02d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string FormatTickValue(double v, double step) {
  step = std::fabs(step);
  if (!std::isfinite(v)) return "";
  if (!std::isfinite(step) || step == 0) step = 1;
  v = SnapZero(v, step);
  double div = 1;
  const char* suffix = "";
  if (step >= 1e9) {
    div = 1e9;
    suffix = "G";
  } else if (step >= 1e6) {
    div = 1e6;
    suffix = "M";
  } else if (step >= 1e4) {
    div = 1e3;
    suffix = "k";
  }
  const double scaled_step = step / div;
  int decimals = 0;
  if (scaled_step < 1) {
    decimals = static_cast<int>(std::ceil(-std::log10(scaled_step) - 1e-9));
    decimals = std::clamp(decimals, 0, 9);
  }
  std::string out = fmt::format("{:.{}f}", v / div, decimals);
  return out + suffix;
}

double LinearScale::Map(double v) const {
  if (d1 == d0) return (r0 + r1) / 2;
  return r0 + (v - d0) * (r1 - r0) / (d1 - d0);
}

}  // namespace smr
