// A deterministic mutation fuzzer over the whole deck-to-model path (deck_path.hpp): every
// mutant of the seed decks must validate (0) or be refused with exit 2 or 3, never crash, hang
// or throw anything else.
//
// Why a driver of our own and not libFuzzer here: libFuzzer's coverage feedback needs the whole
// library (about 70 translation units, PETSc, VTK, HDF5 and pagmo users) compiled by clang with
// -fsanitize=fuzzer-no-link, a second full build per CI run on a machine whose build already
// takes most of its time. This driver links the library the build already has (in build-asan/
// it runs under ASan and UBSan), needs no clang, and is deterministic: mutant i of a seed value
// is the same on every machine, so a failure in CI is reproduced with the same --seed and
// --runs. The mutations are structure-aware (YAML lines, scalars, numbers, names, dictionary
// tokens, splices of two decks), which reaches far into the validation without coverage
// feedback. tests/fuzz/run_fuzz.sh keeps the libFuzzer target of the reader.
//
// Usage:
//   fuzz_deck_driver [--seconds S] [--runs N] [--seed K] [--timeout T] [--dict FILE]
//                    [--deck-path PATH] [--crash-dir DIR] [--memory-mb M] CORPUS...
//   fuzz_deck_driver --replay FILE...    validate each file once and print its exit code
// CORPUS: folders (their files, in name order) or files. Exit 0 when every input ended 0, 2 or
// 3; 1 with the input saved to --crash-dir (default .) as fuzz-failure-<seed>-<run>.yaml when
// one threw anything else, crashed (signal) or ran past --timeout seconds.
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "deck_path.hpp"

namespace {

/// splitmix64: a small deterministic generator, the same on every platform.
class Random {
public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n); n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

private:
  std::uint64_t state_;
};

// clang-format off
// Values that stress number parsing and the range checks.
const std::vector<std::string> kNumbers = {
    "0", "-0", "-1", "1", "0.5", "3", "1e300", "-1e300", "1e-300", "1e308", "1.8e308", "nan",
    ".nan", ".inf", "-.inf", "2147483647", "2147483648", "4294967296", "9223372036854775808",
    "18446744073709551616", "1e19", "1e9", "100000", "65536", "0x10", "1_000", "1e", "--1",
    "5e-324", "-2147483649", "0.0001", "1e6", "12345678901234567890123"};
// Scalars that stress names, choices and strings.
const std::vector<std::string> kScalars = {
    "", "\"\"", "''", ".", "..", "a,b", "\"a\\nb\"", "x/y", "~", "null", "true", "[]", "{}",
    "[1, 2]", "{a: 1}", "&a 1", "*a", "!!binary", "a b", "\xff\xfe", "\xc3\x28", "%", "|", ">",
    "\"\\u0000\"", std::string(65, 'a'), "1 m", "1 km/s", "2 d", "1 furlong", "5 mg/L", "1 m/d",
    "-3 m", "1e300 m"};
// clang-format on
const std::string kSpecials = ":-[]{},#&*!|>'\"%@`\n \t0123456789.eE+";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const auto end = text.find('\n', begin);
    if (end == std::string::npos) {
      lines.push_back(text.substr(begin));
      break;
    }
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += line + '\n';
  return text;
}

/// Replaces a run of digits (with its sign, point and exponent) with an interesting number.
bool replace_number(std::string& text, Random& random) {
  std::vector<std::pair<std::size_t, std::size_t>> numbers;
  for (std::size_t i = 0; i < text.size();) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      std::size_t begin = i > 0 && text[i - 1] == '-' ? i - 1 : i;
      while (i < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
              text[i] == 'e' || text[i] == 'E' ||
              ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
        ++i;
      numbers.emplace_back(begin, i - begin);
    } else {
      ++i;
    }
  }
  if (numbers.empty()) return false;
  const auto [begin, length] = numbers[random.below(numbers.size())];
  text.replace(begin, length, kNumbers[random.below(kNumbers.size())]);
  return true;
}

