// GoogleTest main for tests that need PETSc/MPI: one PETSc session for the whole binary, output
// from rank 0 only, and a failure on any rank fails every rank.
#include <gtest/gtest.h>

#include "terrafate/core/petsc.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int result = 1;
  {
    terrafate::PetscSession session(std::vector<std::string>(argv, argv + argc));
    if (session.rank() != 0) {
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
    result = RUN_ALL_TESTS();
    MPI_Allreduce(MPI_IN_PLACE, &result, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  }
  return result;
}
