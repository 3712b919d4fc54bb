#pragma once
// Private to the io module: RAII ownership of HDF5 identifiers and return-code checks that turn
// HDF5 failures into std::runtime_error (the HDF5 error stack is never printed).
#include <stdexcept>
#include <string>
#include <utility>

#include <hdf5.h>

namespace terrafate::io::detail {

/// Turns off HDF5's automatic printing of its error stack; failures are reported by exceptions.
inline void silence_hdf5_error_printing() {
  if (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) < 0)
    throw std::runtime_error("cannot turn off HDF5 error printing");
}

/// The innermost description on HDF5's error stack (the most specific cause), or "" if empty.
inline std::string hdf5_error_detail() {
  std::string detail;
  auto keep_innermost = [](unsigned, const H5E_error2_t* error, void* client) -> herr_t {
    if (error->desc != nullptr && error->desc[0] != '\0')
      *static_cast<std::string*>(client) = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &detail);
  return detail;
}

/// Throws std::runtime_error "<what> failed[: <HDF5 detail>]".
[[noreturn]] inline void throw_hdf5_failure(const std::string& what) {
  const std::string detail = hdf5_error_detail();
  throw std::runtime_error(what + " failed" + (detail.empty() ? "" : ": " + detail));
}

/// Throws (see throw_hdf5_failure) when an HDF5 call returned a negative status.
inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw_hdf5_failure(what);
}

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Hdf5Handle {
public:
  using Closer = herr_t (*)(hid_t);

  Hdf5Handle() = default;
  Hdf5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Hdf5Handle() { reset(); }
  Hdf5Handle(Hdf5Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;

  hid_t get() const { return id_; }
  bool is_open() const { return id_ >= 0; }

  /// Closes now and throws if HDF5 reports a failure (for closes that flush data).
  void close(const std::string& what) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) check(closer_(id), what);
  }

  /// Closes now, ignoring failures (for destructors and error paths).
  void reset() noexcept {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) closer_(id);
  }

private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Takes ownership of `id` returned by an HDF5 call; throws naming `what` if the call failed.
inline Hdf5Handle owned(hid_t id, Hdf5Handle::Closer closer, const std::string& what) {
  if (id < 0) throw_hdf5_failure(what);
  return Hdf5Handle(id, closer);
}

} // namespace terrafate::io::detail
