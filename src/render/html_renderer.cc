#include "smr/render.h"

namespace smr {

StatusOr<std::string> RenderHtml(const ReportModel&, const std::string&) {
  return Status::Error("html renderer not implemented yet");
}

}  // namespace smr
