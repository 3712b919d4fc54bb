#include "terrafate/studies/evidence.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/errors.hpp"
#include "terrafate/io/atomic_file.hpp"
#include "terrafate/monitoring/evidence.hpp"
#include "terrafate/risk/chemicals.hpp"
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
} // namespace

MonitoringInput read_monitoring_input(const Deck& deck) {
  const auto node = deck.root.find("monitoring");
  if (!node)
    throw InputError("monitoring", SourceLocation{deck.path.string(), 0, 0},
                     "the deck has no monitoring: section (data, wells)");
  const auto deck_folder =
      deck.path.has_parent_path() ? deck.path.parent_path() : std::filesystem::path(".");
  MonitoringInput input{monitoring::read_monitoring_spec(*node, deck_folder), {}};
  input.data = monitoring::read_monitoring_csv(input.spec.data, deck.time.start_date);
  monitoring::check_samples_against_wells(input.data, input.spec);
  if (const auto assimilation = deck.root.find("assimilation"))
    monitoring::read_assimilation_spec(*assimilation, deck.root);
  return input;
}

void run_evidence(MPI_Comm comm, const Deck& deck, const std::filesystem::path& output_folder,
                  bool overwrite) {
  const MonitoringInput input = read_monitoring_input(deck);
  monitoring::EvidenceOptions options;
  add_ethene_ratios(input.data, options);
  const monitoring::Evidence evidence =
      monitoring::compute_evidence(input.data, input.spec, options);
  prepare_output_folder(comm, output_folder, overwrite);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    io::write_file_atomically(output_folder / "trends.csv",
                              monitoring::trends_csv(evidence.trends));
    io::write_file_atomically(output_folder / "rates.csv", monitoring::rates_csv(evidence.rates));
    io::write_file_atomically(output_folder / "stability.csv",
                              monitoring::stability_csv(evidence.stability));
    io::write_file_atomically(output_folder / "ratios.csv",
                              monitoring::ratios_csv(evidence.ratios));
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
