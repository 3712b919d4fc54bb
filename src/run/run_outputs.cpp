#include "terrafate/run/run_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

#include <fmt/format.h>

#include "terrafate/core/csv_table.hpp"
#include "terrafate/core/petsc.hpp"
#include "terrafate/core/version.hpp"
#include "terrafate/io/atomic_file.hpp"

namespace terrafate {

namespace {
/// A JSON string literal.
std::string json_string(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      quoted += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
      continue;
    }
    quoted += c;
  }
  return quoted + "\"";
}

std::string iso_time_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

/// OUTDIR/provenance.json: what produced the folder's outputs.
std::string provenance_json(const std::map<std::string, std::string>& provenance) {
  std::string text = "{\n";
  for (const auto& [name, value] : provenance)
    text += fmt::format("  {}: {}{}\n", json_string(name), json_string(value),
                        name == provenance.rbegin()->first ? "" : ",");
  return text + "}\n";
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : " ") + item;
  return text;
}
/// Every option in PETSc's database ("-name value" or "-flag"), from the command line and an
/// options file (--petsc-options-file) alike.
std::string options_in_effect() {
  std::vector<std::string> items;
  for (const auto& [name, value] : petsc_options_in_effect())
    items.push_back(value.empty() ? name : name + " " + value);
  return join(items);
}

/// Collective: the observation points' head and concentrations at output time t, as rows of
/// observations.csv into `table` and, when `observed` is given (rank 0), as values into it.
void sample_points(double t, const OutputSources& parts, const PointSampler& sampler,
                   const Deck& deck, const Model& model, TableWriter& table,
                   ObservationResult* observed) {
  const auto heads = sampler.sample(parts.flow.head());
  if (observed) {
    observed->times.push_back(t);
    observed->values.insert(observed->values.end(), heads.begin(), heads.end());
  }
  for (std::size_t p = 0; p < heads.size(); ++p)
    table.add(fmt::format("{},{},head,{},m", t, deck.observation_points[p].name, heads[p]));
  if (!parts.transport) return;
  const auto& species = model.transport->species;
  for (std::size_t s = 0; s < species.size(); ++s) {
    const auto values = sampler.sample(parts.transport->concentration(s));
    if (observed) observed->values.insert(observed->values.end(), values.begin(), values.end());
    for (std::size_t p = 0; p < values.size(); ++p)
      table.add(fmt::format("{},{},{},{},mg/L", t, deck.observation_points[p].name, species[s].name,
                            values[p]));
  }
}
/// [m] With layer surfaces, each node's elevation: the mean of the elevations of that layer
/// surface in the (up to four) columns around the node; (nz + 1)(ny + 1)(nx + 1) values, x
/// fastest. Empty for flat layers.
std::vector<double> node_elevations(const Grid& grid) {
  std::vector<double> elevations;
  if (!grid.has_surfaces()) return elevations;
  const int nx = grid.cells(0), ny = grid.cells(1), nz = grid.cells(2);
  elevations.reserve(static_cast<std::size_t>(nx + 1) * (ny + 1) * (nz + 1));
  for (int k = 0; k <= nz; ++k)
    for (int j = 0; j <= ny; ++j)
      for (int i = 0; i <= nx; ++i) {
        double sum = 0.0;
        int columns = 0;
        for (int cj = std::max(j - 1, 0); cj <= std::min(j, ny - 1); ++cj)
          for (int ci = std::max(i - 1, 0); ci <= std::min(i, nx - 1); ++ci) {
            sum += k < nz ? grid.cell_bottom(ci, cj, k) : grid.cell_top(ci, cj, nz - 1);
            ++columns;
          }
        elevations.push_back(sum / columns);
      }
  return elevations;
}

} // namespace

HeldOutputFolder::HeldOutputFolder(std::filesystem::path folder,
                                   std::unique_ptr<io::OutputFolderLock> lock,
                                   std::unique_ptr<io::OutputManifest> manifest,
                                   std::set<std::filesystem::path> present)
    : folder_(std::move(folder)), lock_(std::move(lock)), manifest_(std::move(manifest)),
      present_(std::move(present)) {}

