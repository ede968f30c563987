#include "smr/render.h"

namespace smr {

StatusOr<std::string> RenderChartSvg(const Chart&) {
  return Status::Error("svg charts not implemented yet");
}

}  // namespace smr