/// Replaces the value after a line's `key:` (or a list item's `- `) with another scalar.
bool replace_value(std::vector<std::string>& lines, Random& random,
                   const std::vector<std::string>& dictionary) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(": ") != std::string::npos || lines[i].find("- ") != std::string::npos)
      candidates.push_back(i);
  if (candidates.empty()) return false;
  std::string& line = lines[candidates[random.below(candidates.size())]];
  auto position = line.find(": ");
  if (position == std::string::npos) position = line.find("- ");
  std::string value;
  switch (random.below(3)) {
  case 0:
    value = kNumbers[random.below(kNumbers.size())];
    break;
  case 1:
    value = kScalars[random.below(kScalars.size())];
    break;
  default:
    value = dictionary.empty() ? "x" : dictionary[random.below(dictionary.size())];
    break;
  }
  line = line.substr(0, position + 2) + value;
  return true;
}

/// One mutation of `text`; `other` is another seed, for cross-overs.
void mutate_once(std::string& text, const std::string& other, Random& random,
                 const std::vector<std::string>& dictionary) {
  auto lines = split_lines(text);
  const auto other_lines = split_lines(other);
  switch (random.below(14)) {
  case 0: // flip a bit
    if (!text.empty()) text[random.below(text.size())] ^= static_cast<char>(1u << random.below(8));
    return;
  case 1: // a YAML-significant character
    if (!text.empty()) text[random.below(text.size())] = kSpecials[random.below(kSpecials.size())];
    return;
  case 2: // erase a few bytes
    if (!text.empty()) {
      const auto begin = random.below(text.size());
      text.erase(begin, 1 + random.below(16));
    }
    return;
  case 3: // insert a dictionary token
    if (!dictionary.empty())
      text.insert(random.below(text.size() + 1), dictionary[random.below(dictionary.size())]);
    return;
  case 4: // duplicate a range of bytes elsewhere
    if (!text.empty()) {
      const auto begin = random.below(text.size());
      const std::string piece = text.substr(begin, 1 + random.below(64));
      text.insert(random.below(text.size() + 1), piece);
    }
    return;
  case 5:
  case 6:
    if (!replace_number(text, random)) text += kNumbers[random.below(kNumbers.size())];
    return;
  case 7:
  case 8:
    if (replace_value(lines, random, dictionary)) text = join_lines(lines);
    return;
  case 9: // erase a line
    if (!lines.empty()) lines.erase(lines.begin() + static_cast<long>(random.below(lines.size())));
    break;
  case 10: // duplicate or swap lines
    if (lines.size() > 1) {
      const auto i = random.below(lines.size() - 1);
      if (random.chance(50))
        lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
      else
        std::swap(lines[i], lines[i + 1]);
    }
    break;
  case 11: // a line of the other deck
    if (!other_lines.empty())
      lines.insert(lines.begin() + static_cast<long>(random.below(lines.size() + 1)),
                   other_lines[random.below(other_lines.size())]);
    break;
  case 12: // change a line's indentation
    if (!lines.empty()) {
      auto& line = lines[random.below(lines.size())];
      if (random.chance(50))
        line.insert(0, random.chance(50) ? "  " : " ");
      else if (!line.empty() && line[0] == ' ')
        line.erase(0, std::min<std::size_t>(line.find_first_not_of(' '), 2));
    }
    break;
  default: // splice: this deck's beginning, the other's end
    if (!lines.empty() && !other_lines.empty()) {
      lines.resize(random.below(lines.size() + 1));
      const auto from = random.below(other_lines.size());
      lines.insert(lines.end(), other_lines.begin() + static_cast<long>(from), other_lines.end());
    }
    break;
  }
  text = join_lines(lines);
}

// The input being validated, for the signal handlers (written with write(2) only).
const std::string* g_input = nullptr;
char g_failure_path[4096] = {};
int g_timeout_seconds = 10;