HeldOutputFolder::~HeldOutputFolder() {
  if (!manifest_ || !lock_) return;
  try {
    for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
      const auto name = entry.path().filename();
      if (name == io::OutputManifest::kFileName || name == io::OutputManifest::kLockName ||
          present_.count(name))
        continue;
      manifest_->record(name);
    }
  } catch (const std::exception&) {
    // The manifest stays as it was: a later --overwrite refuses these entries, naming them.
  }
}

std::unique_ptr<HeldOutputFolder>
prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, bool overwrite) {
  return prepare_output_folder(comm, folder, overwrite ? FolderUse::overwrite : FolderUse::fresh);
}

std::unique_ptr<HeldOutputFolder>
prepare_output_folder(MPI_Comm comm, const std::filesystem::path& folder, FolderUse use) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string refusal; // rank 0's reason, broadcast so that every rank throws the same
  std::unique_ptr<HeldOutputFolder> held;
  if (rank == 0) {
    try {
      std::unique_ptr<io::OutputFolderLock> lock;
      if (use != FolderUse::shared)
        lock = std::make_unique<io::OutputFolderLock>(folder);
      else
        std::filesystem::create_directories(folder);
      auto manifest = std::make_unique<io::OutputManifest>(folder);
      std::set<std::filesystem::path> present;
      if (use == FolderUse::fresh || use == FolderUse::overwrite)
        manifest->prepare(use == FolderUse::overwrite);
      else
        for (const auto& entry : std::filesystem::directory_iterator(folder))
          if (use == FolderUse::shared) present.insert(entry.path().filename());
      held = std::make_unique<HeldOutputFolder>(folder, std::move(lock), std::move(manifest),
                                                std::move(present));
    } catch (const InputError& e) {
      refusal = e.what();
    } catch (const std::exception& e) {
      refusal = fmt::format("cannot use the output folder {}: {}", folder.string(), e.what());
    }
  }
  int length = static_cast<int>(refusal.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  refusal.resize(static_cast<std::size_t>(length));
  MPI_Bcast(refusal.data(), length, MPI_CHAR, 0, comm);
  if (!refusal.empty()) throw InputError(refusal);
  if (!held)
    held = std::make_unique<HeldOutputFolder>(folder, nullptr, nullptr,
                                              std::set<std::filesystem::path>{});
  return held;
}

/// A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

/// The copy of results.h5 that goes with checkpoint `checkpoint` (x.h5 -> x_results.h5).
std::filesystem::path results_snapshot_path(const std::filesystem::path& checkpoint) {
  std::filesystem::path path = checkpoint;
  path.replace_filename(checkpoint.stem().string() + "_results.h5");
  return path;
}

std::map<std::string, std::string> run_provenance(const Deck& deck, int ranks,
                                                  const std::vector<std::string>& petsc_arguments) {
  std::map<std::string, std::string> provenance{{"program", "terrafate"},
                                                {"version", kVersion},
                                                {"git_commit", kGitCommit},
                                                {"ranks", std::to_string(ranks)},
                                                {"start_time", iso_time_now()},
                                                {"deck_path", deck.path.string()},
                                                {"deck", deck.text},
                                                {"petsc_options", join(petsc_arguments)},
                                                {"petsc_options_in_effect", options_in_effect()}};
  // The calendar date of simulated time 0 (`time.start_date`), for readers of results.h5.
  if (deck.time.start_date) provenance["start_date"] = iso_date(*deck.time.start_date);
  return provenance;
}

