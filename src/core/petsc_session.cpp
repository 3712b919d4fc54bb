#include "terrafate/core/petsc.hpp"

#include <cctype>
#include <cstdlib>
#include <sstream>

#include "terrafate/core/resources.hpp"

namespace terrafate {

PetscSession::PetscSession(std::vector<std::string> petsc_args,
                           const std::filesystem::path& options_file)
    : args_(std::move(petsc_args)) {
  if (args_.empty()) args_.emplace_back("terrafate");
  // First among the options, so the command line cannot be read as turning it off by accident.
  args_.insert(args_.begin() + 1, "-skip_petscrc");
  for (auto& arg : args_)
    argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  int argc = static_cast<int>(args_.size());
  char** argv = argv_.data();
  unsetenv("PETSC_OPTIONS");
  unsetenv("PETSC_OPTIONS_YAML");
  const std::string file = options_file.string();
  TF_PETSC_CHECK(PetscInitialize(&argc, &argv, file.empty() ? nullptr : file.c_str(), nullptr));
  // Errors come back as codes and become exceptions; PETSc's own traceback would print per rank.
  TF_PETSC_CHECK(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank_);
  MPI_Comm_size(PETSC_COMM_WORLD, &size_);
  // The memory of the run's hosts: each host's first rank reads its MemAvailable; the sum is
  // the same on every rank, so a refusal happens on all of them or none.
  MPI_Comm host = MPI_COMM_NULL;
  MPI_Comm_split_type(PETSC_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &host);
  int host_rank = 0;
  MPI_Comm_rank(host, &host_rank);
  MPI_Comm_free(&host);
  const auto local = host_rank == 0 ? available_memory_bytes() : std::optional<double>(0.0);
  double values[2] = {local.value_or(0.0), local ? 0.0 : 1.0}, sums[2] = {0.0, 0.0};
  MPI_Allreduce(values, sums, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  if (sums[1] == 0.0) set_available_memory(sums[0]); // every host's figure is known
}

PetscSession::~PetscSession() {
  (void)PetscFinalize();
}

std::vector<std::pair<std::string, std::string>> petsc_options_in_effect() {
  char* all = nullptr;
  TF_PETSC_CHECK(PetscOptionsGetAll(nullptr, &all));
  std::istringstream tokens(all ? all : "");
  TF_PETSC_CHECK(PetscFree(all));
  std::vector<std::pair<std::string, std::string>> options;
  std::string token;
  while (tokens >> token) {
    // An option is a dash and a letter; anything else (e.g. -1) is the previous one's value.
    const bool name =
        token.size() > 1 && token[0] == '-' && std::isalpha(static_cast<unsigned char>(token[1]));
    if (name || options.empty())
      options.emplace_back(token, "");
    else
      options.back().second += (options.back().second.empty() ? "" : " ") + token;
  }
  return options;
}

} // namespace terrafate
