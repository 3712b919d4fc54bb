#pragma once
// Typed errors of terrafate. Every failure that reaches the user is one of these; the
// application maps them to exit codes (InputError 2, NumericalError 3, anything else 1).
#include <stdexcept>
#include <string>

namespace terrafate {

/// Where a value came from in an input file (1-based line; 0 when unknown).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Invalid input: the deck, a referenced data file or the command line.
class InputError : public std::runtime_error {
public:
  InputError(std::string key_path, SourceLocation where, const std::string& message);
  explicit InputError(const std::string& message);
  const std::string& key_path() const { return key_path_; }
  const SourceLocation& where() const { return where_; }

private:
  std::string key_path_;
  SourceLocation where_;
};

/// A solver failed to converge, or produced a non-finite value.
class NumericalError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A PETSc call returned an error code.
class PetscError : public std::runtime_error {
public:
  PetscError(int code, const std::string& call, const char* file, int line);
  int code() const { return code_; }

private:
  int code_;
};

/// Reading or writing a file failed (a full disk, a missing permission, a planted link): the
/// message names the path and the system's reason ("No space left on device"). Exit code 1.
class IoError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A run stopped by SIGTERM or SIGINT after writing a checkpoint.
class RunInterrupted : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Exit codes of the terrafate executable; 75 (EX_TEMPFAIL): stopped by a signal after writing
/// a checkpoint, to be restarted.
enum ExitCode : int {
  kExitOk = 0,
  kExitOther = 1,
  kExitInput = 2,
  kExitNumerical = 3,
  kExitInterrupted = 75
};

} // namespace terrafate
