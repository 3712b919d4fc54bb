#include "terrafate/core/distribution.hpp"

namespace terrafate {

Distribution read_distribution(const ConfigNode& entry, bool degenerate) {
  Distribution distribution;
  const std::string kind = entry.at("distribution").as_choice({"normal", "lognormal", "uniform"});
  if (kind == "lognormal") {
    entry.expect_keys({"path", "distribution", "median", "gsd"});
    distribution.kind = Distribution::Kind::lognormal;
    distribution.a = entry.quantity("median", "1", Range::positive());
    distribution.b = entry.quantity("gsd", "1", Range{1.0, 1.0e6, !degenerate, false});
  } else if (kind == "normal") {
    entry.expect_keys({"path", "distribution", "mean", "std"});
    distribution.kind = Distribution::Kind::normal;
    distribution.a = entry.quantity("mean", "1");
    distribution.b =
        entry.quantity("std", "1", degenerate ? Range::non_negative() : Range::positive());
  } else {
    entry.expect_keys({"path", "distribution", "min", "max"});
    distribution.kind = Distribution::Kind::uniform;
    distribution.a = entry.quantity("min", "1");
    distribution.b = entry.quantity("max", "1");
    if (!(distribution.b > distribution.a)) throw entry.at("max").error("max must exceed min");
  }
  return distribution;
}

} // namespace terrafate
