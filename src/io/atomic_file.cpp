#include "terrafate/io/atomic_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "terrafate/core/errors.hpp"

namespace terrafate::io {

namespace {
/// The system's reason for errno `code`, spelled out for a full disk.
std::string reason(int code) {
  if (code == ENOSPC) return "no space left on device";
  if (code == EDQUOT) return "disk quota exceeded (no space left for this user)";
  return std::strerror(code);
}

/// Creates "<final>.partial.<random>" exclusively (mode 0666 less the umask, as an ordinary
/// output file); returns its descriptor, `path` set to its name.
int open_fresh_partial(const std::filesystem::path& final_path, std::filesystem::path& path) {
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device entropy;
  int code = EEXIST;
  for (int attempt = 0; attempt < 100 && code == EEXIST; ++attempt) {
    std::string name = final_path.string() + ".partial.";
    for (int c = 0; c < 6; ++c)
      name += kLetters[entropy() % (sizeof kLetters - 1)];
    // O_EXCL with O_CREAT fails on any existing name, a link included; O_NOFOLLOW says so twice.
    const int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      path = name;
      return fd;
    }
    code = errno;
  }
  throw IoError(fmt::format("cannot create a file in {}: {}", final_path.parent_path().string(),
                            reason(code)));
}
} // namespace

std::filesystem::path create_fresh_partial(const std::filesystem::path& final_path) {
  std::filesystem::path path;
  const int fd = open_fresh_partial(final_path, path);
  if (close(fd) != 0) {
    const int code = errno;
    throw IoError(fmt::format("cannot create {}: {}", path.string(), reason(code)));
  }
  return path;
}

void rename_into_place(const std::filesystem::path& partial,
                       const std::filesystem::path& final_path) {
  if (std::rename(partial.c_str(), final_path.c_str()) != 0) {
    const int code = errno;
    throw IoError(fmt::format("cannot rename {} to {}: {}", partial.string(), final_path.string(),
                              reason(code)));
  }
}

namespace {
/// Writes all of `data` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

/// Closes `fd`; when `code` (or the close) reports a failure, removes `partial` and throws
/// IoError naming `path` and the bytes that were to be written.
void finish_partial(int fd, int code, const std::filesystem::path& partial,
                    const std::filesystem::path& path, std::size_t bytes) {
  if (close(fd) != 0 && code == 0) code = errno;
  if (code == 0) return;
  unlink(partial.c_str());
  throw IoError(fmt::format("cannot write {} ({} bytes): {}", path.string(), bytes, reason(code)));
}
} // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::path partial;
  const int fd = open_fresh_partial(path, partial);
  finish_partial(fd, write_all(fd, contents.data(), contents.size()), partial, path,
                 contents.size());
  try {
    rename_into_place(partial, path);
  } catch (const IoError&) {
    unlink(partial.c_str());
    throw;
  }
}

std::filesystem::path copy_to_fresh_partial(const std::filesystem::path& source,
                                            const std::filesystem::path& final_path) {
  const int in = open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    const int code = errno;
    throw IoError(fmt::format("cannot read {}: {}", source.string(), reason(code)));
  }
  std::filesystem::path partial;
  int out = -1;
  try {
    out = open_fresh_partial(final_path, partial);
  } catch (const IoError&) {
    close(in);
    throw;
  }
  std::vector<char> buffer(1 << 20);
  std::size_t copied = 0;
  int code = 0;
  for (;;) {
    const ssize_t n = read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) code = errno;
    if (n <= 0) break;
    code = write_all(out, buffer.data(), static_cast<std::size_t>(n));
    if (code != 0) break;
    copied += static_cast<std::size_t>(n);
  }
  close(in);
  finish_partial(out, code, partial, final_path, copied);
  return partial;
}

std::string broadcast_text(MPI_Comm comm, const std::string& text) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  unsigned long long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  std::string result = rank == 0 ? text : std::string(size, '\0');
  MPI_Bcast(result.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
  return result;
}

} // namespace terrafate::io
