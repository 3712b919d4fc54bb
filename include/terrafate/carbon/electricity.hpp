#pragma once
// Electricity by calendar year and by supply: a grid factor that may change from year to year
// (published years, then a projection), run time anchored to the calendar by `time.start_date`,
// and per-action supplies (on-site photovoltaics, green-power purchase) that take a share of an
// action's electricity at their own factors. Plain C++ (no PETSc, no MPI).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "terrafate/core/calendar.hpp"
#include "terrafate/core/config.hpp"
#include "terrafate/core/csv_table.hpp"

namespace terrafate {

/// Run time anchored to the calendar: run day 0 is `start_date`.
struct CalendarAnchor {
  int year = 1970, month = 1, day = 1;
  /// [d] run time of 1 January of `calendar_year` (negative before the start).
  double run_day_of_new_year(int calendar_year) const;
  /// The calendar year that run time `t` [d] falls in.
  int year_at(double t) const;
};

/// Reads a "YYYY-MM-DD" date (`time.start_date`, core read_iso_date); InputError at the node
/// otherwise.
CalendarAnchor read_start_date(const ConfigNode& node);

/// How the grid factor continues after the last year with data.
enum class GridProjection {
  hold,   ///< the last data year's factor
  linear, ///< from the last data year's factor with the least-squares slope over the data
  target  ///< piecewise linear from the last data year through deck (year, factor) points
};

/// The grid's CO2e factor by calendar year [kg CO2e/kWh].
struct GridSeries {
  std::string name;
  std::map<int, double> data; ///< [kg CO2e/kWh] published factors by year
  std::string source, status; ///< of the data (the table's, or "deck")
  GridProjection projection = GridProjection::hold;
  std::map<int, double> targets; ///< [kg CO2e/kWh] target path points (projection: target)
  double floor = 0.0;            ///< [kg CO2e/kWh] lower bound of a linear projection
  /// [kg CO2e/kWh] before the first data year: the first year's factor; data years: the data;
  /// later years: the projection (targets held after the last target year).
  double factor(int year) const;
  /// [kg CO2e/kWh per year] the least-squares slope over the data years (0 with one year).
  double data_slope() const;
  /// True when every year has the same factor (no calendar needed).
  bool constant() const;
};

/// Reads `carbon.grid`:
///   NAME              a table row electricity:NAME (one factor), or a series of rows
///                     electricity:NAME-YYYY (year-indexed, held after the last year);
///   {series: NAME | factors: {YYYY: value, ...}, projection: hold | linear |
///    {target: {YYYY: value, ...}}, floor: value}
/// Table rows without a value are skipped (the series has the years with data).
GridSeries read_grid_series(const ConfigNode& node, const CsvTable& table);

/// Where an action's electricity comes from: shares taken by on-site photovoltaics and by a
/// green-power purchase, the rest from the grid.
struct EnergySupply {
  double pv_fraction = 0.0;           ///< [-] of the action's kWh
  double green_fraction = 0.0;        ///< [-] of the action's kWh
  std::optional<double> pv_factor;    ///< [kg CO2e/kWh] embodied; else the table's supply:pv
  std::optional<double> green_factor; ///< [kg CO2e/kWh]; else the table's supply:green_power
  std::string where;                  ///< deck file:line (for messages)
  double grid_fraction() const { return 1.0 - pv_fraction - green_fraction; }
};

/// Reads one action's supply: {pv: FRACTION | {fraction, factor}, green_power: FRACTION |
/// {fraction, factor}}; the fractions must add up to at most 1.
EnergySupply read_energy_supply(const ConfigNode& node);

/// One calendar year's part of an electricity quantity.
struct YearShare {
  int year = 0;
  double kwh = 0.0;    ///< [kWh]
  double factor = 0.0; ///< [kg CO2e/kWh]
};

/// Splits `kwh` used uniformly over run time [start, end] [d] (a point when end <= start) by
/// calendar year and applies the grid's factor of each year.
std::vector<YearShare> split_by_year(const GridSeries& grid, const CalendarAnchor& anchor,
                                     double kwh, double start, double end);

} // namespace terrafate
