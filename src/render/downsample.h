// Downsampling of dense line series for drawing: the min/max envelope per
// column, so a chart's size grows with its width, never with the number of
// points. Private to src/render.
#ifndef SMR_SRC_RENDER_DOWNSAMPLE_H_
#define SMR_SRC_RENDER_DOWNSAMPLE_H_

#include <vector>

#include "smr/report_model.h"

namespace smr {

// Min/max envelope of a dense series: [x_lo, x_hi] is split into `columns`
// equal-width columns and each column that holds points gives one entry with
// the smallest and largest y of its points (so every extreme of the series
// is kept). Points with non-finite x or y are dropped; points outside
// [x_lo, x_hi] go to the edge columns. `x` is the column centre, except that
// the first and last entries use the x of the first and last points, so the
// envelope spans exactly the data. Input must be sorted by x.
struct EnvelopeColumn {
  double x = 0;
  double lo = 0, hi = 0;
};
std::vector<EnvelopeColumn> MinMaxEnvelope(const std::vector<ChartPoint>& points, double x_lo,
                                           double x_hi, int columns);

}  // namespace smr

#endif  // SMR_SRC_RENDER_DOWNSAMPLE_H_
