#include "terrafate/run/progress.hpp"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <unistd.h>

namespace terrafate {

Progress::Progress(MPI_Comm comm, double end_time, bool quiet)
    : end_time_(end_time), start_(std::chrono::steady_clock::now()), last_draw_(start_) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  enabled_ = rank == 0 && !quiet;
  // mpirun gives rank 0 a pseudo-terminal even when its own output is a pipe or a file, so the
  // live line is kept for direct (single-process) runs on a terminal.
  const bool launched_by_mpirun =
      std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr;
  terminal_ = enabled_ && !launched_by_mpirun && isatty(fileno(stdout)) != 0;
}

std::string Progress::status(double time, long step) const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string eta = "--";
  if (time > 0.0 && end_time_ > time)
    eta = fmt::format("{:.0f} s", elapsed * (end_time_ - time) / time);
  if (end_time_ <= time) eta = "0 s";
  return fmt::format("t = {:.6g} / {:.6g} d  step {}  elapsed {:.1f} s  ETA {}", time, end_time_,
                     step, elapsed, eta);
}

void Progress::step(double time, long step) {
  if (!terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200) && time < end_time_) return;
  last_draw_ = now;
  fmt::print("\r{}\x1b[K", status(time, step));
  std::fflush(stdout);
}

void Progress::output(double time, long step) {
  if (!enabled_) return;
  if (terminal_)
    fmt::print("\r{}  [output]\x1b[K\n", status(time, step));
  else
    fmt::print("{}  [output]\n", status(time, step));
  std::fflush(stdout);
}

void Progress::finish() {
  if (terminal_) fmt::print("\n");
}

} // namespace terrafate