void save_input_from_handler(const char* what) {
  if (g_input != nullptr && g_failure_path[0] != '\0') {
    const int fd = open(g_failure_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      (void)!write(fd, g_input->data(), g_input->size());
      close(fd);
    }
    (void)!write(STDERR_FILENO, what, std::strlen(what));
    (void)!write(STDERR_FILENO, g_failure_path, std::strlen(g_failure_path));
    (void)!write(STDERR_FILENO, "\n", 1);
  }
}

extern "C" void on_crash(int signal_number) {
  save_input_from_handler("fuzz_deck_driver: crashed on a signal; input saved to ");
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

extern "C" void on_timeout(int) {
  save_input_from_handler("fuzz_deck_driver: an input ran past the timeout; input saved to ");
  _exit(1);
}

extern "C" void on_sanitizer_death() {
  save_input_from_handler("fuzz_deck_driver: sanitizer report; input saved to ");
}

struct Options {
  double seconds = 60.0;
  long runs = -1;
  std::uint64_t seed = 1;
  std::filesystem::path dictionary, deck_path = "fuzz.yaml", crash_dir = ".";
  double memory_mb = 256.0;
  bool replay = false;
  /// --plant throw@N or hang@N: input N throws a std::logic_error or sleeps past the timeout in
  /// place of its validation (the harness's own check: it must stop with exit 1).
  std::string plant;
  long plant_run = -1;
  std::vector<std::filesystem::path> corpus;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--seconds")
      options.seconds = std::stod(value());
    else if (arg == "--runs")
      options.runs = std::stol(value());
    else if (arg == "--seed")
      options.seed = std::stoull(value());
    else if (arg == "--timeout")
      g_timeout_seconds = std::stoi(value());
    else if (arg == "--dict")
      options.dictionary = value();
    else if (arg == "--deck-path")
      options.deck_path = value();
    else if (arg == "--crash-dir")
      options.crash_dir = value();
    else if (arg == "--memory-mb")
      options.memory_mb = std::stod(value());
    else if (arg == "--replay")
      options.replay = true;
    else if (arg == "--plant") {
      const std::string plant = value();
      const auto at = plant.find('@');
      if (at == std::string::npos) throw std::runtime_error("--plant KIND@RUN");
      options.plant = plant.substr(0, at);
      options.plant_run = std::stol(plant.substr(at + 1));
    } else
      options.corpus.emplace_back(arg);
  }
  if (options.corpus.empty()) throw std::runtime_error("give the corpus (folders or files)");
  return options;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The libFuzzer/AFL dictionary format: one "token" a line (with \n, \", \\ and \xNN escapes).
std::vector<std::string> read_dictionary(const std::filesystem::path& path) {
  std::vector<std::string> tokens;
  if (path.empty()) return tokens;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find('"'), last = line.rfind('"');
    if (line.empty() || line[0] == '#' || first == std::string::npos || last <= first) continue;
    std::string token;
    for (std::size_t i = first + 1; i < last; ++i) {
      if (line[i] != '\\' || i + 1 >= last) {
        token += line[i];
      } else if (line[i + 1] == 'n') {
        token += '\n';
        ++i;
      } else if (line[i + 1] == 'x' && i + 3 < last) {
        token += static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else {
        token += line[++i];
      }
    }
    tokens.push_back(token);
  }
  return tokens;
}

} // namespace

extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

int main(int argc, char** argv) try {
  const Options options = parse(argc, argv);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : options.corpus) {
    if (std::filesystem::is_directory(entry)) {
      std::vector<std::filesystem::path> folder;
      for (const auto& file : std::filesystem::directory_iterator(entry))
        if (file.is_regular_file()) folder.push_back(file.path());
      std::sort(folder.begin(), folder.end());
      files.insert(files.end(), folder.begin(), folder.end());
    } else if (std::filesystem::is_regular_file(entry)) {
      files.push_back(entry);
    } else {
      throw std::runtime_error("no file or folder " + entry.string());
    }
  }
  if (files.empty()) throw std::runtime_error("the corpus holds no files");
  terrafate::fuzz::start_session(options.memory_mb * 1024.0 * 1024.0);

  // Under a sanitizer, its own report comes first (its handlers stay installed); otherwise the
  // harness saves the input on a fatal signal.
  if (__sanitizer_set_death_callback != nullptr)
    __sanitizer_set_death_callback(on_sanitizer_death);
  else
    for (const int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
      std::signal(signal_number, on_crash);
  std::signal(SIGALRM, on_timeout);

  std::map<int, long> exits;
  std::string input;
  g_input = &input;
  std::string message;
  const auto check = [&](const std::string& name, bool planted) {
    alarm(static_cast<unsigned>(g_timeout_seconds));
    int code = 1;
    message.clear();
    try {
      if (planted && options.plant == "throw") throw std::logic_error("planted failure");
      if (planted && options.plant == "hang") sleep(static_cast<unsigned>(g_timeout_seconds) + 5);
      code = terrafate::fuzz::validate_deck_text(input, options.deck_path, &message);
    } catch (const std::exception& e) {
      std::cerr << "fuzz_deck_driver: " << name << " threw (exit 1 in terrafate): " << e.what()
                << "\n";
    } catch (...) {
      std::cerr << "fuzz_deck_driver: " << name << " threw a non-standard exception\n";
    }
    alarm(0);
    ++exits[code];
    return code;
  };

  if (options.replay) {
    int worst = 0;
    for (const auto& file : files) {
      input = read_file(file);
      const int code = check(file.string(), false);
      std::cout << file.string() << ": exit " << code << (message.empty() ? "" : ": ") << message
                << "\n";
      if (code != 0 && code != 2 && code != 3) worst = 1;
    }
    return worst;
  }

  std::vector<std::string> seeds;
  for (const auto& file : files)
    seeds.push_back(read_file(file));
  const auto dictionary = read_dictionary(options.dictionary);
  Random random(options.seed);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  long run = 0;
  const auto summary = [&](const char* what) {
    std::cout << "fuzz_deck_driver: " << what << " " << run << " inputs (" << seeds.size()
              << " seeds, seed " << options.seed << ") in " << elapsed() << " s; exits:";
    for (const auto& [code, count] : exits)
      std::cout << " " << code << ":" << count;
    std::cout << std::endl;
  };
  for (;; ++run) {
    if (options.runs >= 0
            ? run >= options.runs
            : (run >= static_cast<long>(seeds.size()) && elapsed() >= options.seconds))
      break;
    std::string name;
    if (run < static_cast<long>(seeds.size())) {
      // Every seed once as it is, then mutants.
      input = seeds[static_cast<std::size_t>(run)];
      name = files[static_cast<std::size_t>(run)].string();
    } else {
      const auto base = random.below(seeds.size());
      input = seeds[base];
      const auto& other = seeds[random.below(seeds.size())];
      // Mostly one mutation (a near-valid deck reaches deep), sometimes a pile of them.
      const auto mutations = random.chance(60) ? 1 : 2 + random.below(random.chance(15) ? 11 : 3);
      for (std::size_t m = 0; m < mutations; ++m)
        mutate_once(input, other, random, dictionary);
      if (input.size() > 65536) input.resize(65536);
      name = "mutant " + std::to_string(run) + " of " + files[base].filename().string();
    }
    const auto failure = options.crash_dir / ("fuzz-failure-" + std::to_string(options.seed) + "-" +
                                              std::to_string(run) + ".yaml");
    std::snprintf(g_failure_path, sizeof g_failure_path, "%s", failure.c_str());
    const int code = check(name, run == options.plant_run);
    if (code != 0 && code != 2 && code != 3) {
      std::ofstream(failure, std::ios::binary) << input;
      std::cerr << "fuzz_deck_driver: input saved to " << failure.string() << "\n";
      summary("failed after");
      return 1;
    }
    if (run > 0 && (run & (run - 1)) == 0 && run >= 1024) summary("progress:");
  }
  summary("done:");
  return 0;
} catch (const std::exception& e) {
  std::cerr << "fuzz_deck_driver: " << e.what() << "\n";
  return 1;
}
