#include "terrafate/monitoring/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace terrafate::monitoring {

namespace {

/// Keys in order of first appearance.
template <typename Key> void remember(std::vector<Key>& order, const Key& key) {
  if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
}

std::vector<SeriesPoint> series_of(const MonitoringData& data, const std::string& well,
                                   const std::string& species) {
  std::vector<SeriesPoint> series;
  for (const auto& sample : data.samples)
    if (sample.well == well && sample.species == species)
      series.push_back({sample.time, sample.value, sample.non_detect});
  std::stable_sort(series.begin(), series.end(),
                   [](const SeriesPoint& a, const SeriesPoint& b) { return a.time < b.time; });
  return series;
}

TrendRow trend_row(const std::string& well, const std::string& species,
                   const std::vector<SeriesPoint>& series, const std::string& unit) {
  TrendRow row;
  row.well = well;
  row.species = species;
  row.n = static_cast<int>(series.size());
  row.unit = unit;
  row.trend = "N/A";
  if (series.size() < 4) return row;
  row.mann_kendall = mann_kendall(series);
  row.trend = std::string(trend_name(maros_trend(row.mann_kendall->s, row.mann_kendall->p_value,
                                                 coefficient_of_variation(series))));
  const bool two_times = series.front().time < series.back().time;
  if (two_times) row.sen_slope = sen_slope(series);
  return row;
}

const Well& find_well(const MonitoringSpec& spec, const std::string& name) {
  for (const auto& well : spec.wells)
    if (well.name == name) return well;
  throw InputError("monitoring.wells", spec.where, fmt::format("no well named '{}'", name));
}

std::string number(double value) {
  return fmt::format("{:.10g}", value);
}

} // namespace

Evidence compute_evidence(const MonitoringData& data, const MonitoringSpec& spec,
                          const EvidenceOptions& options) {
  if (!(options.period > 0.0)) throw std::invalid_argument("the sampling period must be > 0");
  Evidence evidence;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> species_order;
  for (const auto& sample : data.samples) {
    remember(pairs, {sample.well, sample.species});
    remember(species_order, sample.species);
  }

  for (const auto& [well, species] : pairs) {
    const auto series = series_of(data, well, species);
    evidence.trends.push_back(trend_row(well, species, series, "mg/L/d"));
    int detects = 0;
    double first = std::numeric_limits<double>::infinity(), last = -first;
    for (const auto& point : series)
      if (!point.non_detect) {
        ++detects;
        first = std::min(first, point.time);
        last = std::max(last, point.time);
      }
    if (detects >= 3 && last > first)
      evidence.rates.push_back({well, species, "point", point_decay_rate(series)});
  }

  for (const auto& path : spec.flow_paths) {
    double velocity = 0.0;
    if (path.seepage_velocity) {
      velocity = *path.seepage_velocity;
    } else if (const auto found = options.seepage_velocity.find(path.name);
               found != options.seepage_velocity.end()) {
      velocity = found->second;
    } else {
      throw InputError("monitoring.flow_paths", spec.where,
                       fmt::format("flow path '{}' has no seepage velocity (give "
                                   "seepage_velocity, or run the flow model)",
                                   path.name));
    }
    for (const auto& species : species_order) {
      std::vector<double> distance, concentration;
      double along = 0.0;
      for (std::size_t w = 0; w < path.wells.size(); ++w) {
        const Well& well = find_well(spec, path.wells[w]);
        if (w > 0) {
          const Well& previous = find_well(spec, path.wells[w - 1]);
          along += std::hypot(well.position[0] - previous.position[0],
                              well.position[1] - previous.position[1]);
        }
        double ln_sum = 0.0;
        int detects = 0;
        for (const auto& point : series_of(data, well.name, species))
          if (!point.non_detect && point.value > 0.0) {
            ln_sum += std::log(point.value);
            ++detects;
          }
        if (detects == 0) continue;
        distance.push_back(along);
        concentration.push_back(std::exp(ln_sum / detects));
      }
      if (distance.size() < 3) continue;
      if (distance.back() <= distance.front())
        throw InputError("monitoring.flow_paths", spec.where,
                         fmt::format("the wells of flow path '{}' are at one place", path.name));
      evidence.rates.push_back(
          {path.name, species, "bulk",
           bulk_attenuation_rate(distance, concentration, velocity, path.retardation)});
      if (path.dispersivity > 0.0)
        evidence.rates.push_back({path.name, species, "biodegradation",
                                  biodegradation_rate(distance, concentration, velocity,
                                                      path.retardation, path.dispersivity)});
    }
  }

  const double porosity_thickness =
      spec.porosity > 0.0 && spec.thickness > 0.0 ? spec.porosity * spec.thickness : 1.0;
  for (const auto& species : species_order) {
    double t0 = std::numeric_limits<double>::infinity();
    for (const auto& sample : data.samples)
      if (sample.species == species) t0 = std::min(t0, sample.time);
    // period -> well -> (sum of values, count, sum of times)
    std::map<long, std::map<std::string, std::array<double, 3>>> periods;
    for (const auto& sample : data.samples) {
      if (sample.species != species) continue;
      const auto k = static_cast<long>(std::floor((sample.time - t0) / options.period));
      auto& sums = periods[k][sample.well];
      sums[0] += sample.non_detect ? 0.5 * sample.value : sample.value;
      sums[1] += 1.0;
      sums[2] += sample.time;
    }
    std::vector<SeriesPoint> mass_series, centre_series;
    std::array<double, 3> first_centre{};
    for (const auto& [k, wells] : periods) {
      std::vector<WellValue> values;
      double time_sum = 0.0, count = 0.0;
      for (const auto& [name, sums] : wells) {
        const Well& well = find_well(spec, name);
        values.push_back({well.position, sums[0] / sums[1], well.area});
        time_sum += sums[2];
        count += sums[1];
      }
      StabilityRow row;
      row.species = species;
      row.time = time_sum / count;
      row.moments = plume_moments(values, porosity_thickness);
      if (mass_series.empty()) first_centre = row.moments.centre;
      mass_series.push_back({row.time, row.moments.mass, false});
      centre_series.push_back({row.time,
                               std::hypot(row.moments.centre[0] - first_centre[0],
                                          row.moments.centre[1] - first_centre[1]),
                               false});
      evidence.stability.push_back(row);
    }
    if (mass_series.size() >= 4) {
      evidence.trends.push_back(trend_row("plume_mass", species, mass_series, "g/d"));
      evidence.trends.push_back(trend_row("plume_centre_distance", species, centre_series, "m/d"));
    }
  }

  for (const auto& [parent, daughter] : options.ratio_pairs) {
    if (std::find(species_order.begin(), species_order.end(), parent) == species_order.end() ||
        std::find(species_order.begin(), species_order.end(), daughter) == species_order.end())
      continue;
    const auto mass_of = [&](const std::string& species) {
      const auto found = options.molar_mass.find(species);
      if (found == options.molar_mass.end())
        throw InputError("monitoring", spec.where,
                         fmt::format("no molar mass for '{}' (needed for {}/{} ratios)", species,
                                     daughter, parent));
      return found->second;
    };
    const double parent_mass = mass_of(parent), daughter_mass = mass_of(daughter);
    std::vector<std::string> wells;
    for (const auto& [well, species] : pairs)
      remember(wells, well);
    for (const auto& well : wells)
      for (const auto& point :
           daughter_parent_ratios(series_of(data, well, parent), series_of(data, well, daughter),
                                  parent_mass, daughter_mass))
        evidence.ratios.push_back({well, parent, daughter, point});
  }
  return evidence;
}