void RunOutputs::write_static_fields() {
  const auto& materials = model_.materials;
  const long cells = model_.grid.owned_cells();
  std::vector<double> conductivity(static_cast<std::size_t>(3 * cells)), porosity, material;
  for (long n = 0; n < cells; ++n) {
    for (int axis = 0; axis < 3; ++axis)
      conductivity[static_cast<std::size_t>(3 * n + axis)] = materials.conductivity(n, axis);
    porosity.push_back(materials.porosity(n));
    material.push_back(materials.material_of(n));
  }
  std::vector<io::FieldView> fields = {
      {"hydraulic_conductivity", "m/d",
       "hydraulic conductivity (kx, ky, kz) at the start, this realization's random field "
       "included",
       3, conductivity.data()},
      {"porosity", "1", "porosity (mobile)", 1, porosity.data()},
      {"material_id", "1", "index of the cell's material in the deck's materials: list (from 0)", 1,
       material.data()}};
  // With grid.top / grid.bottoms: each cell's own bottom and top elevation (the grid's z nodes
  // are the column means).
  const Grid& grid = model_.grid;
  std::vector<double> bottom, top;
  if (grid.has_surfaces()) {
    for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
      for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
        for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i) {
          bottom.push_back(grid.cell_bottom(i, j, k));
          top.push_back(grid.cell_top(i, j, k));
        }
    fields.push_back(
        {"cell_bottom", "m", "bottom elevation of the cell (grid.bottoms)", 1, bottom.data()});
    fields.push_back(
        {"cell_top", "m", "top elevation of the cell (grid.top / grid.bottoms)", 1, top.data()});
  }
  hdf5_->write_static(fields);
}

RunOutputs::RunOutputs(MPI_Comm comm, const Deck& deck, const Model& model,
                       const PointSampler& sampler, const std::filesystem::path& folder,
                       const std::map<std::string, std::string>& provenance,
                       const StateRecord* resume, const std::filesystem::path& restart, bool quiet)
    : deck_(deck), model_(model), sampler_(sampler) {
  const bool root = [&] {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    return rank == 0;
  }();
  root_ = root;
  for (const auto& point : deck.observation_points)
    observed_.locations.push_back(point.name);
  observed_.variables.push_back("head");
  if (model.transport)
    for (const auto& species : model.transport->species)
      observed_.variables.push_back(species.name);
  const SiteFrame& frame = model.grid.frame();
  io::GridCoordinates coordinates{{model.grid.nodes(0), model.grid.nodes(1), model.grid.nodes(2)},
                                  {frame.crs, frame.origin, frame.rotation},
                                  node_elevations(model.grid)};
  if (deck.output.hdf5 && resume)
    hdf5_ = std::make_unique<io::ResultsHdf5Writer>(
        comm, folder / "results.h5", coordinates, local_block(model.grid),
        results_snapshot_path(restart), resume->texts.at("hdf5_outputs"));
  else if (deck.output.hdf5) {
    hdf5_ = std::make_unique<io::ResultsHdf5Writer>(comm, folder / "results.h5", coordinates,
                                                    local_block(model.grid), provenance);
    write_static_fields();
  }
  if (deck.output.vtk) {
    vtk_ = std::make_unique<io::VtkSeriesWriter>(comm, folder / "vtk", coordinates,
                                                 local_block(model.grid));
    if (resume)
      vtk_->resume(resume->value("vtk_steps"),
                   std::filesystem::path(resume->texts.at("output_folder")) / "vtk");
  }
  if (root) io::write_file_atomically(folder / "provenance.json", provenance_json(provenance));
  const std::optional<long> start_day = deck.time.start_day(); // the tables' date column
  observations_.emplace(folder / "observations.csv", "time,location,variable,value,unit", root,
                        start_day);
  budget_table_.emplace(folder / "budget.csv", "time,component,inflow,outflow,unit", root,
                        start_day);
  mass_table_.emplace(folder / "mass_balance.csv",
                      "time,species,dissolved,sorbed,immobile,inflow,outflow,sources,decayed,"
                      "produced,removed,soil,leached,volatilized,relative_closure,unit",
                      root && model.transport, start_day);
  soil_table_.emplace(folder / "soil.csv",
                      "time,zone,species,depth_top,depth_bottom,concentration_mg_per_kg",
                      root && model.soil, start_day);
  leaching_table_.emplace(folder / "leaching.csv", "time,zone,species,process,value,unit",
                          root && model.soil, start_day);
  // Soil concentrations against the GB 36600-2018 values of the deck's land use.
  land_class_ = model.soil ? model.soil->land_class : 0;
  if (land_class_ > 0) {
    soil_standards_ = gb36600_values(read_csv_table(data_table_path("standards.csv")), land_class_,
                                     model.transport->species);
    for (std::size_t s = 0; s < soil_standards_.size(); ++s)
      if (root && !quiet && !soil_standards_[s].listed)
        fmt::print("terrafate: note: no GB 36600-2018 {} land value for species '{}' (chemical "
                   "'{}') in {}: soil_standards.csv leaves it out\n",
                   land_class_ == 1 ? "first class" : "second class",
                   model.transport->species[s].name, model.transport->species[s].chemical,
                   data_table_path("standards.csv").string());
  }
  standards_table_.emplace(folder / "soil_standards.csv",
                           "time,zone,species,depth_top,depth_bottom,concentration_mg_per_kg,"
                           "land_use,screening_mg_per_kg,intervention_mg_per_kg,"
                           "exceeds_screening,exceeds_intervention,status",
                           root && land_class_ > 0, start_day);
  for (long n = 0; n < model.grid.owned_cells(); ++n)
    if (model.materials.immobile_porosity(n) > 0.0) dual_domain_ = 1;
  MPI_Allreduce(MPI_IN_PLACE, &dual_domain_, 1, MPI_INT, MPI_MAX, comm);
  const bool has_napl =
      model.transport &&
      std::any_of(model.transport->sources.begin(), model.transport->sources.end(),
                  [](const auto& source) { return source.type == TransportSource::Type::napl; });
  napl_table_.emplace(folder / "napl.csv",
                      "time,source,species,napl_mass_g,source_concentration_mg_per_L,"
                      "dissolution_g_per_d",
                      root && has_napl, start_day);
  discharge_table_.emplace(folder / "mass_discharge.csv", "time,plane,species,value,unit",
                           root && model.transport && !deck.observation_planes.empty(), start_day);
  // Each plane lies on the interior grid plane (node) nearest to its position.
  for (const auto& plane : deck.observation_planes) {
    const auto& nodes = model.grid.nodes(plane.axis);
    if (!(plane.position > nodes.front() && plane.position < nodes.back()) || nodes.size() < 3)
      throw InputError(
          plane.key_path, plane.where,
          fmt::format("the plane must lie inside the grid ({}, {})", nodes.front(), nodes.back()));
    int face = 1;
    for (int n = 1; n + 1 < static_cast<int>(nodes.size()); ++n)
      if (std::abs(nodes[n] - plane.position) < std::abs(nodes[face] - plane.position)) face = n;
    plane_faces_.push_back(face);
  }
}

