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
  // Hosts of the run: ranks sharing memory form one node; node leaders count.
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(PETSC_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int node_rank = 0;
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_free(&node);
  int leader = node_rank == 0 ? 1 : 0, nodes = 1;
  MPI_Allreduce(&leader, &nodes, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
  set_memory_nodes(nodes);
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