std::string trends_csv(const std::vector<TrendRow>& rows) {
  std::string text = "well,species,n,mann_kendall_s,p_value,trend,sen_slope,unit\n";
  for (const auto& row : rows)
    text += fmt::format("{},{},{},{},{},{},{},{}\n", row.well, row.species, row.n,
                        row.mann_kendall ? fmt::format("{}", row.mann_kendall->s) : "",
                        row.mann_kendall ? number(row.mann_kendall->p_value) : "", row.trend,
                        row.sen_slope ? number(*row.sen_slope) : "", row.unit);
  return text;
}

std::string rates_csv(const std::vector<RateRow>& rows) {
  std::string text = "well,species,kind,rate,rate_low,rate_high,unit\n";
  for (const auto& row : rows)
    text += fmt::format("{},{},{},{},{},{},1/d\n", row.well, row.species, row.kind,
                        number(row.rate.rate), number(row.rate.low), number(row.rate.high));
  return text;
}

std::string stability_csv(const std::vector<StabilityRow>& rows) {
  std::string text = "species,time,wells,mass,mass_unit,centre_x,centre_y,centre_z,spread_x,"
                     "spread_y,spread_z\n";
  for (const auto& row : rows) {
    const auto& m = row.moments;
    text +=
        fmt::format("{},{},{},{},g,{},{},{},{},{},{}\n", row.species, number(row.time), m.wells,
                    number(m.mass), number(m.centre[0]), number(m.centre[1]), number(m.centre[2]),
                    number(m.spread[0]), number(m.spread[1]), number(m.spread[2]));
  }
  return text;
}

std::string ratios_csv(const std::vector<RatioRow>& rows) {
  std::string text = "well,parent,daughter,time,molar_ratio,censored\n";
  for (const auto& row : rows)
    text += fmt::format("{},{},{},{},{},{}\n", row.well, row.parent, row.daughter,
                        number(row.ratio.time), number(row.ratio.ratio),
                        row.ratio.censored ? "true" : "false");
  return text;
}

} // namespace terrafate::monitoring