void RunOutputs::write(double t, const OutputSources& parts) {
  sample_points(t, parts, sampler_, deck_, model_, *observations_, root_ ? &observed_ : nullptr);
  if (parts.transport) {
    const auto& species = model_.transport->species;
    // Groundwater and soil columns together.
    auto balances = parts.transport->balances();
    if (parts.soil) {
      const auto soil_balances = parts.soil->balances();
      for (std::size_t s = 0; s < species.size(); ++s) {
        auto& b = balances[s];
        const auto& sb = soil_balances[s];
        b.soil = sb.stored;
        b.initial_stored += sb.initial;
        b.decayed += sb.decayed;
        b.produced += sb.produced;
        b.removed += sb.removed;
        b.leached = sb.leached;
        b.volatilized = sb.volatilized;
      }
    }
    for (std::size_t s = 0; s < species.size(); ++s) {
      const auto& b = balances[s];
      max_mass_closure_ = std::max(max_mass_closure_, b.relative_closure());
      mass_table_->add(fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.3e},g", t,
                                   species[s].name, b.dissolved, b.sorbed, b.immobile, b.inflow,
                                   b.outflow, b.sources, b.decayed, b.produced, b.removed, b.soil,
                                   b.leached, b.volatilized, b.relative_closure()));
    }
    mass_table_->flush();
    if (parts.risk) parts.risk->output(t, *parts.transport, parts.soil, balances); // collective
    if (parts.soil) {
      const auto& spec = *model_.soil;
      const auto concentrations = parts.soil->zone_concentrations(); // collective
      const std::size_t intervals = spec.report_depths.size() - 1;
      for (std::size_t z = 0; z < spec.zones.size(); ++z)
        for (std::size_t k = 0; k < intervals; ++k)
          for (std::size_t s = 0; s < species.size(); ++s)
            soil_table_->add(fmt::format("{},{},{},{},{},{}", t, spec.zones[z].name,
                                         species[s].name, spec.report_depths[k],
                                         spec.report_depths[k + 1],
                                         concentrations[(z * intervals + k) * species.size() + s]));
      soil_table_->flush();
      for (std::size_t z = 0; z < spec.zones.size() && land_class_ > 0; ++z)
        for (std::size_t k = 0; k < intervals; ++k)
          for (std::size_t s = 0; s < species.size(); ++s) {
            const auto& standard = soil_standards_[s];
            if (!standard.listed) continue;
            const double value = concentrations[(z * intervals + k) * species.size() + s];
            standards_table_->add(fmt::format(
                "{},{},{},{},{},{},{},{},{},{},{},{}", t, spec.zones[z].name, species[s].name,
                spec.report_depths[k], spec.report_depths[k + 1], value,
                land_class_ == 1 ? "first_class" : "second_class", standard.screening,
                standard.intervention, value > standard.screening ? 1 : 0,
                value > standard.intervention ? 1 : 0, csv_field(standard.status)));
          }
      standards_table_->flush();
      const auto rates = parts.soil->zone_rates(); // collective
      for (std::size_t z = 0; z < spec.zones.size(); ++z)
        for (std::size_t s = 0; s < species.size(); ++s)
          for (std::size_t process = 0; process < 2; ++process)
            leaching_table_->add(fmt::format("{},{},{},{},{},g/d", t, spec.zones[z].name,
                                             species[s].name,
                                             process == 0 ? "leached" : "volatilized",
                                             rates[(z * species.size() + s) * 2 + process]));
      leaching_table_->flush();
    }
    for (std::size_t p = 0; p < plane_faces_.size(); ++p)
      for (std::size_t s = 0; s < species.size(); ++s)
        discharge_table_->add(
            fmt::format("{},{},{},{},g/d", t, deck_.observation_planes[p].name, species[s].name,
                        parts.transport->plane_discharge(s, deck_.observation_planes[p].axis,
                                                         plane_faces_[p])));
    discharge_table_->flush();
    const auto& sources = model_.transport->sources;
    for (std::size_t n = 0; n < sources.size(); ++n)
      if (sources[n].type == TransportSource::Type::napl)
        napl_table_->add(fmt::format("{},{},{},{},{},{}", t, sources[n].name,
                                     species[static_cast<std::size_t>(sources[n].species)].name,
                                     parts.transport->napl_mass(n),
                                     parts.transport->held_concentration(static_cast<int>(n)),
                                     parts.transport->napl_dissolution(n)));
    napl_table_->flush();
  }
  observations_->flush();
  for (const auto& entry : parts.flow.budget().entries)
    budget_table_->add(
        fmt::format("{},{},{},{},m3/d", t, entry.component, entry.inflow, entry.outflow));
  budget_table_->flush();
  if (hdf5_ || vtk_) {
    const auto darcy = parts.flow.cell_darcy_flux();
    std::vector<double> velocity(darcy.size());
    for (std::size_t n = 0; n < velocity.size(); ++n)
      velocity[n] = darcy[n] / model_.materials.porosity(static_cast<long>(n / 3));
    std::vector<const PetscScalar*> arrays;
    std::vector<Vec> vectors{parts.flow.head()};
    if (parts.transport)
      for (std::size_t s = 0; s < parts.transport->species_count(); ++s)
        vectors.push_back(parts.transport->concentration(s));
    for (Vec vector : vectors) {
      const PetscScalar* values = nullptr;
      TF_PETSC_CHECK(VecGetArrayRead(vector, &values));
      arrays.push_back(values);
    }
    // Inactive cells (grid.idomain) have no head: NaN in the files (blank in ParaView).
    std::vector<double> masked_head;
    const Grid& grid = model_.grid;
    if (grid.has_inactive()) {
      masked_head.assign(arrays[0], arrays[0] + grid.owned_cells());
      for (int k = grid.owned_begin(2); k < grid.owned_end(2); ++k)
        for (int j = grid.owned_begin(1); j < grid.owned_end(1); ++j)
          for (int i = grid.owned_begin(0); i < grid.owned_end(0); ++i)
            if (!grid.active(i, j, k))
              masked_head[static_cast<std::size_t>(grid.owned_index(i, j, k))] =
                  std::numeric_limits<double>::quiet_NaN();
    }
    std::vector<io::FieldView> fields{
        {"head", "m", "hydraulic head", 1, masked_head.empty() ? arrays[0] : masked_head.data()},
        {"darcy_flux", "m/d", "specific discharge at cell centres", 3, darcy.data()},
        {"velocity", "m/d", "seepage (pore) velocity: darcy_flux / porosity", 3, velocity.data()}};
    if (parts.transport)
      for (std::size_t s = 0; s < parts.transport->species_count(); ++s) {
        fields.push_back({model_.transport->species[s].name, "mg/L",
                          "dissolved concentration (mobile domain)", 1, arrays[s + 1]});
        if (dual_domain_)
          fields.push_back({model_.transport->species[s].name + "_immobile", "mg/L",
                            "dissolved concentration in the immobile domain", 1,
                            parts.transport->immobile_concentration(s).data()});
      }
    if (!deck_.output.fields.empty()) // output.fields: only those
      std::erase_if(fields, [&](const io::FieldView& field) {
        return std::find(deck_.output.fields.begin(), deck_.output.fields.end(), field.name) ==
               deck_.output.fields.end();
      });
    if (hdf5_) hdf5_->write_output(t, fields);
    if (vtk_) vtk_->write_output(t, fields);
    for (std::size_t v = 0; v < vectors.size(); ++v)
      TF_PETSC_CHECK(VecRestoreArrayRead(vectors[v], &arrays[v]));
  }
}

