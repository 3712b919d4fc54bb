#pragma once
// RAII for PETSc: the session (PetscInitialize/PetscFinalize), move-only handles for PETSc
// objects, and TF_PETSC_CHECK, which turns an error code into a PetscError at the call site.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <petscdmda.h>
#include <petscksp.h>

#include "terrafate/core/errors.hpp"

namespace terrafate {

/// Throws PetscError when `code` is non-zero.
inline void petsc_check(PetscErrorCode code, const char* call, const char* file, int line) {
  if (code != 0) throw PetscError(static_cast<int>(code), call, file, line);
}
#define TF_PETSC_CHECK(call) ::terrafate::petsc_check((call), #call, __FILE__, __LINE__)

/// Owns PETSc (and MPI) for the life of the process. Create it first in main.
///
/// Options come from `petsc_args` (the command line) and, when given, `options_file` only:
/// ~/.petscrc, ./.petscrc, ./petscrc (skipped with -skip_petscrc) and the PETSC_OPTIONS and
/// PETSC_OPTIONS_YAML environment variables (removed from this process's environment before
/// PetscInitialize reads them) would otherwise change results silently. Also sets the memory
/// available to the run (set_available_memory: MemAvailable summed over its hosts).
class PetscSession {
public:
  /// `petsc_args` are the PETSc options (e.g. "-flow_ksp_monitor"), program name first;
  /// `options_file`: a PETSc options file to read (--petsc-options-file), empty for none.
  explicit PetscSession(std::vector<std::string> petsc_args,
                        const std::filesystem::path& options_file = {});
  ~PetscSession();
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

private:
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int rank_ = 0;
  int size_ = 1;
};

/// Every option in PETSc's database, in its order, as (name with its dash, value; empty for a
/// flag), for provenance. Call between PetscInitialize and PetscFinalize.
std::vector<std::pair<std::string, std::string>> petsc_options_in_effect();

/// Move-only owner of a PETSc object handle `T` destroyed with `Destroy`.
template <typename T, PetscErrorCode (*Destroy)(T*)> class PetscHandle {
public:
  PetscHandle() = default;
  explicit PetscHandle(T object) : object_(object) {}
  ~PetscHandle() { reset(); }
  PetscHandle(PetscHandle&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  PetscHandle& operator=(PetscHandle&& other) noexcept {
    if (this != &other) {
      reset();
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;

  T get() const { return object_; }
  operator T() const { return object_; } // NOLINT: handles pass straight into PETSc calls
  /// Address for PETSc creation functions; releases any object held.
  T* out() {
    reset();
    return &object_;
  }
  explicit operator bool() const { return object_ != nullptr; }
  void reset() {
    if (object_ != nullptr) {
      // A destructor must not throw; a failing destroy leaks, which is the lesser harm.
      (void)Destroy(&object_);
      object_ = nullptr;
    }
  }

private:
  T object_ = nullptr;
};

using VecHandle = PetscHandle<Vec, VecDestroy>;
using MatHandle = PetscHandle<Mat, MatDestroy>;
using KspHandle = PetscHandle<KSP, KSPDestroy>;
using DmHandle = PetscHandle<DM, DMDestroy>;

/// Read access to a DMDA vector as a 3-D array [k][j][i] (global indices), released on scope exit.
template <typename Array> class DmdaArrayRead {
public:
  DmdaArrayRead(DM dm, Vec vec) : dm_(dm), vec_(vec) {
    TF_PETSC_CHECK(DMDAVecGetArrayRead(dm_, vec_, &array_));
  }
  ~DmdaArrayRead() { (void)DMDAVecRestoreArrayRead(dm_, vec_, &array_); }
  DmdaArrayRead(const DmdaArrayRead&) = delete;
  DmdaArrayRead& operator=(const DmdaArrayRead&) = delete;
  Array get() const { return static_cast<Array>(array_); }

private:
  DM dm_;
  Vec vec_;
  void* array_ = nullptr;
};

/// Write access to a DMDA vector as a 3-D array [k][j][i], released on scope exit.
template <typename Array> class DmdaArrayWrite {
public:
  DmdaArrayWrite(DM dm, Vec vec) : dm_(dm), vec_(vec) {
    TF_PETSC_CHECK(DMDAVecGetArray(dm_, vec_, &array_));
  }
  ~DmdaArrayWrite() { (void)DMDAVecRestoreArray(dm_, vec_, &array_); }
  DmdaArrayWrite(const DmdaArrayWrite&) = delete;
  DmdaArrayWrite& operator=(const DmdaArrayWrite&) = delete;
  Array get() const { return static_cast<Array>(array_); }

private:
  DM dm_;
  Vec vec_;
  void* array_ = nullptr;
};

} // namespace terrafate
