// Private helpers for src/render: unique_ptr owners for cairo/pango/glib
// handles, writing a surface into a string and checking it, and a pango text
// context that measures and draws plain text in cairo user units.
// Header-only so it adds nothing to the build list.
//
// All input text goes through pango_layout_set_text (never markup), so
// report strings cannot inject pango markup.
#ifndef SMR_SRC_RENDER_CAIRO_HANDLES_H_
#define SMR_SRC_RENDER_CAIRO_HANDLES_H_

#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "smr/status.h"

namespace smr {

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_font_options_t* o) const { cairo_font_options_destroy(o); }
};
struct GObjectDeleter {
  void operator()(void* obj) const { g_object_unref(obj); }
};
struct PangoFontDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};

using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using CairoSurfacePtr = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using PangoLayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using PangoContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;

// cairo write callback for *_create_for_stream: appends to the std::string*
// closure; a null closure discards the output.
inline cairo_status_t AppendToString(void* closure, const unsigned char* data,
                                     unsigned int length) {
  if (closure != nullptr) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  }
  return CAIRO_STATUS_SUCCESS;
}

// Error "cannot create <what> surface: <cairo status>" for a surface that
// failed to be created.
inline Status CheckSurface(cairo_surface_t* surface, const char* what) {
  const cairo_status_t st = cairo_surface_status(surface);
  if (st == CAIRO_STATUS_SUCCESS) return Status::Ok();
  return Status::Error(std::string("cannot create ") + what +
                       " surface: " + cairo_status_to_string(st));
}

// Destroys the drawing context, finishes the surface (flushing its output)
// and reports the first error of either: "<what> rendering failed: ...".
inline Status FinishSurface(std::unique_ptr<cairo_t, CairoDeleter>* cr, cairo_surface_t* surface,
                            const char* what) {
  const cairo_status_t st = cairo_status(cr->get());
  cr->reset();
  cairo_surface_finish(surface);
  const cairo_status_t sst = cairo_surface_status(surface);
  if (st == CAIRO_STATUS_SUCCESS && sst == CAIRO_STATUS_SUCCESS) return Status::Ok();
  return Status::Error(std::string(what) + " rendering failed: " +
                       cairo_status_to_string(st != CAIRO_STATUS_SUCCESS ? st : sst));
}

inline constexpr const char* kSansFamily = "DejaVu Sans";
inline constexpr const char* kMonoFamily = "DejaVu Sans Mono";

struct TextStyle {
  double size = 9;  // user units (points)
  bool bold = false;
  bool italic = false;
  bool mono = false;
};

// One pango context bound to a cairo context. Metrics are unhinted so the
// SVG and PDF outputs lay out identically and deterministically.
class TextContext {
 public:
  explicit TextContext(cairo_t* cr) : cr_(cr) {
    ctx_.reset(pango_cairo_create_context(cr));
    std::unique_ptr<cairo_font_options_t, CairoDeleter> opts(cairo_font_options_create());
    cairo_font_options_set_hint_style(opts.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(opts.get(), CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx_.get(), opts.get());
    pango_cairo_context_set_resolution(ctx_.get(), 72.0);
  }
  TextContext(const TextContext&) = delete;
  TextContext& operator=(const TextContext&) = delete;

  cairo_t* cr() const { return cr_; }

  // A layout for `text`. width > 0 wraps (or ellipsizes when `ellipsize`) at
  // that width in user units.
  PangoLayoutPtr Layout(const std::string& text, const TextStyle& style, double width = -1,
                        bool ellipsize = false, PangoAlignment align = PANGO_ALIGN_LEFT) const {
    pango_cairo_update_context(cr_, ctx_.get());
    PangoLayoutPtr layout(pango_layout_new(ctx_.get()));
    std::unique_ptr<PangoFontDescription, PangoFontDeleter> desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), style.mono ? kMonoFamily : kSansFamily);
    pango_font_description_set_weight(desc.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(desc.get(),
                                     style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_font_description_set_absolute_size(desc.get(), style.size * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), desc.get());
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    if (width > 0) {
      pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
      if (ellipsize) {
        pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
      } else {
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
      }
    }
    pango_layout_set_alignment(layout.get(), align);
    return layout;
  }

  // Logical size of a layout in user units.
  static void Size(PangoLayout* layout, double* w, double* h) {
    int pw = 0, ph = 0;
    pango_layout_get_size(layout, &pw, &ph);
    *w = static_cast<double>(pw) / PANGO_SCALE;
    *h = static_cast<double>(ph) / PANGO_SCALE;
  }

  void Show(PangoLayout* layout, double x, double y) const {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

 private:
  cairo_t* cr_;
  PangoContextPtr ctx_;
};

}  // namespace smr

#endif  // SMR_SRC_RENDER_CAIRO_HANDLES_H_
