#include "terrafate/core/petsc.hpp"

namespace terrafate {

PetscSession::PetscSession(std::vector<std::string> petsc_args) : args_(std::move(petsc_args)) {
  if (args_.empty()) args_.emplace_back("terrafate");
  for (auto& arg : args_)
    argv_.push_back(arg.data());
  argv_.push_back(nullptr);
  int argc = static_cast<int>(args_.size());
  char** argv = argv_.data();
  TF_PETSC_CHECK(PetscInitialize(&argc, &argv, nullptr, nullptr));
  // Errors come back as codes and become exceptions; PETSc's own traceback would print per rank.
  TF_PETSC_CHECK(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank_);
  MPI_Comm_size(PETSC_COMM_WORLD, &size_);
}

PetscSession::~PetscSession() {
  (void)PetscFinalize();
}

} // namespace terrafate
