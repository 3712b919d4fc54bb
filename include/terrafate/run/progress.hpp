#pragma once
// Progress of a run on rank 0: a live line (simulated time, step, ETA) on a terminal, a plain
// line per output time otherwise.
#include <chrono>
#include <string>

#include <mpi.h>

namespace terrafate {

class Progress {
public:
  /// `quiet`: print nothing (an ensemble member).
  Progress(MPI_Comm comm, double end_time, bool quiet = false);
  /// After each time step.
  void step(double time, long step);
  /// After each output time.
  void output(double time, long step);
  /// Ends the live line.
  void finish();

private:
  std::string status(double time, long step) const;
  bool enabled_ = false;
  bool terminal_ = false;
  double end_time_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

} // namespace terrafate
