// The importer registry: every row of the format table has a factory whose
// importer registers its file under the row's kind, and ImportFile reads
// any format through it.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "smr/formats.h"
#include "smr/ingest.h"
#include "src/ingest/importer.h"

namespace smr {
namespace {

using ingest_internal::ImporterFactoryOf;

TEST(ImporterRegistryTest, EveryRowHasAFactoryWhoseImporterRegistersItsFile) {
  const std::string padded(256, '\0');  // 0 bytes of content + padding
  for (const FormatInfo& format : kFormats) {
    SCOPED_TRACE(format.name);
    ASSERT_NE(ImporterFactoryOf(format.kind), nullptr);
    InputFile file;
    file.kind = format.kind;
    file.rel_path = std::string(format.example);
    StoreBuilder b;
    Diagnostics diag;
    std::unique_ptr<ingest_internal::Importer> importer =
        ImporterFactoryOf(format.kind)(ingest_internal::ImportContext{file, &b, &diag});
    ASSERT_NE(importer, nullptr);
    importer->Feed(padded.data(), 0);
    const ingest_internal::BaseTimeUse use = importer->Finish();
    EXPECT_FALSE(use.has_own_base);
    MetricStore store = b.Build();
    ASSERT_EQ(store.files().size(), 1u);
    EXPECT_EQ(store.files()[0].kind, format.kind);
    EXPECT_EQ(store.files()[0].rel_path, format.example);
  }
}

TEST(ImporterRegistryTest, ImportFileCarriesTheBaseTimeOfItsKind) {
  const std::string with_base =
      "[\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 0, \"args\": "
      "{\"start_time_since_epoch_in_micros\": 1000000}},\n"
      "{\"name\": \"a\", \"ph\": \"X\", \"pid\": 0, \"ts\": 5, \"dur\": 1}\n]\n";
  const std::string without =
      "[\n{\"name\": \"b\", \"ph\": \"X\", \"pid\": 0, \"ts\": 7, \"dur\": 1}\n]\n";
  InputFile first;
  first.kind = FileKind::kSmDataParallel;
  first.rel_path = "a";
  InputFile second = first;
  second.rel_path = "b";
  StoreBuilder b;
  Diagnostics diag;
  TraceParseState state;
  ImportFile(first, with_base, &state, &b, &diag);
  ImportFile(second, without, &state, &b, &diag);
  EXPECT_TRUE(state.has_base[FormatIndex(FileKind::kSmDataParallel)]);
  EXPECT_FALSE(state.has_base[FormatIndex(FileKind::kPythonTimeline)]);
  MetricStore store = b.Build();
  ASSERT_EQ(store.events().size(), 2u);
  EXPECT_EQ(store.events().start_us[1], 1000007);
  EXPECT_EQ(store.events().source[1], FileKind::kSmDataParallel);
}

}  // namespace
}  // namespace smr