std::vector<std::pair<TableWriter*, const char*>> RunOutputs::tables() {
  return {{&*observations_, "observations"},      {&*budget_table_, "budget"},
          {&*mass_table_, "mass_balance"},        {&*napl_table_, "napl"},
          {&*discharge_table_, "mass_discharge"}, {&*soil_table_, "soil"},
          {&*leaching_table_, "leaching"},        {&*standards_table_, "soil_standards"}};
}

void RunOutputs::save_state(StateRecord& record, const std::filesystem::path& path) {
  for (const auto& [table, name] : tables())
    record.texts[std::string("tables/") + name] = table->text();
  if (hdf5_) {
    hdf5_->snapshot(results_snapshot_path(path));
    record.texts["hdf5_outputs"] = hdf5_->record();
  }
  if (vtk_) record.values["vtk_steps"] = vtk_->step_times();
}

void RunOutputs::load_state(const StateRecord& record) {
  for (const auto& [table, name] : tables()) {
    table->set_text(record.texts.at(std::string("tables/") + name));
    table->flush();
  }
  observed_from_table(observations_->text());
}

void RunOutputs::observed_from_table(const std::string& text) {
  observed_.times.clear();
  observed_.values.clear();
  if (!root_) return;
  // Rows "time,location,variable,value,unit" in the order write() adds them: per time, the
  // variables, each over the locations.
  const std::size_t per_time = observed_.variables.size() * observed_.locations.size();
  std::size_t at = text.find('\n') + 1; // past the header
  for (std::size_t n = 0; at < text.size(); ++n) {
    const std::size_t end = text.find('\n', at);
    const std::string row = text.substr(at, end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    const std::size_t first = row.find(',');
    const std::size_t unit = row.rfind(',');
    const std::size_t value = row.rfind(',', unit - 1);
    if (n % per_time == 0) observed_.times.push_back(std::stod(row.substr(0, first)));
    observed_.values.push_back(std::stod(row.substr(value + 1, unit - value - 1)));
  }
}

void RunOutputs::finish() {
  if (hdf5_) hdf5_->finish();
}

} // namespace terrafate
