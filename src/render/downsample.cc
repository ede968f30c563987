// Min/max envelope of dense line series (downsample.h).
#include "src/render/downsample.h"

#include <algorithm>
#include <cmath>

namespace smr {

std::vector<EnvelopeColumn> MinMaxEnvelope(const std::vector<ChartPoint>& points, double x_lo,
                                           double x_hi, int columns) {
  columns = std::max(1, columns);
  const double span = x_hi - x_lo;
  auto column_of = [&](double x) {
    if (!(span > 0)) return 0;
    const double f = std::floor((x - x_lo) / span * columns);
    return static_cast<int>(std::clamp(f, 0.0, columns - 1.0));
  };
  std::vector<EnvelopeColumn> out;
  int current = -1;
  double last_x = 0;
  for (const ChartPoint& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const int c = column_of(p.x);
    if (out.empty() || c != current) {
      const double centre = span > 0 ? x_lo + (c + 0.5) * span / columns : x_lo;
      out.push_back({out.empty() ? p.x : centre, p.y, p.y});
      current = c;
    } else {
      out.back().lo = std::min(out.back().lo, p.y);
      out.back().hi = std::max(out.back().hi, p.y);
    }
    last_x = p.x;
  }
  if (out.size() > 1) out.back().x = last_x;
  return out;
}

}  // namespace smr
