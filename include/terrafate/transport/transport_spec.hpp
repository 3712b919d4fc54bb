#pragma once
// Transport input: species with sorption and decay, a decay network, initial concentrations,
// sources and boundary inflow concentrations.
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "terrafate/core/config.hpp"
#include "terrafate/flow/flow_spec.hpp"
#include "terrafate/grid/grid.hpp"
#include "terrafate/grid/materials.hpp"

namespace terrafate {

/// Equilibrium sorption isotherm: sorbed concentration S [mg/kg] as a function of the dissolved
/// concentration C [mg/L].
enum class Isotherm {
  linear,     ///< S = Kd C (Kd given, or Koc foc of each cell; Kd = 0: no sorption)
  freundlich, ///< S = Kf C^n
  langmuir    ///< S = Smax KL C / (1 + KL C)
};

struct SpeciesSpec {
  std::string name;
  std::string chemical; ///< its entry (name or CAS) in the data tables; the name by default
  SourceLocation chemical_where; ///< where `chemical:` (or, without it, `name:`) is written
  double diffusion = 0.0;        ///< [m2/d] free-water molecular diffusion coefficient
  Isotherm isotherm = Isotherm::linear;
  bool sorption_from_koc = false; ///< Kd = koc * foc of each cell
  double kd = 0.0;                ///< [L/kg] linear distribution coefficient
  double koc = 0.0;               ///< [L/kg] organic-carbon partition coefficient
  double freundlich_kf = 0.0;     ///< [(mg/kg) (L/mg)^n] Freundlich coefficient
  double freundlich_n = 1.0;      ///< [-] Freundlich exponent
  double langmuir_smax = 0.0;     ///< [mg/kg] Langmuir sorption capacity
  double langmuir_kl = 0.0;       ///< [L/mg] Langmuir affinity
  double decay_rate = 0.0;        ///< [1/d] first-order rate in the dissolved phase
  double sorbed_decay_rate = 0.0; ///< [1/d] first-order rate in the sorbed phase
  /// [mg/L/d] zero-order loss of the mobile dissolved phase while any is left
  double zero_order_rate = 0.0;
  bool zero_order = false;    ///< a zero-order rate applies in some material (own or zone_rates)
  double henry = 0.0;         ///< [-] Henry's constant, gas over water concentration (soil)
  double air_diffusion = 0.0; ///< [m2/d] free-air diffusion coefficient (soil gas)
  /// Whether sorption or zero-order decay makes the species' equations nonlinear.
  bool nonlinear() const { return isotherm != Isotherm::linear || zero_order; }
  /// Whether the species sorbs at all.
  bool sorbs() const {
    return isotherm != Isotherm::linear || (sorption_from_koc ? koc > 0.0 : kd > 0.0);
  }
  SourceLocation sorption_where; ///< where sorption was given (for errors)
  std::string sorption_key;
};

/// Parent -> daughter first-order decay: `yield` g of daughter per g of parent decayed.
struct ReactionSpec {
  int parent = 0;
  int daughter = 0;
  double yield = 0.0;
};

struct InitialConcentration {
  int species = 0;
  bool mobile = true;   ///< applies to the mobile domain
  bool immobile = true; ///< applies to the immobile domain (where there is one)
  Region region;
  double concentration = 0.0; ///< [mg/L]
};

struct TransportSource {
  /// concentration: cells held at `value`; mass_rate: g/d into one cell; well: injection
  /// concentration; napl: a NAPL source zone whose cells are held at value * (M / M0)^gamma while
  /// its mass M depletes by what dissolves from it (REMChlor's source model).
  enum class Type { concentration, mass_rate, well, napl };
  Type type = Type::concentration;
  std::string name; ///< optional in the deck; default "sources[N]"
  int species = 0;
  Region region;                                        ///< concentration
  std::array<double, 3> position{};                     ///< [m] mass_rate
  int well = -1;                                        ///< index into FlowSpec::wells (well)
  double value = 0.0;                                   ///< [mg/L] concentration or [g/d] mass rate
  double napl_mass = 0.0;                               ///< [g] initial NAPL mass M0 (napl)
  double gamma = 1.0;                                   ///< [-] source depletion exponent (napl)
  double start = 0.0;                                   ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  bool active_during(double begin, double finish) const { return start <= begin && finish <= end; }
  /// Sources that hold cells at a concentration.
  bool holds_cells() const { return type == Type::concentration || type == Type::napl; }
};

/// Concentration [mg/L] of water flowing in through a face's whole-face flow boundaries, or
/// through the named cell-list (cells, polygon, polyline) flow boundaries, e.g. a river's
/// inflow (default 0).
struct TransportBoundary {
  Face face = Face::xmin;
  /// Indices into FlowSpec::boundaries of the named cell-list boundaries; empty: by `face`.
  std::vector<int> flow_boundaries;
  int species = 0;
  double concentration = 0.0;
};

/// A region where first-order rates differ over [start, end) (an engineered treatment zone):
/// per species a rate that replaces the dissolved and sorbed first-order rates there, or a
/// factor on them; the decay there of a parent listed in `products` yields those daughters
/// instead of the decay network's.
struct ReactionZone {
  std::string name;
  Region region;
  double start = 0.0;                                   ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  std::vector<double> rate;                             ///< [1/d] per species; < 0: not replaced
  std::vector<double> factor;         ///< [-] per species, where the rate is not replaced
  std::vector<ReactionSpec> products; ///< parent -> daughter yields inside the zone
  /// [d] the replacing rates halve every reactivity_half_life from `start` (ageing)
  double reactivity_half_life = std::numeric_limits<double>::infinity();
  bool active_during(double begin, double finish) const { return start <= begin && finish <= end; }
};

/// Oxidation by an injected oxidant over [start, end): second-order kinetics in the mobile
/// dissolved phase, r_i = k_i C_i O [mg/L/d] per contaminant i, consuming demand_i g of oxidant
/// per g of i, plus a first-order natural oxidant demand k_N O.
struct OxidationSpec {
  std::string name;
  int oxidant = 0;                   ///< species index of the oxidant
  std::vector<double> rate_constant; ///< [L/mg/d] per species (0: does not react)
  std::vector<double> demand;        ///< [g oxidant / g] per species
  double natural_demand = 0.0;       ///< [1/d]
  double start = 0.0;                ///< [d]
  double end = std::numeric_limits<double>::infinity(); ///< [d]
  bool active_during(double begin, double finish) const { return start <= begin && finish <= end; }
};

struct TransportSpec {
  bool tvd = true;
  std::vector<SpeciesSpec> species;
  std::vector<ReactionSpec> reactions;
  /// Per species and material: dissolved and sorbed first-order rates [1/d] and the zero-order
  /// rate [mg/L/d] (the species' own, or a zone_rates override).
  std::vector<std::vector<std::array<double, 3>>> decay_by_material;
  /// Species indices with every parent before its daughters.
  std::vector<int> solve_order;
  std::vector<InitialConcentration> initial;
  std::vector<TransportSource> sources;
  std::vector<TransportBoundary> boundaries;
  std::vector<ReactionZone> zones;       ///< from remediation actions
  std::vector<OxidationSpec> oxidations; ///< from remediation actions
};

/// {rate | half_life, sorbed_rate}: the dissolved and sorbed first-order rates [1/d].
std::pair<double, double> read_first_order(const ConfigNode& decay);

/// Species indices with every parent before its daughters, over the decay network and the
/// zones' products; empty when they form a cycle.
std::vector<int> decay_network_order(const TransportSpec& spec);

/// Reads `transport:`; positions and regions are checked against the grid, wells against the
/// flow input and zone_rates against the material names.
TransportSpec read_transport_spec(const ConfigNode& node, const Grid& grid, const FlowSpec& flow,
                                  const std::vector<MaterialSpec>& materials);

} // namespace terrafate
