#include "terrafate/run/run_result.hpp"

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/errors.hpp"

namespace terrafate {

namespace {
/// Appends numbers, counts and strings to a byte vector.
class Writer {
public:
  void count(std::size_t n) { raw(static_cast<std::uint64_t>(n)); }
  void number(double value) { raw(value); }
  void numbers(const std::vector<double>& values) {
    count(values.size());
    for (const double v : values)
      number(v);
  }
  void text(const std::string& s) {
    count(s.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void map(const std::map<std::string, double>& values) {
    count(values.size());
    for (const auto& [key, value] : values) {
      text(key);
      number(value);
    }
  }
  void texts(const std::vector<std::string>& values) {
    count(values.size());
    for (const auto& s : values)
      text(s);
  }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

private:
  template <typename T> void raw(T value) {
    std::uint8_t b[sizeof(T)];
    std::memcpy(b, &value, sizeof(T));
    bytes_.insert(bytes_.end(), b, b + sizeof(T));
  }
  std::vector<std::uint8_t> bytes_;
};

/// Reads what Writer wrote, refusing to read past the end.
class Reader {
public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t count() {
    const auto n = raw<std::uint64_t>();
    if (n > bytes_.size() - at_) throw std::runtime_error("run result: a count past the end");
    return static_cast<std::size_t>(n);
  }
  double number() { return raw<double>(); }
  std::vector<double> numbers() {
    std::vector<double> values(count());
    for (auto& v : values)
      v = number();
    return values;
  }
  std::string text() {
    const std::size_t n = count();
    std::string s(reinterpret_cast<const char*>(bytes_.data() + at_), n);
    at_ += n;
    return s;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> values(count());
    for (auto& s : values)
      s = text();
    return values;
  }
  std::map<std::string, double> map() {
    std::map<std::string, double> values;
    for (std::size_t n = count(); n > 0; --n) {
      std::string key = text();
      values[key] = number();
    }
    return values;
  }
  bool done() const { return at_ == bytes_.size(); }

private:
  template <typename T> T raw() {
    if (bytes_.size() - at_ < sizeof(T)) throw std::runtime_error("run result: truncated");
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};
} // namespace

std::vector<std::uint8_t> encode(const RunResult& result) {
  Writer w;
  w.count(result.complete ? 1 : 0);
  w.numbers(result.output_times);
  w.numbers(result.series_times);
  w.count(result.receptors.size());
  for (const auto& r : result.receptors) {
    w.text(r.name);
    for (const double v : {r.time_to_target, r.max_cancer_risk, r.time_of_max, r.max_hazard_index,
                           r.years_exceeding})
      w.number(v);
    w.numbers(r.site_cancer_risk);
    w.numbers(r.site_hazard_index);
    w.numbers(r.contaminant_cancer_risk);
    w.numbers(r.contaminant_hazard_quotient);
    w.numbers(r.standard_ratio);
    w.numbers(r.series_cancer_risk);
    w.numbers(r.series_hazard_index);
    w.numbers(r.series_standard_ratio);
  }
  w.count(result.carbon ? 1 : 0);
  if (result.carbon) {
    w.map(result.carbon->phase_tco2e);
    w.map(result.carbon->phase_cost);
    w.number(result.carbon->tco2e);
    w.number(result.carbon->cost);
    w.map(result.carbon->indicators);
    w.number(result.carbon->present_value);
    w.text(result.carbon->currency);
    w.text(result.carbon->cost_status);
  }
  w.texts(result.observations.locations);
  w.texts(result.observations.variables);
  w.numbers(result.observations.times);
  w.numbers(result.observations.values);
  w.count(result.warnings.size());
  for (const auto& warning : result.warnings)
    w.text(warning);
  return w.take();
}

RunResult decode_run_result(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  RunResult result;
  result.complete = r.count() != 0;
  result.output_times = r.numbers();
  result.series_times = r.numbers();
  result.receptors.resize(r.count());
  for (auto& receptor : result.receptors) {
    receptor.name = r.text();
    for (double* v : {&receptor.time_to_target, &receptor.max_cancer_risk, &receptor.time_of_max,
                      &receptor.max_hazard_index, &receptor.years_exceeding})
      *v = r.number();
    receptor.site_cancer_risk = r.numbers();
    receptor.site_hazard_index = r.numbers();
    receptor.contaminant_cancer_risk = r.numbers();
    receptor.contaminant_hazard_quotient = r.numbers();
    receptor.standard_ratio = r.numbers();
    receptor.series_cancer_risk = r.numbers();
    receptor.series_hazard_index = r.numbers();
    receptor.series_standard_ratio = r.numbers();
  }
  if (r.count() != 0) {
    CarbonResult carbon;
    carbon.phase_tco2e = r.map();
    carbon.phase_cost = r.map();
    carbon.tco2e = r.number();
    carbon.cost = r.number();
    carbon.indicators = r.map();
    carbon.present_value = r.number();
    carbon.currency = r.text();
    carbon.cost_status = r.text();
    result.carbon = carbon;
  }
  result.observations.locations = r.texts();
  result.observations.variables = r.texts();
  result.observations.times = r.numbers();
  result.observations.values = r.numbers();
  result.warnings.resize(r.count());
  for (auto& warning : result.warnings)
    warning = r.text();
  if (!r.done()) throw std::runtime_error("run result: bytes after the end of the encoding");
  return result;
}

RunResult read_risk_results(const std::filesystem::path& folder) {
  RunResult result;
  result.complete = true;
  const auto compliance = read_csv_table(folder / "compliance.csv");
  for (const auto& row : compliance.rows) {
    ReceptorResult receptor;
    receptor.name = row[compliance.column("receptor")];
    receptor.time_to_target = std::stod(row[compliance.column("time_to_target")]);
    receptor.max_cancer_risk = std::stod(row[compliance.column("max_cancer_risk")]);
    receptor.time_of_max = std::stod(row[compliance.column("time_of_max")]);
    receptor.max_hazard_index = std::stod(row[compliance.column("max_hazard_index")]);
    receptor.years_exceeding = std::stod(row[compliance.column("years_exceeding")]);
    result.receptors.push_back(receptor);
  }
  const auto risk = read_csv_table(folder / "risk.csv");
  for (const auto& row : risk.rows) {
    if (row[risk.column("species")] != "all") continue;
    const double t = std::stod(row[risk.column("time")]);
    if (result.output_times.empty() || result.output_times.back() != t)
      result.output_times.push_back(t);
    for (auto& receptor : result.receptors)
      if (receptor.name == row[risk.column("receptor")]) {
        receptor.site_cancer_risk.push_back(std::stod(row[risk.column("cancer_risk")]));
        receptor.site_hazard_index.push_back(std::stod(row[risk.column("hazard_quotient")]));
      }
  }
  // The series at every step (time-major, the receptors in compliance.csv's order).
  const auto series_path = folder / "receptor_series.csv";
  if (!std::filesystem::exists(series_path))
    throw InputError(fmt::format("{} is missing: the run that wrote {} predates the per-step "
                                 "series; run it again",
                                 series_path.string(), folder.string()));
  const auto series = read_csv_table(series_path);
  const auto time = series.column("time"), name = series.column("receptor");
  const auto cancer = series.column("max_cancer_risk"), hazard = series.column("max_hazard_index");
  const auto standard = series.column("max_standard_ratio");
  for (const auto& row : series.rows) {
    const double t = std::stod(row[time]);
    if (result.series_times.empty() || result.series_times.back() != t)
      result.series_times.push_back(t);
    for (auto& receptor : result.receptors)
      if (receptor.name == row[name]) {
        receptor.series_cancer_risk.push_back(std::stod(row[cancer]));
        receptor.series_hazard_index.push_back(std::stod(row[hazard]));
        receptor.series_standard_ratio.push_back(std::stod(row[standard])); // "nan": NaN
      }
  }
  return result;
}

} // namespace terrafate
