#include "smr/render.h"

namespace smr {

StatusOr<std::string> RenderPdf(const ReportModel&) {
  return Status::Error("pdf renderer not implemented yet");
}

}  // namespace smr
