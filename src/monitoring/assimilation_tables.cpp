#include "terrafate/monitoring/assimilation_tables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "terrafate/core/random.hpp"

namespace terrafate::monitoring {

namespace {
std::string number(double value) {
  return fmt::format("{:.10g}", value);
}

std::vector<double> column(const MemberMatrix& rows, std::size_t c) {
  std::vector<double> values;
  for (const auto& row : rows)
    values.push_back(row.at(c));
  return values;
}

std::string quantiles(const std::vector<double>& values) {
  return fmt::format("{},{},{}", number(sample_quantile(values, 0.05)),
                     number(sample_quantile(values, 0.5)), number(sample_quantile(values, 0.95)));
}
} // namespace

double screen_overlap(double cell_bottom, double cell_top, double screen_bottom,
                      double screen_top) {
  return std::max(0.0, std::min(cell_top, screen_top) - std::max(cell_bottom, screen_bottom));
}

double flux_weighted_concentration(const std::vector<double>& concentration,
                                   const std::vector<double>& darcy_flux,
                                   const std::vector<double>& overlap) {
  if (concentration.size() != darcy_flux.size() || concentration.size() != overlap.size())
    throw std::invalid_argument("screen average: the sizes differ");
  double flux_weight = 0.0, flux_sum = 0.0, length = 0.0, length_sum = 0.0;
  for (std::size_t i = 0; i < concentration.size(); ++i) {
    const double w = std::abs(darcy_flux[i]) * overlap[i];
    flux_weight += w;
    flux_sum += w * concentration[i];
    length += overlap[i];
    length_sum += overlap[i] * concentration[i];
  }
  if (!(length > 0.0)) throw std::invalid_argument("screen average: the screen crosses no cell");
  return flux_weight > 0.0 ? flux_sum / flux_weight : length_sum / length;
}

double interpolate_in_time(double t0, double value0, double t1, double value1, double t) {
  if (!(t1 > t0) || t < t0 || t > t1)
    throw std::invalid_argument("interpolation in time needs t0 <= t <= t1 and t0 < t1");
  const double f = (t - t0) / (t1 - t0);
  return (1.0 - f) * value0 + f * value1;
}

std::string posterior_csv(const std::vector<AssimilationParameter>& parameters,
                          const MemberMatrix& values) {
  std::string text = "realization";
  for (const auto& parameter : parameters)
    text += fmt::format(",{}", parameter.path);
  text += "\n";
  for (std::size_t r = 0; r < values.size(); ++r) {
    text += fmt::format("{}", r);
    for (std::size_t p = 0; p < parameters.size(); ++p)
      text += fmt::format(",{}", number(values[r].at(p)));
    text += "\n";
  }
  return text;
}

std::string parameters_summary_csv(const std::vector<AssimilationParameter>& parameters,
                                   const MemberMatrix& prior, const MemberMatrix& posterior) {
  std::string text = "parameter,prior_p5,prior_p50,prior_p95,posterior_p5,posterior_p50,"
                     "posterior_p95\n";
  for (std::size_t p = 0; p < parameters.size(); ++p)
    text += fmt::format("{},{},{}\n", parameters[p].path, quantiles(column(prior, p)),
                        quantiles(column(posterior, p)));
  return text;
}

std::string fit_csv(const std::vector<Sample>& samples, const MemberMatrix& prior_simulated,
                    const MemberMatrix& posterior_simulated) {
  std::string text = "well,species,time,observed,sim_p5,sim_p50,sim_p95,stage\n";
  const std::array<std::pair<const MemberMatrix*, const char*>, 2> stages{
      {{&prior_simulated, "prior"}, {&posterior_simulated, "posterior"}}};
  for (const auto& [simulated, stage] : stages)
    for (std::size_t k = 0; k < samples.size(); ++k) {
      const auto& sample = samples[k];
      const std::string observed =
          sample.non_detect ? fmt::format("<{}", number(sample.value)) : number(sample.value);
      text += fmt::format("{},{},{},{},{},{}\n", sample.well, sample.species, number(sample.time),
                          observed, quantiles(column(*simulated, k)), stage);
    }
  return text;
}

} // namespace terrafate::monitoring
