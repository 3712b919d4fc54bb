#include "terrafate/core/errors.hpp"

#include <fmt/format.h>

namespace terrafate {

namespace {
std::string describe(const std::string& key_path, const SourceLocation& where,
                     const std::string& message) {
  std::string text;
  if (!where.file.empty()) {
    text += where.file;
    if (where.line > 0) text += fmt::format(":{}", where.line);
    text += ": ";
  }
  if (!key_path.empty()) text += fmt::format("'{}': ", key_path);
  return text + message;
}
} // namespace

InputError::InputError(std::string key_path, SourceLocation where, const std::string& message)
    : std::runtime_error(describe(key_path, where, message)), key_path_(std::move(key_path)),
      where_(std::move(where)) {}

InputError::InputError(const std::string& message) : std::runtime_error(message) {}

PetscError::PetscError(int code, const std::string& call, const char* file, int line)
    : std::runtime_error(fmt::format("PETSc error {} in {} ({}:{})", code, call, file, line)),
      code_(code) {}

} // namespace terrafate
