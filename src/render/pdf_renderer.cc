// RenderPdf: the ReportModel as a multi-page A4 or Letter PDF (cairo PDF surface +
// pango). Layout is a simple top-to-bottom flow with page breaks before any
// block that does not fit; tables break between rows and repeat their header
// row. The document is laid out twice: the first pass (output discarded)
// counts pages and records the page of every heading, so the second pass can
// print "Page N of M" and a table of contents with page numbers. Both passes
// use identical layout code, so the page numbers agree.
//
// Input text is always set with pango_layout_set_text (no markup), so report
// strings render literally. Metadata is fixed (no creation date) so the same
// model yields the same bytes.
#include <cairo-pdf.h>
#include <cairo.h>

#include <string>
#include <vector>

#include "smr/render.h"
#include "src/render/cairo_handles.h"
#include "src/render/pdf_layout.h"

namespace smr {
namespace {

using pdf_internal::Heading;
using pdf_internal::PageSize;
using pdf_internal::PdfLayout;

struct PassResult {
  int pages = 0;
  std::vector<int> heading_pages;
};

Status RunPass(const ReportModel& model, PageSize paper, int total_pages,
               const std::vector<int>& known_pages, std::string* out, PassResult* result) {
  CairoSurfacePtr surface(
      cairo_pdf_surface_create_for_stream(AppendToString, out, paper.w, paper.h));
  if (Status st = CheckSurface(surface.get(), "PDF"); !st.ok()) return st;
  cairo_pdf_surface_restrict_to_version(surface.get(), CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, model.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "sm-report");
  // cairo 1.16 stamps the current time unless a date is set; an empty date
  // makes it omit /CreationDate entirely (deterministic output).
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
  if (!model.subtitle.empty()) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT,
                                   model.subtitle.c_str());
  }
  CairoPtr cr(cairo_create(surface.get()));
  PdfLayout layout(surface.get(), cr.get(), model, paper, total_pages, known_pages);
  layout.Render();
  if (Status st = FinishSurface(&cr, surface.get(), "PDF"); !st.ok()) return st;
  result->pages = layout.pages();
  for (const Heading& h : layout.headings()) {
    result->heading_pages.push_back(h.page);
  }
  return Status::Ok();
}

}  // namespace

bool ParsePaper(const std::string& name, Paper* paper) {
  std::string lower;
  for (char c : name) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (lower == "a4") {
    *paper = Paper::kA4;
    return true;
  }
  if (lower == "letter") {
    *paper = Paper::kLetter;
    return true;
  }
  return false;
}

StatusOr<std::string> RenderPdf(const ReportModel& model) { return RenderPdf(model, PdfOptions{}); }

StatusOr<std::string> RenderPdf(const ReportModel& model, const PdfOptions& options) {
  const PageSize paper =
      options.paper == Paper::kLetter ? pdf_internal::kLetter : pdf_internal::kA4;
  PassResult first;
  Status s = RunPass(model, paper, 0, {}, nullptr, &first);
  if (!s.ok()) return s;
  std::string pdf;
  PassResult second;
  s = RunPass(model, paper, first.pages, first.heading_pages, &pdf, &second);
  if (!s.ok()) return s;
  return pdf;
}

}  // namespace smr
