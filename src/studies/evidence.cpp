#include "terrafate/studies/evidence.hpp"

#include "terrafate/core/calendar.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/errors.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/monitoring/evidence.hpp"
#include "terrafate/risk/chemicals.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/run/simulation.hpp"

namespace terrafate {

namespace {
/// CAS numbers of the chlorinated ethenes in reductive dechlorination order: PCE, TCE,
/// cis-1,2-DCE, vinyl chloride.
constexpr std::array<const char*, 4> kEthenes{"127-18-4", "79-01-6", "156-59-2", "75-01-4"};

/// Daughter/parent pairs of consecutive chlorinated ethenes among the sampled species, with
/// their molar masses from data/chemicals.csv.
void add_ethene_ratios(const monitoring::MonitoringData& data,
                       monitoring::EvidenceOptions& options) {
  std::vector<std::string> species;
  for (const auto& sample : data.samples)
    if (std::find(species.begin(), species.end(), sample.species) == species.end())
      species.push_back(sample.species);
  const auto chemicals = read_chemicals(read_csv_table(data_table_path("chemicals.csv")));
  std::array<const Chemical*, kEthenes.size()> chemical{};
  std::array<std::string, kEthenes.size()> name;
  for (const auto& sampled : species) {
    const Chemical* found = find_chemical(chemicals, sampled);
    if (found == nullptr) continue;
    for (std::size_t n = 0; n < kEthenes.size(); ++n)
      if (found->cas == kEthenes[n] && chemical[n] == nullptr) {
        chemical[n] = found;
        name[n] = sampled;
      }
  }
  for (std::size_t n = 0; n + 1 < kEthenes.size(); ++n) {
    if (chemical[n] == nullptr || chemical[n + 1] == nullptr) continue;
    options.ratio_pairs.emplace_back(name[n], name[n + 1]);
    options.molar_mass[name[n]] = chemical[n]->molecular_weight;
    options.molar_mass[name[n + 1]] = chemical[n + 1]->molecular_weight;
  }
}
/// [m/d] per flow path without a `seepage_velocity`: the mean over its wells of the seepage speed
/// |q| / n of the steady flow of the first stress period, interpolated at the well (a screened
/// well at its screen's mid-point). Collective; empty when every path gives its velocity.
std::map<std::string, double> model_seepage_velocities(MPI_Comm comm, const Deck& deck,
                                                       const monitoring::MonitoringSpec& spec) {
  std::map<std::string, double> velocities;
  if (std::all_of(spec.flow_paths.begin(), spec.flow_paths.end(),
                  [](const auto& path) { return path.seepage_velocity.has_value(); }))
    return velocities;
  std::vector<ObservationPointSpec> points;
  for (const auto& well : spec.wells)
    points.push_back(
        {well.name, deck.grid.frame.to_grid(well.position), spec.where, "monitoring.wells"});
  const std::vector<double> at_wells = steady_flow_speed_at(comm, deck, points, true);
  for (const auto& path : spec.flow_paths) {
    if (path.seepage_velocity) continue;
    double sum = 0.0;
    for (const auto& name : path.wells)
      for (std::size_t w = 0; w < spec.wells.size(); ++w)
        if (spec.wells[w].name == name) sum += at_wells[w];
    velocities[path.name] = sum / static_cast<double>(path.wells.size());
  }
  return velocities;
}
} // namespace

std::vector<double> steady_flow_speed_at(MPI_Comm comm, const Deck& deck,
                                         const std::vector<ObservationPointSpec>& points,
                                         bool seepage) {
  const Model model(comm, deck);
  FlowSolver flow(model.grid, model.materials, model.flow);
  const auto periods = stress_periods(model.flow, deck.time.end);
  flow.solve_steady(periods.front(), periods.size() > 1 ? periods[1] : periods.front());
  const std::vector<double> flux = flow.cell_darcy_flux();
  VecHandle speed;
  TF_PETSC_CHECK(DMCreateGlobalVector(model.grid.dm(), speed.out()));
  {
    DmdaArrayWrite<PetscScalar***> values(model.grid.dm(), speed);
    const Grid& grid = model.grid;
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
          const long n = grid.owned_index(i, j, k);
          const double qx = flux[3 * n], qy = flux[3 * n + 1], qz = flux[3 * n + 2];
          values.get()[k][j][i] = std::sqrt(qx * qx + qy * qy + qz * qz) /
                                  (seepage ? model.materials.porosity(n) : 1.0);
        }
  }
  const PointSampler sampler(model.grid, points);
  std::vector<double> at_points = sampler.sample(speed);
  MPI_Bcast(at_points.data(), static_cast<int>(at_points.size()), MPI_DOUBLE, 0, comm);
  return at_points;
}

MonitoringInput read_monitoring_input(const Deck& deck, const std::filesystem::path& data) {
  const auto node = deck.root.find("monitoring");
  if (!node)
    throw InputError("monitoring", SourceLocation{deck.path.string(), 0, 0},
                     "the deck has no monitoring: section (data, wells)");
  const auto deck_folder =
      deck.path.has_parent_path() ? deck.path.parent_path() : std::filesystem::path(".");
  MonitoringInput input{monitoring::read_monitoring_spec(*node, deck_folder), {}};
  input.data =
      monitoring::read_monitoring_csv(data.empty() ? input.spec.data : data, deck.time.start_day());
  monitoring::check_samples_against_wells(input.data, input.spec);
  if (const auto assimilation = deck.root.find("assimilation"))
    monitoring::read_assimilation_spec(*assimilation, deck.root);
  return input;
}

void run_evidence(MPI_Comm comm, const Deck& deck, const std::filesystem::path& requested_folder,
                  bool overwrite) {
  const std::filesystem::path output_folder =
      requested_folder.empty() ? std::filesystem::path(deck.path.stem().string() + "_evidence")
                               : requested_folder;
  const MonitoringInput input = read_monitoring_input(deck);
  monitoring::EvidenceOptions options;
  options.seepage_velocity = model_seepage_velocities(comm, deck, input.spec);
  add_ethene_ratios(input.data, options);
  const monitoring::Evidence evidence =
      monitoring::compute_evidence(input.data, input.spec, options);
  const std::optional<long> start_day = deck.time.start_day(); // the tables' date column
  // Held to the end: the lock for the whole write, and the manifest records the tables as
  // this run's (a later --overwrite replaces them).
  const auto held = prepare_output_folder(comm, output_folder, overwrite);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    io::write_file_atomically(output_folder / "trends.csv",
                              monitoring::trends_csv(evidence.trends));
    io::write_file_atomically(output_folder / "rates.csv", monitoring::rates_csv(evidence.rates));
    io::write_file_atomically(
        output_folder / "stability.csv",
        add_date_column(monitoring::stability_csv(evidence.stability), "time", start_day));
    io::write_file_atomically(
        output_folder / "ratios.csv",
        add_date_column(monitoring::ratios_csv(evidence.ratios), "time", start_day));
    int increasing = 0;
    for (const auto& row : evidence.trends)
      if (row.trend == "Increasing" || row.trend == "Probably Increasing") ++increasing;
    fmt::print("{}: {} samples, {} trends ({} increasing), {} rates, {} plume periods, {} ratios "
               "-> {}\n",
               input.data.path.string(), input.data.samples.size(), evidence.trends.size(),
               increasing, evidence.rates.size(), evidence.stability.size(), evidence.ratios.size(),
               output_folder.string());
  }
  MPI_Barrier(comm);
}

} // namespace terrafate
