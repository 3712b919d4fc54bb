// Deck access and unit conversion, against hand-computed values.
#include <gtest/gtest.h>

#include "terrafate/core/config.hpp"
#include "terrafate/core/units.hpp"

namespace terrafate {
namespace {

TEST(Units, ConvertsDeckQuantitiesToBaseUnits) {
  EXPECT_DOUBLE_EQ(parse_quantity("10 m/d", "m/d"), 10.0);
  EXPECT_NEAR(parse_quantity("30 cm", "m"), 0.3, 1e-15);
  EXPECT_NEAR(parse_quantity("50 ug/L", "mg/L"), 0.05, 1e-15);
  EXPECT_NEAR(parse_quantity("1 kg/L", "g/m3"), 1.0e6, 1e-6);
  EXPECT_NEAR(parse_quantity("1 m/s", "m/d"), 86400.0, 1e-9);
  EXPECT_NEAR(parse_quantity("2 h", "d"), 2.0 / 24.0, 1e-15);
  // udunits2's year is the tropical year, 365.242198781 d.
  EXPECT_NEAR(parse_quantity("5 yr", "d"), 5 * 365.242198781, 1e-6);
  EXPECT_NEAR(parse_quantity("100 L/s", "m3/d"), 8640.0, 1e-9);
  EXPECT_DOUBLE_EQ(parse_quantity("  2.5e-3 ", "1/d"), 2.5e-3);
}

TEST(Units, RejectsUnknownAndIncompatibleUnits) {
  EXPECT_THROW(parse_quantity("10 blorps", "m/d"), std::invalid_argument);
  EXPECT_THROW(parse_quantity("10 kg", "m/d"), std::invalid_argument);
  EXPECT_THROW(parse_quantity("ten m/d", "m/d"), std::invalid_argument);
}

ConfigNode parse(const std::string& text) {
  return ConfigNode::load_string(text, "deck.yaml");
}

TEST(Config, UnknownKeyNamesLineAndSuggestion) {
  const auto root = parse("grid:\n  size: [1, 1, 1]\n  celsl: [1, 1, 1]\n");
  try {
    root.at("grid").expect_keys({"origin", "size", "cells", "spacing"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "grid.celsl");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("did you mean 'cells'"), std::string::npos) << e.what();
  }
}

TEST(Config, QuantityRangeAndTypeErrorsNameTheKey) {
  const auto root = parse("a:\n  porosity: 1.5\n  k: [1, 2]\n  q: \"3 kg\"\n");
  const auto a = root.at("a");
  try {
    a.quantity("porosity", "1", Range::fraction_open_low());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "a.porosity");
    EXPECT_EQ(e.where().line, 2);
  }
  EXPECT_THROW(a.at("k").as_vector<3>("m/d"), InputError);
  EXPECT_THROW(a.quantity("q", "m/d"), InputError);
  EXPECT_DOUBLE_EQ(a.at("k").as_vector<2>("m/d")[1], 2.0);
  try {
    a.at("missing");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "a.missing");
  }
}

TEST(Config, SyntaxErrorHasLine) {
  try {
    parse("grid:\n  size: [1, 2\n  cells: 3\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_GE(e.where().line, 2);
    EXPECT_NE(std::string(e.what()).find("deck.yaml:"), std::string::npos);
  }
}

TEST(Config, DuplicateKeyIsAnError) {
  const auto root = parse("a: 1\na: 2\n");
  EXPECT_THROW(root.expect_keys({"a"}), InputError);
}

TEST(Config, RegionBoxAndInvertedBox) {
  const auto ok = read_region(parse("r: {box: {min: [0, 0, 0], max: [1, 2, 3]}}\n").at("r"));
  EXPECT_FALSE(ok.all);
  EXPECT_TRUE(ok.contains({0.5, 2.0, 3.0}));
  EXPECT_FALSE(ok.contains({0.5, 2.1, 3.0}));
  EXPECT_TRUE(read_region(parse("r: all\n").at("r")).all);
  EXPECT_THROW(read_region(parse("r: {box: {min: [2, 0, 0], max: [1, 2, 3]}}\n").at("r")),
               InputError);
}

TEST(Config, ClosestKeyFindsTypos) {
  EXPECT_EQ(closest_key("hydraulic_conductivty", {"porosity", "hydraulic_conductivity"}),
            "hydraulic_conductivity");
  EXPECT_FALSE(closest_key("zzz", {"porosity", "hydraulic_conductivity"}).has_value());
}

} // namespace
} // namespace terrafate
