// The deck reader's defences against hostile decks (issue 26): one YAML document, plain keys,
// UTF-8, finite and plausible quantities, safe names, and the early memory and step refusals.
// Each expectation is a hand-worked case: the line of the offending byte or key, the bound.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "terrafate/core/config.hpp"
#include "terrafate/core/resources.hpp"

namespace terrafate {
namespace {

ConfigNode parse(const std::string& text) {
  return ConfigNode::load_string(text, "deck.yaml");
}

/// The InputError `action` throws (fails the test when none is thrown).
template <typename Action> InputError input_error(Action action) {
  try {
    action();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("none");
}

TEST(DeckReader, SecondDocumentIsAnErrorAtItsMarker) {
  const auto e = input_error([] { parse("title: a\ngrid: {}\n---\ntitle: b\n"); });
  EXPECT_EQ(e.where().file, "deck.yaml");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_NE(std::string(e.what()).find("second YAML document"), std::string::npos);
  // An explicit start of the one document, and its end marker alone, are fine.
  EXPECT_NO_THROW(parse("---\ntitle: a\n...\n"));
  EXPECT_EQ(input_error([] { parse("---\ntitle: a\n---\n"); }).where().line, 3);
  EXPECT_EQ(input_error([] { parse("title: a\n...\ntitle: b\n"); }).where().line, 2);
  // Texts on which yaml-cpp 0.7's LoadAll never returns (found by tests/fuzz) end in an error.
  EXPECT_THROW(parse(",ydrz"), InputError);
  EXPECT_THROW(parse("title: a\n...\n,ydrz\n"), InputError);
}

TEST(DeckReader, InvalidUtf8IsAnErrorAtItsLine) {
  EXPECT_EQ(input_error([] { parse("title: a\ntitle2: b\xff\n"); }).where().line, 2);
  // Overlong '/' (C0 AF), a UTF-16 surrogate (ED A0 80), above U+10FFFF (F4 90 80 80), and a
  // sequence cut by the end of the text.
  for (const char* bad :
       {"t: \xC0\xAF\n", "t: \xED\xA0\x80\n", "t: \xF4\x90\x80\x80\n", "t: \xE2\x82"})
    EXPECT_EQ(input_error([&] { parse(bad); }).where().line, 1) << bad;
  // Well-formed multi-byte text: e (2 bytes), the euro sign (3), U+1F600 (4).
  EXPECT_NO_THROW(parse("title: \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n"));
}

TEST(DeckReader, ListAsKeyOfAFreeKeyMapIsAnInputError) {
  const auto root = parse("rates:\n  PCE: 1\n  ? [a, b]\n  : 2\n");
  const auto e = input_error([&] { (void)root.at("rates").keys(); });
  EXPECT_EQ(e.key_path(), "rates");
  EXPECT_EQ(e.where().line, 3);
  const auto closed = input_error([&] { root.at("rates").expect_keys({"PCE"}); });
  EXPECT_EQ(closed.where().line, 3);
}

TEST(DeckReader, NonFiniteNumbersAreRejected) {
  const auto root = parse("a: .nan\nb: .inf\nc: 1e400\nd: -.inf\ne: nan\nf: \"1e308 km\"\n");
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) {
    const auto e = input_error([&] { (void)root.quantity(key, "1"); });
    EXPECT_EQ(e.key_path(), key);
  }
}

TEST(DeckReader, ImplausibleQuantitiesNameKeyAndLine) {
  const auto root = parse("k: \"1e300 km/s\"\nsize: [1e-300, 1, 1]\nmax_step: 1e-300\n"
                          "end: 1e200\nok_k: \"1e-3 m/s\"\norigin: [0, 5e6, -100]\n");
  auto e = input_error([&] { (void)root.quantity("k", "m/d"); });
  EXPECT_EQ(e.key_path(), "k");
  EXPECT_EQ(e.where().line, 1);
  EXPECT_NE(std::string(e.what()).find("implausibly large"), std::string::npos);
  e = input_error([&] { (void)root.at("size").as_vector<3>("m", Range::positive()); });
  EXPECT_EQ(e.key_path(), "size[0]");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_EQ(input_error([&] { (void)root.quantity("max_step", "d"); }).where().line, 3);
  EXPECT_EQ(input_error([&] { (void)root.quantity("end", "d"); }).where().line, 4);
  // 1e-3 m/s = 86.4 m/d; a UTM northing and a negative elevation are plausible.
  EXPECT_DOUBLE_EQ(root.quantity("ok_k", "m/d"), 86.4);
  EXPECT_NO_THROW((void)root.at("origin").as_vector<3>("m"));
}

TEST(DeckReader, PlausibleMagnitudesByUnit) {
  EXPECT_EQ(plausible_magnitudes("m").max_magnitude, 1e8);
  EXPECT_EQ(plausible_magnitudes("d").min_magnitude, 1e-9);
  EXPECT_EQ(plausible_magnitudes("mg/L").max_magnitude, 1e30);
}

TEST(Names, AcceptedAndRejected) {
  for (const char* good : {"PCE", "cis-1.2-DCE", "MW_01", "a+b", "...", "x"})
    EXPECT_FALSE(invalid_name_reason(good).has_value()) << good;
  EXPECT_FALSE(invalid_name_reason(std::string(64, 'a')).has_value());
  for (const std::string bad :
       {std::string(""), std::string("."), std::string(".."), std::string("a,b"),
        std::string("a\nb"), std::string("a/b"), std::string("a b"), std::string("a\"b"),
        std::string(65, 'a'), std::string("caf\xC3\xA9")})
    EXPECT_TRUE(invalid_name_reason(bad).has_value()) << bad;
}

TEST(Names, AsNameNamesKindKeyAndLine) {
  const auto root = parse("species:\n  - {name: PCE}\n  - {name: \"T,CE\"}\n");
  const auto entries = root.at("species").elements();
  EXPECT_EQ(entries[0].at("name").as_name("species"), "PCE");
  const auto e = input_error([&] { (void)entries[1].at("name").as_name("species"); });
  EXPECT_EQ(e.key_path(), "species[1].name");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_NE(std::string(e.what()).find("invalid species name"), std::string::npos);
}

TEST(Resources, EstimateFollowsTheMeasuredBytesPerCell) {
  // 60 MB fixed + 805 B/cell (flow), 1137 B/cell (one species), +287 B/cell per species.
  EXPECT_DOUBLE_EQ(estimate_run_bytes(1e6, 0), 60e6 + 805e6);
  EXPECT_DOUBLE_EQ(estimate_run_bytes(2e5, 1), 60e6 + 2e5 * 1137.0);
  EXPECT_DOUBLE_EQ(estimate_run_bytes(2e5, 4), 60e6 + 2e5 * (1137.0 + 3 * 287.0));
  // plume_200k measured 274 MiB peak: the estimate is within 2 %.
  EXPECT_NEAR(estimate_run_bytes(2e5, 1) / (274.0 * 1024 * 1024), 1.0, 0.02);
}

TEST(Resources, ReadsMemAvailable) {
  const auto path = std::filesystem::temp_directory_path() / "terrafate_meminfo_test";
  std::ofstream(path) << "MemTotal:       32000000 kB\nMemFree:  100 kB\n"
                         "MemAvailable:   21365940 kB\nBuffers: 5 kB\n";
  EXPECT_DOUBLE_EQ(*available_memory_bytes(path), 21365940.0 * 1024);
  std::ofstream(path) << "MemTotal: 1 kB\n";
  EXPECT_FALSE(available_memory_bytes(path).has_value());
  std::filesystem::remove(path);
}

TEST(Resources, RefusesWhatDoesNotFit) {
  const auto root = parse("grid:\n  cells: [1000, 1000, 1000]\n");
  const auto cells = root.at("grid").at("cells");
  // 1e9 cells of flow: 60 MB + 805 GB.
  const auto e = input_error([&] { check_memory(1e9, 0, 64e9, cells); });
  EXPECT_EQ(e.key_path(), "grid.cells");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_NE(std::string(e.what()).find("805 GB"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("64 GB"), std::string::npos);
  EXPECT_NO_THROW(check_memory(2e5, 1, 1e9, cells));            // 287 MB in 1 GB
  EXPECT_THROW(check_memory(2e5, 3, 0.3e9, cells), InputError); // 0.35 GB in 0.3 GB
}

TEST(Resources, RefusesMoreThanTenMillionSteps) {
  const auto time = parse("time: {end: 1e6, max_step: 0.01}\n").at("time");
  const auto e = input_error([&] { require_step_count(1e6, 0.01, time); }); // 1e8 steps
  EXPECT_EQ(e.key_path(), "time");
  EXPECT_NE(std::string(e.what()).find("1e+08 time steps"), std::string::npos);
  EXPECT_NO_THROW(require_step_count(1e6, 0.1, time)); // exactly 1e7
}

} // namespace
} // namespace terrafate
