#include "terrafate/io/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace terrafate::io {

void write_file_atomically(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream stream(partial, std::ios::binary | std::ios::trunc);
    if (!stream)
      throw std::runtime_error("cannot write " + partial.string() + ": " + std::strerror(errno));
    stream.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    stream.flush();
    if (!stream) throw std::runtime_error("write failed for " + partial.string());
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + partial.string() + ": " + ec.message());
}

} // namespace terrafate::io
