// The importer registry (each format's factory, from the format table) and
// ImportFile, which imports one file through it.
#include <array>
#include <memory>
#include <string_view>

#include <simdjson.h>

#include "smr/formats.h"
#include "smr/ingest.h"
#include "src/ingest/importer.h"

namespace smr {
namespace ingest_internal {
namespace {

#define SMR_IMPORTER_FACTORY(Kind, name, top, folder, suffix, example, parser, base, feed, \
                             sample_bytes, event_bytes, Factory)                           \
  &Factory,
constexpr std::array<ImporterFactory, kFormatCount> kFactories = {
    SMR_FORMAT_LIST(SMR_IMPORTER_FACTORY)};
#undef SMR_IMPORTER_FACTORY

}  // namespace

ImporterFactory ImporterFactoryOf(FileKind kind) { return kFactories[FormatIndex(kind)]; }

}  // namespace ingest_internal

void ImportFile(const InputFile& file, std::string_view contents, TraceParseState* state,
                StoreBuilder* out, Diagnostics* diag) {
  const size_t k = FormatIndex(file.kind);
  simdjson::padded_string padded(contents.data(), contents.size());
  std::unique_ptr<ingest_internal::Importer> importer = ingest_internal::ImporterFactoryOf(
      file.kind)({file, out, diag, state->has_base[k], state->base_time_us[k]});
  importer->Feed(padded.data(), contents.size());
  const ingest_internal::BaseTimeUse use = importer->Finish();
  if (use.has_own_base) {
    state->base_time_us[k] = use.final_base_us;
    state->has_base[k] = true;
  }
}

void ImportSystemMetrics(const InputFile& file, std::string_view contents, StoreBuilder* out,
                         Diagnostics* diag) {
  TraceParseState state;
  ImportFile(file, contents, &state, out, diag);
}

void ImportChromeTrace(const InputFile& file, std::string_view contents, TraceParseState* state,
                       StoreBuilder* out, Diagnostics* diag) {
  ImportFile(file, contents, state, out, diag);
}

void ImportTfTrace(const InputFile& file, std::string_view compressed, StoreBuilder* out,
                   Diagnostics* diag) {
  TraceParseState state;
  ImportFile(file, compressed, &state, out, diag);
}

void ImportKinetoTrace(const InputFile& file, std::string_view contents, StoreBuilder* out,
                       Diagnostics* diag) {
  TraceParseState state;
  ImportFile(file, contents, &state, out, diag);
}

}  // namespace smr
