// Deck access and unit conversion, against hand-computed values.
#include <cmath>

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
  // terrafate's year is the Julian year, 365.25 d (core/units.hpp kDaysPerYear).
  EXPECT_DOUBLE_EQ(parse_quantity("5 yr", "d"), 5 * 365.25);
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
  const auto ok =
      read_region(parse("r: {box: {min: [0, 0, 0], max: [1, 2, 3]}}\n").at("r"), SiteFrame{});
  EXPECT_FALSE(ok.all);
  EXPECT_TRUE(ok.contains({0.5, 2.0, 3.0}));
  EXPECT_FALSE(ok.contains({0.5, 2.1, 3.0}));
  EXPECT_TRUE(read_region(parse("r: all\n").at("r"), SiteFrame{}).all);
  EXPECT_THROW(
      read_region(parse("r: {box: {min: [2, 0, 0], max: [1, 2, 3]}}\n").at("r"), SiteFrame{}),
      InputError);
}

TEST(Config, SiteFrameRotatesAboutTheOrigin) {
  // Hand calculation: a grid turned 90 degrees counter-clockwise about (1000, 2000) has its x
  // axis pointing to site north (+y), its y axis to site west (-x).
  const SiteFrame frame{{1000.0, 2000.0}, 90.0, "EPSG:25832"};
  const auto north = frame.to_grid(std::array<double, 2>{1000.0, 2010.0});
  EXPECT_NEAR(north[0], 1010.0, 1e-9);
  EXPECT_NEAR(north[1], 2000.0, 1e-9);
  const auto west = frame.to_grid(std::array<double, 3>{990.0, 2000.0, 7.5});
  EXPECT_NEAR(west[0], 1000.0, 1e-9);
  EXPECT_NEAR(west[1], 2010.0, 1e-9);
  EXPECT_EQ(west[2], 7.5);
  // 30 degrees: grid point (1000 + 10, 2000) is at site (1000 + 10 cos 30, 2000 + 10 sin 30).
  const SiteFrame thirty{{1000.0, 2000.0}, 30.0, ""};
  const auto site = thirty.to_site(std::array<double, 2>{1010.0, 2000.0});
  EXPECT_NEAR(site[0], 1000.0 + 10.0 * std::sqrt(3.0) / 2.0, 1e-9);
  EXPECT_NEAR(site[1], 2005.0, 1e-9);
  const auto back = thirty.to_grid(site);
  EXPECT_NEAR(back[0], 1010.0, 1e-9);
  EXPECT_NEAR(back[1], 2000.0, 1e-9);
  // No rotation: the identity, bit for bit.
  const SiteFrame none{{1000.0, 2000.0}, 0.0, ""};
  EXPECT_EQ(none.to_grid(std::array<double, 2>{1234.5678, 2345.6789})[0], 1234.5678);
}

TEST(Config, RotatedBoxBecomesThePolygonOfItsCorners) {
  // A 20 x 10 m site box at a grid turned 90 degrees about (0, 0): in the grid frame it spans
  // x in [0, 10] (site y), y in [-20, 0] (minus site x).
  const SiteFrame frame{{0.0, 0.0}, 90.0, ""};
  const auto region =
      read_region(parse("r: {box: {min: [0, 0, 1], max: [20, 10, 3]}}\n").at("r"), frame);
  ASSERT_TRUE(region.polygon.has_value());
  EXPECT_NEAR(region.box.min[0], 0.0, 1e-9);
  EXPECT_NEAR(region.box.max[0], 10.0, 1e-9);
  EXPECT_NEAR(region.box.min[1], -20.0, 1e-9);
  EXPECT_NEAR(region.box.max[1], 0.0, 1e-9);
  EXPECT_TRUE(region.contains({5.0, -15.0, 2.0}));
  EXPECT_FALSE(region.contains({15.0, -5.0, 2.0}));
  EXPECT_FALSE(region.contains({5.0, -15.0, 3.5}));
  const auto polygon =
      read_region(parse("r: {polygon: [[0, 0], [20, 0], [0, 10]], z: [0, 1]}\n").at("r"), frame);
  EXPECT_NEAR(polygon.polygon->vertices[1][1], -20.0, 1e-9);
}

TEST(Config, ClosestKeyFindsTypos) {
  EXPECT_EQ(closest_key("hydraulic_conductivty", {"porosity", "hydraulic_conductivity"}),
            "hydraulic_conductivity");
  EXPECT_FALSE(closest_key("zzz", {"porosity", "hydraulic_conductivity"}).has_value());
}

} // namespace
} // namespace terrafate
