//===- Cuda.cpp - checked CUDA driver API helpers -------------------------===//

#include "bsattn/runtime/Cuda.h"
#include "bsattn/runtime/Error.h"

using namespace bsattn::runtime;

void bsattn::runtime::checkCuda(CUresult result, const std::string &call) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  const char *text = nullptr;
  // Both fail (and leave null) for codes the driver does not know.
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &text);
  throw CudaError(call + " failed: " + (name ? name : "unknown error") + " (" +
                  std::to_string(static_cast<int>(result)) + ")" +
                  (text ? std::string(": ") + text : std::string()));
}

Context::Context(int ordinal) {
  checkCuda(cuInit(0), "cuInit(0)");
  CUcontext current = nullptr;
  checkCuda(cuCtxGetCurrent(&current), "cuCtxGetCurrent");
  if (current) {
    checkCuda(cuCtxGetDevice(&device), "cuCtxGetDevice");
    return;
  }
  checkCuda(cuDeviceGet(&device, ordinal),
            "cuDeviceGet(ordinal=" + std::to_string(ordinal) + ")");
  CUcontext primary = nullptr;
  checkCuda(cuDevicePrimaryCtxRetain(&primary, device),
            "cuDevicePrimaryCtxRetain(device=" + std::to_string(ordinal) + ")");
  retained = true;
  checkCuda(cuCtxSetCurrent(primary), "cuCtxSetCurrent");
}

Context::~Context() {
  if (retained)
    cuDevicePrimaryCtxRelease(device);
}

std::string Context::getDeviceName() const {
  char name[256] = {};
  checkCuda(cuDeviceGetName(name, sizeof(name), device), "cuDeviceGetName");
  return name;
}

int Context::getAttribute(CUdevice_attribute attribute) const {
  int value = 0;
  checkCuda(cuDeviceGetAttribute(&value, attribute, device),
            "cuDeviceGetAttribute(" +
                std::to_string(static_cast<int>(attribute)) + ")");
  return value;
}

DeviceBuffer::DeviceBuffer(size_t size) : bytes(size) {
  if (size)
    checkCuda(cuMemAlloc(&address, size),
              "cuMemAlloc(" + std::to_string(size) + " bytes)");
}

DeviceBuffer::~DeviceBuffer() {
  if (address)
    cuMemFree(address);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : address(other.address), bytes(other.bytes) {
  other.address = 0;
  other.bytes = 0;
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  std::swap(address, other.address);
  std::swap(bytes, other.bytes);
  return *this;
}

static void checkSize(size_t size, size_t capacity, const char *what) {
  if (size > capacity)
    throw Error(std::string(what) + " of " + std::to_string(size) +
                " bytes into a buffer of " + std::to_string(capacity));
}

void DeviceBuffer::upload(const void *source, size_t size) {
  checkSize(size, bytes, "upload");
  if (size)
    checkCuda(cuMemcpyHtoD(address, source, size),
              "cuMemcpyHtoD(" + std::to_string(size) + " bytes)");
}

void DeviceBuffer::download(void *target, size_t size) const {
  checkSize(size, bytes, "download");
  if (size)
    checkCuda(cuMemcpyDtoH(target, address, size),
              "cuMemcpyDtoH(" + std::to_string(size) + " bytes)");
}

void DeviceBuffer::fill32(uint32_t value) {
  if (bytes)
    checkCuda(cuMemsetD32(address, value, bytes / 4),
              "cuMemsetD32(" + std::to_string(bytes / 4) + " words)");
}

Event::Event() {
  checkCuda(cuEventCreate(&event, CU_EVENT_DEFAULT), "cuEventCreate");
}

Event::~Event() {
  if (event)
    cuEventDestroy(event);
}

void Event::record(CUstream stream) {
  checkCuda(cuEventRecord(event, stream), "cuEventRecord");
}

float Event::elapsedSince(const Event &start) const {
  float ms = 0;
  checkCuda(cuEventElapsedTime(&ms, start.event, event), "cuEventElapsedTime");
  return ms;
}

void Event::synchronize() const {
  checkCuda(cuEventSynchronize(event), "cuEventSynchronize");
}

Module::Module(const void *image, const std::string &what) : what(what) {
  checkCuda(cuModuleLoadData(&module, image), "cuModuleLoadData(" + what + ")");
}

Module::~Module() {
  if (module)
    cuModuleUnload(module);
}

CUfunction Module::getFunction(const std::string &name) const {
  CUfunction function = nullptr;
  checkCuda(cuModuleGetFunction(&function, module, name.c_str()),
            "cuModuleGetFunction(" + what + ", \"" + name + "\")");
  return function;
}

static std::string formatDims(std::array<unsigned, 3> dims) {
  return "[" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) + ", " +
         std::to_string(dims[2]) + "]";
}

void bsattn::runtime::launch(CUfunction function, const std::string &what,
                             std::array<unsigned, 3> grid,
                             std::array<unsigned, 3> block,
                             unsigned sharedBytes, CUstream stream,
                             void **params, std::array<unsigned, 3> cluster) {
  CUlaunchConfig config = {};
  config.gridDimX = grid[0];
  config.gridDimY = grid[1];
  config.gridDimZ = grid[2];
  config.blockDimX = block[0];
  config.blockDimY = block[1];
  config.blockDimZ = block[2];
  config.sharedMemBytes = sharedBytes;
  config.hStream = stream;
  CUlaunchAttribute attribute = {};
  if (cluster != std::array<unsigned, 3>{1, 1, 1}) {
    attribute.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    attribute.value.clusterDim.x = cluster[0];
    attribute.value.clusterDim.y = cluster[1];
    attribute.value.clusterDim.z = cluster[2];
    config.attrs = &attribute;
    config.numAttrs = 1;
  }
  checkCuda(cuLaunchKernelEx(&config, function, params, nullptr),
            "cuLaunchKernelEx(" + what + ", grid=" + formatDims(grid) +
                ", block=" + formatDims(block) +
                ", shared=" + std::to_string(sharedBytes) +
                (config.numAttrs ? ", cluster=" + formatDims(cluster) : "") +
                ")");
}

void bsattn::runtime::synchronizeContext() {
  checkCuda(cuCtxSynchronize(), "cuCtxSynchronize");
}
