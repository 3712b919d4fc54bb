#pragma once
// The outputs of one run: the output folder, provenance.json, the CSV tables written at each
// output time (observations, budget, mass balance, soil, standards, NAPL, mass discharge) and
// the results.h5 and VTK fields.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mpi.h>

#include "terrafate/core/state_record.hpp"
#include "terrafate/flow/flow_solver.hpp"
#include "terrafate/io/results_hdf5.hpp"
#include "terrafate/io/vtk_series.hpp"
#include "terrafate/run/model.hpp"
#include "terrafate/run/observations.hpp"
#include "terrafate/run/risk_run.hpp"
#include "terrafate/run/run_result.hpp"
#include "terrafate/run/simulation.hpp"
#include "terrafate/run/table_writer.hpp"
#include "terrafate/soil/soil_columns.hpp"
#include "terrafate/soil/soil_standards.hpp"
#include "terrafate/transport/transport_solver.hpp"

namespace terrafate {

/// A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.
std::string csv_field(const std::string& text);
/// The copy of results.h5 that goes with checkpoint `checkpoint` (x.h5 -> x_results.h5).
std::filesystem::path results_snapshot_path(const std::filesystem::path& checkpoint);
/// What produced a run's outputs: program, version, ranks, start time, deck, PETSc options.
std::map<std::string, std::string> run_provenance(const Deck& deck, int ranks,
                                                  const std::vector<std::string>& petsc_arguments);

/// The solvers an output samples.
struct OutputSources {
  const FlowSolver& flow;
  TransportSolver* transport; ///< null without transport
  SoilColumns* soil;          ///< null without soil columns
  RiskRun* risk;              ///< null without risk
};

class RunOutputs {
public:
  /// Collective: opens every output of the run in `folder` (a restart: continuing the results of
  /// checkpoint `restart`, whose state is `resume`) and writes provenance.json.
  RunOutputs(MPI_Comm comm, const Deck& deck, const Model& model, const PointSampler& sampler,
             const std::filesystem::path& folder,
             const std::map<std::string, std::string>& provenance, const StateRecord* resume,
             const std::filesystem::path& restart, bool quiet);
  /// Collective: every table row and field at output time t [d].
  void write(double t, const OutputSources& parts);
  /// The interior face of each of the deck's control planes.
  const std::vector<int>& plane_faces() const { return plane_faces_; }
  /// [-] largest relative mass balance closure written so far.
  double max_mass_closure() const { return max_mass_closure_; }
  void set_max_mass_closure(double closure) { max_mass_closure_ = closure; }
  /// The tables and fields so far, into a checkpoint (results.h5 snapshot next to `path`).
  void save_state(StateRecord& record, const std::filesystem::path& path);
  /// The tables of a checkpoint, written at once (a restart may have no output left to write).
  void load_state(const StateRecord& record);
  /// Closes results.h5 under its final name.
  void finish();
  /// The observation points' values written so far (observations.csv; complete on rank 0, with
  /// no times elsewhere).
  const ObservationResult& observations() const { return observed_; }

private:
  std::vector<std::pair<TableWriter*, const char*>> tables();

  const Deck& deck_;
  const Model& model_;
  const PointSampler& sampler_;
  std::unique_ptr<io::ResultsHdf5Writer> hdf5_;
  /// Collective: /static of results.h5 (conductivity, porosity, material id).
  void write_static_fields();
  std::unique_ptr<io::VtkSeriesWriter> vtk_;
  std::optional<TableWriter> observations_, budget_table_, mass_table_, soil_table_,
      leaching_table_, standards_table_, napl_table_, discharge_table_;
  std::vector<SoilStandard> soil_standards_;
  int land_class_ = 0;
  int dual_domain_ = 0;
  std::vector<int> plane_faces_;
  double max_mass_closure_ = 0.0;
  bool root_ = false;
  ObservationResult observed_;
  /// observed_ from observations.csv's text (a restart: the rows of the checkpoint).
  void observed_from_table(const std::string& text);
};

} // namespace terrafate
