// libFuzzer target for the deck reader: any byte string given as a deck must either be read or
// be rejected with an InputError, never crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "terrafate/run/deck.hpp"
#include "terrafate/core/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    terrafate::read_deck_text(text, "fuzz.yaml");
  } catch (const terrafate::InputError&) {
    // A clear rejection is the expected outcome for most inputs.
  }
  return 0;
}
