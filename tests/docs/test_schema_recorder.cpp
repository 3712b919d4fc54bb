// The deck schema recorder of core/config (the source of docs/deck-reference.md): what it
// records for a small deck read through ConfigNode, against the JSON written out by hand, and
// that with no recorder installed nothing is recorded.
#include <gtest/gtest.h>

#include "terrafate/core/config.hpp"

namespace terrafate {
namespace {

const char* const kDeck = R"x(
sources:
  - {type: napl, mass: "2 kg", gamma: 1}
  - {type: well, rate: 5}
rates: {PCE: 0.5, TCE: 0.25}
material: {sorption: {type: linear, kd: 0.3}}
)x";

/// What a reader of kDeck does: closed maps, typed reads with units, ranges and defaults.
void read(const ConfigNode& root) {
  root.expect_keys({"sources", "rates", "material"});
  for (const auto& source : root.at("sources").elements()) {
    const std::string type = source.at("type").as_choice({"napl", "well"});
    if (type == "napl") {
      source.expect_keys({"type", "mass", "gamma"});
      EXPECT_DOUBLE_EQ(source.quantity("mass", "g", Range::positive()), 2000.0);
      EXPECT_DOUBLE_EQ(source.quantity_or("gamma", 1.0, "1", Range::non_negative()), 1.0);
    } else {
      source.expect_keys({"type", "rate", "end"});
      EXPECT_DOUBLE_EQ(source.quantity("rate", "m3/d"), 5.0);
      EXPECT_DOUBLE_EQ(source.quantity_or("end", 10.0, "d"), 10.0); // absent: the default
    }
  }
  const ConfigNode rates = root.at("rates");
  double sum = 0.0;
  for (const auto& key : rates.keys())
    sum += rates.quantity(key, "1/d", Range::non_negative());
  EXPECT_DOUBLE_EQ(sum, 0.75);
  root.at("material").expect_keys({"sorption"});
  const ConfigNode sorption = root.at("material").at("sorption");
  sorption.expect_keys({"type", "kd"});
  EXPECT_DOUBLE_EQ(sorption.quantity("kd", "L/kg", Range::non_negative()), 0.3);
}

TEST(SchemaRecorder, RecordsNormalizedPathsTypesUnitsRangesAndDefaults) {
  SchemaRecorder recorder;
  ASSERT_EQ(set_schema_recorder(&recorder), nullptr); // off by default
  read(ConfigNode::load_string(kDeck, "deck.yaml"));
  EXPECT_EQ(set_schema_recorder(nullptr), &recorder);
  const std::string positive = R"x({"low":0,"high":null,"low_open":true,"high_open":false})x";
  const std::string non_negative = R"x({"low":0,"high":null,"low_open":false,"high_open":false})x";
  const std::string any = R"x({"low":null,"high":null,"low_open":false,"high_open":false})x";
  const std::string expected =
      std::string("{\"paths\": {\n") +
      R"x(  "": {"allowed": ["material", "rates", "sources"], "reads": []},)x" "\n" +
      R"x(  "material": {"allowed": ["sorption"], "reads": []},)x" "\n" +
      R"x(  "material.sorption(linear)": {"allowed": ["kd", "type"], "reads": []},)x" "\n" +
      R"x(  "material.sorption(linear).kd": {"reads": [{"kind":"quantity","unit":"L/kg","range":)x" +
      non_negative + "}]},\n" +
      R"x(  "rates": {"free_keys": true, "reads": [{"kind":"map"}]},)x" "\n" +
      R"x(  "rates.<key>": {"reads": [{"kind":"quantity","unit":"1/d","range":)x" + non_negative +
      "}]},\n" +
      R"x(  "sources": {"reads": [{"kind":"list"}]},)x" "\n" +
      R"x(  "sources[napl]": {"allowed": ["gamma", "mass", "type"], "reads": []},)x" "\n" +
      R"x(  "sources[napl].gamma": {"reads": [{"kind":"quantity","unit":"1","range":)x" +
      non_negative + R"x(,"default":"1"}, {"kind":"quantity","unit":"1","range":)x" +
      non_negative + "}]},\n" + // read with its default, and read as present
      R"x(  "sources[napl].mass": {"reads": [{"kind":"quantity","unit":"g","range":)x" + positive +
      "}]},\n" +
      R"x(  "sources[napl].type": {"reads": [{"kind":"choice","choices":["napl","well"]}, {"kind":"string"}]},)x" "\n" +
      R"x(  "sources[well]": {"allowed": ["end", "rate", "type"], "reads": []},)x" "\n" +
      R"x(  "sources[well].end": {"reads": [{"kind":"quantity","unit":"d","range":)x" + any +
      R"x(,"default":"10"}]},)x" "\n" +
      R"x(  "sources[well].rate": {"reads": [{"kind":"quantity","unit":"m3/d","range":)x" + any +
      "}]},\n" +
      R"x(  "sources[well].type": {"reads": [{"kind":"choice","choices":["napl","well"]}, {"kind":"string"}]})x" "\n" +
      "}}\n";
  EXPECT_EQ(recorder.to_json(), expected);
}

TEST(SchemaRecorder, RecordsNothingWhenOffAndKeepsOnlyMergedDecks) {
  SchemaRecorder unused;
  read(ConfigNode::load_string(kDeck, "deck.yaml")); // no recorder installed
  EXPECT_EQ(unused.to_json(), "{\"paths\": {\n}}\n");
  SchemaRecorder one, all;
  set_schema_recorder(&one);
  read(ConfigNode::load_string(kDeck, "deck.yaml"));
  set_schema_recorder(nullptr);
  all.merge(one);
  all.merge(one); // the union: merging twice changes nothing
  EXPECT_EQ(all.to_json(), one.to_json());
}

} // namespace
} // namespace terrafate
