//===- Cuda.h - checked CUDA driver API helpers -----------------*- C++ -*-===//
//
// Thin owners of driver objects. Every driver call goes through checkCuda,
// which turns a failure into a CudaError naming the call and its arguments.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_CUDA_H
#define BSATTN_RUNTIME_CUDA_H

#include <cuda.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bsattn::runtime {

/// Throws CudaError "CALL failed: CUDA_ERROR_NAME (code): description" unless
/// `result` is CUDA_SUCCESS. `call` names the call and its arguments.
void checkCuda(CUresult result, const std::string &call);

/// Makes device `ordinal`'s primary context current for this thread (and
/// keeps it alive) unless a context is current already.
class Context {
public:
  explicit Context(int ordinal = 0);
  ~Context();
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  CUdevice getDevice() const { return device; }
  std::string getDeviceName() const;
  int getAttribute(CUdevice_attribute attribute) const;

private:
  CUdevice device = 0;
  bool retained = false;
};

/// Device memory, freed on destruction.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;

  CUdeviceptr getAddress() const { return address; }
  size_t getSize() const { return bytes; }

  // Synchronous copies and fills, ordered with the legacy default stream.
  void upload(const void *source, size_t size);
  void download(void *target, size_t size) const;
  /// Sets every 32-bit word to `value` (a NaN pattern poisons outputs).
  void fill32(uint32_t value);

  template <typename T> void upload(const std::vector<T> &values) {
    upload(values.data(), values.size() * sizeof(T));
  }
  template <typename T> std::vector<T> download() const {
    std::vector<T> values(bytes / sizeof(T));
    download(values.data(), values.size() * sizeof(T));
    return values;
  }

private:
  CUdeviceptr address = 0;
  size_t bytes = 0;
};

/// A CUDA event with timing.
class Event {
public:
  Event();
  ~Event();
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;
  Event(Event &&other) noexcept : event(other.event) { other.event = nullptr; }

  void record(CUstream stream = nullptr);
  /// Milliseconds from `start` to this event; both must have completed.
  float elapsedSince(const Event &start) const;
  void synchronize() const;

private:
  CUevent event = nullptr;
};

/// A loaded cubin or fatbin image.
class Module {
public:
  /// Loads `image`; `what` names it in errors.
  Module(const void *image, const std::string &what);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  CUfunction getFunction(const std::string &name) const;

private:
  CUmodule module = nullptr;
  std::string what;
};

/// Launches `function` with `params` (pointers to each parameter's value),
/// checked; `what` names the kernel in errors.
void launch(CUfunction function, const std::string &what,
            std::array<unsigned, 3> grid, std::array<unsigned, 3> block,
            unsigned sharedBytes, CUstream stream, void **params,
            std::array<unsigned, 3> cluster = {1, 1, 1});

void synchronizeContext();

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_CUDA_H
