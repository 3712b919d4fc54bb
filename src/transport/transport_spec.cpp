#include "terrafate/transport/transport_spec.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

#include <fmt/format.h>

#include "terrafate/core/resources.hpp"

namespace terrafate {

namespace {
int species_index(const ConfigNode& node, const std::vector<SpeciesSpec>& species) {
  const std::string name = node.as_string();
  for (std::size_t s = 0; s < species.size(); ++s)
    if (species[s].name == name) return static_cast<int>(s);
  std::string known;
  for (const auto& candidate : species)
    known += (known.empty() ? "" : ", ") + candidate.name;
  throw node.error(fmt::format("unknown species '{}' (defined: {})", name, known));
}

/// {rate | half_life, sorbed_rate, zero_order_rate}: dissolved and sorbed first-order rates
/// [1/d] and the zero-order rate [mg/L/d] (alone, or with a first-order rate).
std::array<double, 3> read_decay(const ConfigNode& decay) {
  decay.expect_keys({"rate", "half_life", "sorbed_rate", "zero_order_rate"});
  const double zero_order =
      decay.quantity_or("zero_order_rate", 0.0, "mg/L/d", Range::non_negative());
  if (decay.has("zero_order_rate") && !decay.has("rate") && !decay.has("half_life") &&
      !decay.has("sorbed_rate"))
    return {0.0, 0.0, zero_order};
  const auto [rate, sorbed_rate] = read_first_order(decay);
  return {rate, sorbed_rate, zero_order};
}

void read_sorption(const ConfigNode& sorption, SpeciesSpec& species) {
  const std::string type = sorption.at("type").as_choice({"linear", "freundlich", "langmuir"});
  species.sorption_where = sorption.where();
  species.sorption_key = sorption.key_path();
  if (type == "linear") {
    sorption.expect_keys({"type", "kd", "koc"});
    if (sorption.has("kd") == sorption.has("koc"))
      throw sorption.error("give exactly one of kd and koc");
    if (sorption.has("kd")) {
      species.kd = sorption.quantity("kd", "L/kg", Range::non_negative());
    } else {
      species.sorption_from_koc = true;
      species.koc = sorption.quantity("koc", "L/kg", Range::non_negative());
    }
  } else if (type == "freundlich") {
    // Kf carries the units (mg/kg) (L/mg)^n, which depend on n: a plain number.
    sorption.expect_keys({"type", "kf", "n"});
    species.isotherm = Isotherm::freundlich;
    species.freundlich_kf = sorption.quantity("kf", "1", Range::positive());
    species.freundlich_n = sorption.quantity("n", "1", Range{0.0, 5.0, true, false});
  } else {
    sorption.expect_keys({"type", "smax", "kl"});
    species.isotherm = Isotherm::langmuir;
    species.langmuir_smax = sorption.quantity("smax", "mg/kg", Range::positive());
    species.langmuir_kl = sorption.quantity("kl", "L/mg", Range::positive());
  }
}

SpeciesSpec read_species(const ConfigNode& node) {
  node.expect_keys(
      {"name", "chemical", "diffusion", "sorption", "decay", "henry", "air_diffusion"});
  SpeciesSpec species;
  species.name = node.at("name").as_name("species");
  species.chemical = node.string_or("chemical", species.name);
  species.chemical_where = node.key_where(node.has("chemical") ? "chemical" : "name");
  species.diffusion = node.quantity_or("diffusion", 0.0, "m2/d", Range::non_negative());
  species.henry = node.quantity_or("henry", 0.0, "1", Range::non_negative());
  species.air_diffusion = node.quantity_or("air_diffusion", 0.0, "m2/d", Range::non_negative());
  if (const auto sorption = node.find("sorption")) read_sorption(*sorption, species);
  if (const auto decay = node.find("decay")) {
    const auto rates = read_decay(*decay);
    species.decay_rate = rates[0];
    species.sorbed_decay_rate = rates[1];
    species.zero_order_rate = rates[2];
    species.zero_order = rates[2] > 0.0;
  }
  return species;
}

} // namespace

std::pair<double, double> read_first_order(const ConfigNode& decay) {
  if (decay.has("rate") == decay.has("half_life"))
    throw decay.error("give exactly one of rate and half_life");
  const double rate = decay.has("rate")
                          ? decay.quantity("rate", "1/d", Range::non_negative())
                          : std::numbers::ln2 / decay.quantity("half_life", "d", Range::positive());
  return {rate, decay.quantity_or("sorbed_rate", rate, "1/d", Range::non_negative())};
}

std::vector<int> decay_network_order(const TransportSpec& spec) {
  std::vector<ReactionSpec> reactions = spec.reactions;
  for (const auto& zone : spec.zones)
    reactions.insert(reactions.end(), zone.products.begin(), zone.products.end());
  const std::size_t count = spec.species.size();
  std::vector<int> parents(count, 0);
  for (const auto& reaction : reactions)
    ++parents[static_cast<std::size_t>(reaction.daughter)];
  std::vector<int> order;
  for (std::size_t s = 0; s < count; ++s)
    if (parents[s] == 0) order.push_back(static_cast<int>(s));
  for (std::size_t next = 0; next < order.size(); ++next)
    for (const auto& reaction : reactions)
      if (reaction.parent == order[next] &&
          --parents[static_cast<std::size_t>(reaction.daughter)] == 0)
        order.push_back(reaction.daughter);
  if (order.size() != count) order.clear();
  return order;
}

TransportSpec read_transport_spec(const ConfigNode& node, const Grid& grid, const FlowSpec& flow,
                                  const std::vector<MaterialSpec>& materials) {
  node.expect_keys(
      {"advection", "species", "reactions", "zone_rates", "initial", "sources", "boundaries"});
  TransportSpec spec;
  if (const auto advection = node.find("advection"))
    spec.tvd = advection->as_choice({"tvd", "upwind"}) == "tvd";
  const ConfigNode species_node = node.at("species");
  for (const auto& entry : species_node.elements()) {
    SpeciesSpec species = read_species(entry);
    if (species.isotherm != Isotherm::linear &&
        std::any_of(materials.begin(), materials.end(),
                    [](const auto& material) { return material.immobile_porosity > 0.0; }))
      throw entry.at("sorption")
          .error(fmt::format(
              "nonlinear ({}) sorption with a dual domain (materials[].immobile) is not "
              "supported; use linear sorption",
              species.isotherm == Isotherm::freundlich ? "Freundlich" : "Langmuir"));
    for (const auto& other : spec.species)
      if (other.name == species.name)
        throw entry.at("name").error(fmt::format("species '{}' is defined twice", species.name));
    spec.species.push_back(std::move(species));
  }
  if (spec.species.empty()) throw species_node.error("at least one species is required");
  require_memory(static_cast<double>(grid.total_cells()), spec.species.size(), species_node);

  // Rates per material: the species' own everywhere, then the zone_rates overrides.
  for (const auto& species : spec.species)
    spec.decay_by_material.emplace_back(
        materials.size(), std::array<double, 3>{species.decay_rate, species.sorbed_decay_rate,
                                                species.zero_order_rate});
  if (const auto zones = node.find("zone_rates")) {
    for (const auto& entry : zones->elements()) {
      entry.expect_keys({"material", "species", "decay"});
      const ConfigNode material = entry.at("material");
      const std::string name = material.as_string();
      const auto found = std::find_if(materials.begin(), materials.end(),
                                      [&](const auto& m) { return m.name == name; });
      if (found == materials.end())
        throw material.error(fmt::format("no material named '{}'", name));
      const auto s = static_cast<std::size_t>(species_index(entry.at("species"), spec.species));
      const auto rates = read_decay(entry.at("decay"));
      spec.species[s].zero_order = spec.species[s].zero_order || rates[2] > 0.0;
      spec.decay_by_material[s][static_cast<std::size_t>(found - materials.begin())] = rates;
    }
  }

  if (const auto reactions = node.find("reactions")) {
    for (const auto& entry : reactions->elements()) {
      entry.expect_keys({"type", "from", "to", "yield"});
      entry.at("type").as_choice({"decay"});
      ReactionSpec reaction;
      reaction.parent = species_index(entry.at("from"), spec.species);
      reaction.daughter = species_index(entry.at("to"), spec.species);
      if (reaction.parent == reaction.daughter)
        throw entry.at("to").error("a species cannot decay into itself");
      reaction.yield = entry.quantity("yield", "1", Range::non_negative());
      const auto& rates = spec.decay_by_material[static_cast<std::size_t>(reaction.parent)];
      if (std::all_of(rates.begin(), rates.end(),
                      [](const auto& rate) { return rate[0] == 0.0 && rate[1] == 0.0; }))
        throw entry.at("from").error(
            fmt::format("species '{}' has no decay rate, so it produces nothing",
                        spec.species[reaction.parent].name));
      spec.reactions.push_back(reaction);
    }
  }
  spec.solve_order = decay_network_order(spec);
  if (spec.solve_order.empty()) throw node.at("reactions").error("the reactions form a cycle");

  if (const auto initial = node.find("initial")) {
    for (const auto& entry : initial->elements()) {
      entry.expect_keys({"species", "region", "concentration", "domain"});
      InitialConcentration value;
      value.species = species_index(entry.at("species"), spec.species);
      value.region = read_region(entry.at("region"), grid.frame());
      grid.require_cells_in(value.region);
      value.concentration = entry.quantity("concentration", "mg/L", Range::non_negative());
      if (const auto domain = entry.find("domain")) {
        const std::string which = domain->as_choice({"both", "mobile", "immobile"});
        value.mobile = which != "immobile";
        value.immobile = which != "mobile";
      }
      spec.initial.push_back(value);
    }
  }

  if (const auto sources = node.find("sources")) {
    for (const auto& entry : sources->elements()) {
      TransportSource source;
      const std::string type =
          entry.at("type").as_choice({"concentration", "mass_rate", "well", "napl"});
      source.species = species_index(entry.at("species"), spec.species);
      source.name = entry.string_or("name", fmt::format("sources[{}]", spec.sources.size()));
      if (type == "concentration") {
        entry.expect_keys({"name", "species", "type", "region", "concentration", "start", "end"});
        source.type = TransportSource::Type::concentration;
        source.region = read_region(entry.at("region"), grid.frame());
        grid.require_cells_in(source.region);
        source.value = entry.quantity("concentration", "mg/L", Range::non_negative());
      } else if (type == "napl") {
        entry.expect_keys({"name", "species", "type", "region", "mass", "concentration", "gamma"});
        source.type = TransportSource::Type::napl;
        source.region = read_region(entry.at("region"), grid.frame());
        grid.require_cells_in(source.region);
        source.napl_mass = entry.quantity("mass", "g", Range::positive());
        source.value = entry.quantity("concentration", "mg/L", Range::positive());
        source.gamma = entry.quantity_or("gamma", 1.0, "1", Range{0.0, 10.0, false, false});
      } else if (type == "mass_rate") {
        entry.expect_keys({"name", "species", "type", "position", "rate", "start", "end"});
        source.type = TransportSource::Type::mass_rate;
        const ConfigNode position = entry.at("position");
        source.position = grid.frame().to_grid(position.as_vector<3>("m"));
        if (!grid.inside(source.position)) throw position.error("the position is outside the grid");
        source.value = entry.quantity("rate", "g/d");
      } else {
        entry.expect_keys({"name", "species", "type", "well", "concentration", "start", "end"});
        source.type = TransportSource::Type::well;
        const ConfigNode well = entry.at("well");
        const std::string name = well.as_string();
        for (std::size_t w = 0; w < flow.wells.size(); ++w)
          if (flow.wells[w].name == name) source.well = static_cast<int>(w);
        if (source.well < 0) throw well.error(fmt::format("no flow well named '{}'", name));
        source.value = entry.quantity("concentration", "mg/L", Range::non_negative());
      }
      source.start = entry.time_point_or("start", 0.0);
      source.end = entry.time_point_or("end", source.end);
      if (!(source.end > source.start))
        throw entry.error(
            fmt::format("end {} d must be after start {} d", source.end, source.start));
      spec.sources.push_back(source);
    }
  }

  if (const auto boundaries = node.find("boundaries")) {
    for (const auto& entry : boundaries->elements()) {
      entry.expect_keys({"face", "boundary", "species", "concentration"});
      TransportBoundary boundary;
      if (entry.has("face") == entry.has("boundary"))
        throw entry.error("give either 'face' (a whole-face flow boundary) or 'boundary' (the "
                          "name of a cells, polygon or polyline flow boundary)");
      if (entry.has("face")) {
        const std::string face =
            entry.at("face").as_choice({"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"});
        for (int f = 0; f < 6; ++f)
          if (face == face_name(static_cast<Face>(f))) boundary.face = static_cast<Face>(f);
      } else {
        const ConfigNode name = entry.at("boundary");
        const std::string wanted = name.as_string();
        std::string known;
        for (std::size_t b = 0; b < flow.boundaries.size(); ++b) {
          const auto& candidate = flow.boundaries[b];
          if (candidate.form == FlowBoundary::Form::face) continue;
          known += (known.empty() ? "" : ", ") + candidate.label;
          if (candidate.label == wanted || candidate.label.ends_with(":" + wanted))
            boundary.flow_boundaries.push_back(static_cast<int>(b));
        }
        if (boundary.flow_boundaries.empty())
          throw name.error(fmt::format("no cells, polygon or polyline flow boundary is named '{}' "
                                       "(known: {})",
                                       wanted, known.empty() ? "none" : known));
      }
      boundary.species = species_index(entry.at("species"), spec.species);
      boundary.concentration = entry.quantity("concentration", "mg/L", Range::non_negative());
      spec.boundaries.push_back(boundary);
    }
  }
  return spec;
}

} // namespace terrafate
