// The built-in table of SageMaker training prices (include/smr/compare.h):
// on-demand, Linux, USD per instance-hour, for common ml.* training
// instances. The config's "prices" extend and override it (docs/diff.md).
//
// Source: AWS's published on-demand prices for SageMaker training, US East
// (N. Virginia) (https://aws.amazon.com/sagemaker/pricing/), as reproduced by
// several independent public copies of that table, compiled 2026-12-05; a
// value is here only when those copies agreed on it, other instance types
// are left out rather than guessed. Prices change: set the current ones in
// the config's "prices".
#include <algorithm>
#include <map>

#include "smr/compare.h"

namespace smr {
namespace {

struct RegionPrices {
  const char* region;
  std::map<std::string, double> prices;
};

const std::vector<RegionPrices>& PriceTable() {
  static const std::vector<RegionPrices> kTable = {
      {"us-east-1",
       {
           {"ml.m5.large", 0.115},
           {"ml.m5.xlarge", 0.23},
           {"ml.m5.2xlarge", 0.461},
           {"ml.m5.4xlarge", 0.922},
           {"ml.c5.xlarge", 0.204},
           {"ml.c5.2xlarge", 0.408},
           {"ml.c5.4xlarge", 0.816},
           {"ml.p2.xlarge", 1.125},
           {"ml.g4dn.xlarge", 0.736},
           {"ml.g5.xlarge", 1.408},
           {"ml.p3.2xlarge", 3.825},
           {"ml.p3.8xlarge", 14.688},
           {"ml.p3.16xlarge", 28.152},
       }},
  };
  return kTable;
}

}  // namespace

const char* BuiltinPriceSource() { return "https://aws.amazon.com/sagemaker/pricing/"; }
const char* BuiltinPriceDate() { return "2026-12-05"; }

std::vector<std::string> BuiltinPriceRegions() {
  std::vector<std::string> out;
  for (const RegionPrices& r : PriceTable()) out.emplace_back(r.region);
  return out;
}

std::optional<double> BuiltinHourlyPrice(const std::string& region,
                                         const std::string& instance_type) {
  for (const RegionPrices& r : PriceTable()) {
    if (region != r.region) continue;
    const auto it = r.prices.find(instance_type);
    if (it != r.prices.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace smr
