//===- bsattn-run.cpp - run a bsattn kernel, check it, time it ------------===//
//
// Loads a cubin and its manifest, draws bf16 inputs and a sparsity pattern,
// launches through the runtime, compares with an fp64 CPU or fp32 GPU
// reference under the challenge's tolerances and optionally times the kernel
// with CUDA events. Prints one JSON line.
//
//===----------------------------------------------------------------------===//

#include "GpuReference.h"

#include "bsattn/runtime/Compare.h"
#include "bsattn/runtime/Contract.h"
#include "bsattn/runtime/Error.h"
#include "bsattn/runtime/Json.h"
#include "bsattn/runtime/Kernel.h"
#include "bsattn/runtime/Patterns.h"
#include "bsattn/runtime/Reference.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

using namespace bsattn::runtime;
using bsattn::run::GpuReference;

namespace {

/// Bad command lines.
class UsageError : public Error {
public:
  using Error::Error;
};

struct Options {
  std::string cubin, manifest, name, log;
  std::optional<int64_t> batch, heads, t;
  std::optional<Family> family;
  PatternSpec spec{Family::SlidingWindow, 4, 0, 0, 0.7};
  std::string seqLens = "full";
  uint64_t seed = 0;
  std::string reference = "auto";
  bool time = false;
  int64_t iters = 100, warmup = 10, fuzz = 0;
  int device = 0;
};

/// `text` as an integer >= `min`, if it is one.
std::optional<int64_t> readInt(const std::string &text, int64_t min) {
  int64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min)
    return std::nullopt;
  return value;
}

std::string expectedInt(int64_t min, const std::string &text) {
  return "expects an integer >= " + std::to_string(min) + ", got '" + text +
         "'";
}

/// An integer of a --seq-lens list, which CLI11 takes as one string.
int64_t parseInt(const std::string &flag, const std::string &text,
                 int64_t min) {
  if (std::optional<int64_t> value = readInt(text, min))
    return *value;
  throw UsageError(flag + " " + expectedInt(min, text));
}

double parseDouble(const std::string &flag, const std::string &text, double min,
                   double max) {
  double value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      !(value >= min && value <= max))
    throw UsageError(flag + " expects a number in [" + std::to_string(min) +
                     ", " + std::to_string(max) + "], got '" + text + "'");
  return value;
}

/// Integers from `min` up, for CLI11 ("--window: expects an integer >= 1,
/// got '0'").
CLI::Validator atLeast(int64_t min) {
  return CLI::Validator(
      [min](std::string &text) -> std::string {
        return readInt(text, min) ? "" : expectedInt(min, text);
      },
      "INT>=" + std::to_string(min));
}

Options parseOptions(int argc, char **argv) {
  Options options;
  CLI::App app("Loads a cubin and its manifest, draws bf16 inputs and a "
               "pattern, launches, checks against a reference and prints one "
               "JSON line.",
               "bsattn-run");
  app.footer("Exit status: 0 all passed, 1 a check failed, 2 an error (also "
             "printed as {\"error\": ...}).");
  app.add_option("--cubin", options.cubin, "the kernel's cubin")->required();
  app.add_option("--manifest", options.manifest, "the kernel's manifest")
      ->required();

  const char *problem = "Problem (sizes default to the manifest's static "
                        "ones, else B=1 H=16 T=4096)";
  int64_t batch = 0, heads = 0, t = 0;
  CLI::Option *batchOption =
      app.add_option("--batch", batch, "B")->check(atLeast(1))->group(problem);
  CLI::Option *headsOption =
      app.add_option("--heads", heads, "H")->check(atLeast(1))->group(problem);
  CLI::Option *seqOption =
      app.add_option("--seq", t, "T")->check(atLeast(1))->group(problem);
  std::string family;
  CLI::Option *familyOption =
      app.add_option("--family", family,
                     "the pattern of a CSR kernel (default sliding_window); "
                     "a static kernel's pattern is its manifest's sparsity")
          ->check(CLI::IsMember({"sliding_window", "sliding_window_global",
                                 "sliding_window_retrieval", "causal",
                                 "adversarial"}))
          ->group(problem);
  app.add_option("--window", options.spec.window, "window in key blocks")
      ->check(atLeast(1))
      ->capture_default_str()
      ->group(problem);
  app.add_option("--globals", options.spec.globals, "global key blocks")
      ->check(atLeast(0))
      ->capture_default_str()
      ->group(problem);
  app.add_option("--retrieval", options.spec.retrieval,
                 "retrieved key blocks per query block")
      ->check(atLeast(0))
      ->capture_default_str()
      ->group(problem);
  app.add_option("--bias", options.spec.bias,
                 "retrieval's bias towards recent blocks")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->group(problem);
  app.add_option("--seq-lens", options.seqLens,
                 "full | random:RATIO | L1,L2,...")
      ->capture_default_str()
      ->group(problem);
  app.add_option("--seed", options.seed, "seeds patterns, seq_lens and inputs")
      ->capture_default_str()
      ->group(problem);
  app.add_option("--name", options.name, "the case's label in the output")
      ->group(problem);

  const char *checking = "Checking and timing";
  app.add_option("--reference", options.reference,
                 "fp64 on the CPU, fp32 on the GPU (auto: the CPU for small "
                 "problems; both: against the CPU, and the references' gap)")
      ->check(CLI::IsMember({"auto", "cpu", "gpu", "both"}))
      ->capture_default_str()
      ->group(checking);
  app.add_flag("--time", options.time,
               "CUDA-event timing: median of --iters launches after --warmup, "
               "rotating input sets so that L2 does not hold them")
      ->group(checking);
  app.add_option("--iters", options.iters, "timed launches")
      ->check(atLeast(50))
      ->capture_default_str()
      ->group(checking);
  app.add_option("--warmup", options.warmup, "untimed launches first")
      ->check(atLeast(0))
      ->capture_default_str()
      ->group(checking);
  app.add_option("--fuzz", options.fuzz,
                 "N random adversarial cases, seeds S .. S+N-1, and one "
                 "summary line")
      ->check(atLeast(1))
      ->group(checking);
  app.add_option("--log", options.log, "with --fuzz: one line per case")
      ->group(checking);
  app.add_option("--device", options.device, "CUDA device ordinal")
      ->check(atLeast(0))
      ->capture_default_str()
      ->group(checking);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &help) {
    std::exit(app.exit(help));
  } catch (const CLI::ParseError &error) {
    throw UsageError(std::string(error.what()) + " (see --help)");
  }
  if (*batchOption)
    options.batch = batch;
  if (*headsOption)
    options.heads = heads;
  if (*seqOption)
    options.t = t;
  if (*familyOption) {
    options.family = parseFamily(family);
    options.spec.family = *options.family;
  }
  return options;
}

/// One problem: sizes, seq_lens, the pattern and what it was drawn from.
struct Case {
  std::string name;
  /// A family name, "nnz1", or a static pattern's sparsity.
  std::string pattern;
  std::optional<PatternSpec> spec;
  int64_t batch, heads, t, headDim;
  std::vector<int32_t> seqLens;
  uint64_t seed;
  Csr csr;
};

bool hasCsr(const Manifest &manifest) {
  return manifest.findArgument("row_ptr") >= 0 &&
         manifest.findArgument("col_idx") >= 0;
}

/// Size `dim` of q if the manifest fixes it, else `otherwise`.
int64_t fixedOr(const Manifest &manifest, int dim, int64_t otherwise) {
  int q = manifest.findArgument("q");
  if (q < 0 || manifest.arguments[q].shape.size() != 4)
    throw Error("bsattn-run needs a q argument of rank 4 in the manifest");
  int64_t fixed = manifest.arguments[q].shape[dim];
  return fixed != -1 ? fixed : otherwise;
}

std::vector<int32_t> seqLensFor(const std::string &policy, int64_t batch,
                                int64_t t, uint64_t seed) {
  if (policy == "full")
    return std::vector<int32_t>(batch, static_cast<int32_t>(t));
  if (policy.rfind("random:", 0) == 0)
    return sampleSeqLens(
        batch, t, parseDouble("--seq-lens random:", policy.substr(7), 1e-9, 1),
        seed);
  std::vector<int32_t> seqLens;
  size_t start = 0;
  while (start <= policy.size()) {
    size_t comma = std::min(policy.find(',', start), policy.size());
    int64_t value = parseInt("--seq-lens", policy.substr(start, comma - start),
                             -(int64_t(1) << 31));
    if (value > INT32_MAX)
      throw UsageError("--seq-lens value " + std::to_string(value) +
                       " does not fit int32");
    seqLens.push_back(static_cast<int32_t>(value));
    start = comma + 1;
  }
  if (static_cast<int64_t>(seqLens.size()) != batch)
    throw UsageError("--seq-lens lists " + std::to_string(seqLens.size()) +
                     " lengths for B = " + std::to_string(batch));
  return seqLens;
}

/// The pattern of a case: CSR kernels draw one by `spec`, static kernels
/// use their own.
void drawPattern(const Manifest &manifest, std::optional<PatternSpec> spec,
                 Case &c) {
  if (!hasCsr(manifest)) {
    if (spec)
      throw UsageError("the kernel's pattern is static (" + manifest.sparsity +
                       "); --family applies to CSR kernels only");
    c.pattern = manifest.sparsity;
    c.csr = staticPattern(manifest.sparsity, c.batch, c.heads, c.t);
    return;
  }
  c.spec = spec;
  c.pattern = familyName(spec->family);
  c.csr =
      spec->family == Family::Adversarial
          ? adversarialPattern(c.batch, c.heads, c.t, c.seed)
          : challengePattern(*spec, c.batch, c.heads, c.t, c.seqLens, c.seed);
}

Case caseFromOptions(const Manifest &manifest, const Options &options) {
  Case c;
  // A given size that contradicts the manifest is kept, so that the
  // runtime's argument check reports it.
  c.batch = options.batch.value_or(fixedOr(manifest, 0, 1));
  c.heads = options.heads.value_or(fixedOr(manifest, 1, 16));
  c.t = options.t.value_or(fixedOr(manifest, 2, 4096));
  c.headDim = fixedOr(manifest, 3, 128);
  c.seed = options.seed;
  c.seqLens = seqLensFor(options.seqLens, c.batch, c.t, c.seed);
  std::optional<PatternSpec> spec;
  if (hasCsr(manifest) || options.family)
    spec = options.spec;
  drawPattern(manifest, spec, c);
  c.name = options.name.empty()
               ? c.pattern + "-B" + std::to_string(c.batch) + "-H" +
                     std::to_string(c.heads) + "-T" + std::to_string(c.t)
               : options.name;
  return c;
}

/// A random adversarial case: B <= 4, H <= 8, T in 1 .. 2048 (half of the
/// time a multiple of 128), seq_lens
/// at the edges (0, 1, 127, 128, 129, T - 1, T, past T) or anywhere, rows
/// with bad entries and duplicates, NNZ = 1, or a challenge family with
/// random parameters. Sizes fixed by the manifest stay.
Case fuzzCase(const Manifest &manifest, uint64_t seed) {
  Rng rng(seed);
  Case c;
  c.seed = seed;
  c.name = "fuzz-" + std::to_string(seed);
  c.batch = fixedOr(manifest, 0, rng.range(1, 5));
  c.heads = fixedOr(manifest, 1, rng.range(1, 9));
  c.t = fixedOr(manifest, 2,
                rng.below(2) ? kBlockSize * rng.range(1, 17)
                             : rng.range(1, 16 * kBlockSize + 1));
  c.headDim = fixedOr(manifest, 3, 128);
  for (int64_t b = 0; b < c.batch; ++b) {
    const int64_t edges[] = {0, 1, 127, 128, 129, c.t - 1, c.t, c.t + 77};
    uint64_t pick = rng.below(10);
    c.seqLens.push_back(
        static_cast<int32_t>(pick < 8 ? edges[pick] : rng.range(1, c.t + 1)));
  }
  if (!hasCsr(manifest)) {
    drawPattern(manifest, std::nullopt, c);
    return c;
  }
  uint64_t kind = rng.below(10);
  if (kind == 6) {
    c.pattern = "nnz1";
    c.csr = singleEntryPattern(c.batch, c.heads, c.t);
    return c;
  }
  PatternSpec spec;
  spec.family =
      kind < 6 ? Family::Adversarial : static_cast<Family>(rng.below(4));
  spec.window = rng.range(1, 9);
  spec.globals = rng.range(0, 5);
  spec.retrieval = rng.range(0, 5);
  spec.bias = rng.uniform();
  drawPattern(manifest, spec, c);
  return c;
}

/// The device tensors of one input set.
struct InputSet {
  DeviceBuffer q, k, v, o, lse;
};

/// Device inputs of a case: several input sets (for timing) sharing
/// seq_lens and the pattern.
class Inputs {
public:
  Inputs(const Case &c, GpuReference &gpu)
      : c(c), gpu(gpu), seqLens(c.seqLens.size() * 4),
        rowPtr(c.csr.rowPtr.size() * 4), colIdx(c.csr.colIdx.size() * 4) {
    seqLens.upload(c.seqLens);
    rowPtr.upload(c.csr.rowPtr);
    colIdx.upload(c.csr.colIdx);
  }

  /// Adds an input set with fresh random q, k, v and NaN-filled outputs.
  void addSet() {
    size_t index = sets.size();
    size_t elements = c.batch * c.heads * c.t * c.headDim;
    InputSet &set = sets.emplace_back(
        InputSet{DeviceBuffer(elements * 2), DeviceBuffer(elements * 2),
                 DeviceBuffer(elements * 2), DeviceBuffer(elements * 2),
                 DeviceBuffer(c.batch * c.heads * c.t * 4)});
    DeviceBuffer *inputs[] = {&set.q, &set.k, &set.v};
    for (size_t role = 0; role < 3; ++role)
      gpu.fillNormal(*inputs[role],
                     splitMix64(c.seed ^ splitMix64(index * 3 + role)));
    poison(index);
  }

  /// NaN in every output element, so that an unwritten one fails.
  void poison(size_t index) {
    sets[index].o.fill32(0xFFFFFFFFu);
    sets[index].lse.fill32(0xFFFFFFFFu);
  }

  size_t size() const { return sets.size(); }
  const InputSet &operator[](size_t index) const { return sets[index]; }

  /// The launch arguments of set `index`, in the manifest's order.
  std::vector<TensorArg> arguments(const Manifest &manifest,
                                   size_t index) const {
    const InputSet &set = sets[index];
    std::vector<int64_t> act = {c.batch, c.heads, c.t, c.headDim};
    std::vector<int64_t> rows = {c.batch, c.heads, c.t};
    std::map<std::string, TensorArg> byRole = {
        {"q", {set.q.getAddress(), act, DType::BF16}},
        {"k", {set.k.getAddress(), act, DType::BF16}},
        {"v", {set.v.getAddress(), act, DType::BF16}},
        {"o", {set.o.getAddress(), act, DType::BF16}},
        {"lse", {set.lse.getAddress(), rows, DType::F32}},
        {"seq_lens", {seqLens.getAddress(), {c.batch}, DType::I32}},
        {"row_ptr",
         {rowPtr.getAddress(),
          {c.batch, c.heads, c.csr.queryBlocks + 1},
          DType::I32}},
        {"col_idx",
         {colIdx.getAddress(), {c.batch, c.heads, c.csr.nnz}, DType::I32}}};
    std::vector<TensorArg> args;
    for (const ArgumentSpec &spec : manifest.arguments) {
      auto found = byRole.find(spec.role);
      if (found == byRole.end())
        throw Error("bsattn-run cannot make argument '" + spec.role + "'");
      args.push_back(found->second);
    }
    return args;
  }

  const Case &c;
  GpuReference &gpu;
  DeviceBuffer seqLens, rowPtr, colIdx;

private:
  std::vector<InputSet> sets;
};

/// One line of JSON; bytes that are not UTF-8 (in a path, say) are
/// replaced rather than thrown on.
std::string jsonLine(const Json &value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json describe(const Case &c) {
  Json out = Json::object();
  out["case"] = c.name;
  out["pattern"] = c.pattern;
  out["B"] = c.batch;
  out["H"] = c.heads;
  out["T"] = c.t;
  out["D"] = c.headDim;
  if (c.spec && c.spec->family != Family::Adversarial) {
    out["window"] = c.spec->window;
    if (c.spec->family == Family::SlidingWindowGlobal)
      out["globals"] = c.spec->globals;
    if (c.spec->family == Family::SlidingWindowRetrieval) {
      out["retrieval"] = c.spec->retrieval;
      out["bias"] = c.spec->bias;
    }
  }
  out["seq_lens"] = c.seqLens;
  out["seed"] = c.seed;
  out["nnz"] = c.csr.nnz;
  return out;
}

/// Problems up to this many multiply-adds get the fp64 CPU reference under
/// --reference auto (under a second on one core, less on several).
constexpr int64_t kCpuReferenceWork = int64_t(1) << 29;

/// Launches set 0, checks it against the reference and records the result;
/// `pairs` is the case's used (query block, key block) count.
Json check(Kernel &kernel, Inputs &inputs, int64_t pairs,
           const std::string &mode, Json out) {
  const Case &c = inputs.c;
  const Manifest &manifest = kernel.getManifest();
  kernel.launch(inputs.arguments(manifest, 0));
  synchronizeContext();
  const InputSet &set = inputs[0];
  std::vector<uint16_t> o = set.o.download<uint16_t>();
  std::vector<float> lse = set.lse.download<float>();

  Problem problem{c.batch, c.heads, c.t, c.headDim, manifest.scale};
  bool cpu =
      mode == "cpu" || mode == "both" ||
      (mode == "auto" && referenceWork(problem, pairs) <= kCpuReferenceWork);
  bool gpu = mode == "gpu" || mode == "both" || !cpu;
  std::optional<ReferenceOutputs> cpuRef;
  if (cpu)
    cpuRef = referenceAttention(problem, set.q.download<uint16_t>(),
                                set.k.download<uint16_t>(),
                                set.v.download<uint16_t>(), c.seqLens, c.csr);
  std::vector<float> gpuO, gpuLse;
  if (gpu) {
    DeviceBuffer refO(o.size() * 4), refLse(lse.size() * 4);
    inputs.gpu.run(problem, set.q, set.k, set.v, inputs.seqLens, inputs.rowPtr,
                   inputs.colIdx, c.csr.nnz, refO, refLse);
    synchronizeContext();
    gpuO = refO.download<float>();
    gpuLse = refLse.download<float>();
  }

  Comparison result = cpuRef ? compareOutputs(o, lse, cpuRef->o, cpuRef->lse)
                             : compareOutputs(o, lse, gpuO, gpuLse);
  out["used_pairs"] = pairs;
  out["reference"] = cpuRef ? "cpu-fp64" : "gpu-fp32";
  out["pass"] = result.pass;
  out["o_max_diff"] = result.oMaxDiff;
  out["lse_max_diff"] = result.lseMaxDiff;
  out["lse_inf_match"] = result.lseInfMatch;
  out["nan"] = result.nan;
  out["o_mismatches"] = result.oMismatches;
  out["lse_mismatches"] = result.lseMismatches;
  if (cpuRef && gpu) {
    // How far the fp32 GPU reference is from the fp64 one.
    out["reference_gap_o"] = maxAbsDiff(gpuO, cpuRef->o);
    out["reference_gap_lse"] = maxAbsDiff(gpuLse, cpuRef->lse);
  }
  return out;
}

/// Median device time over `options.iters` launches, rotating input sets.
void timeKernel(Context &context, Kernel &kernel, Inputs &inputs, int64_t pairs,
                const Options &options, const std::string &deviceName,
                Json &out) {
  const Case &c = inputs.c;
  const Manifest &manifest = kernel.getManifest();
  int64_t elements = c.batch * c.heads * c.t * c.headDim;
  int64_t setBytes = 4 * elements * 2 + c.batch * c.heads * c.t * 4;
  int64_t l2 = context.getAttribute(CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
  // Enough sets to span four times the L2, at least 2, at most 8.
  int64_t sets = std::clamp<int64_t>((4 * l2 + setBytes - 1) / setBytes, 2, 8);
  while (static_cast<int64_t>(inputs.size()) < sets)
    inputs.addSet();
  std::vector<std::vector<TensorArg>> args;
  for (int64_t i = 0; i < sets; ++i)
    args.push_back(inputs.arguments(manifest, i));

  for (int64_t i = 0; i < options.warmup + sets; ++i)
    kernel.launch(args[i % sets]);
  std::vector<Event> starts(options.iters), ends(options.iters);
  inputs.gpu.spin(20'000'000); // 20 ms: the host queues every launch first
  for (int64_t i = 0; i < options.iters; ++i) {
    starts[i].record();
    kernel.launch(args[i % sets]);
    ends[i].record();
  }
  ends.back().synchronize();
  std::vector<double> micros;
  for (int64_t i = 0; i < options.iters; ++i)
    micros.push_back(1e3 * ends[i].elapsedSince(starts[i]));
  std::sort(micros.begin(), micros.end());
  double median =
      micros.size() % 2
          ? micros[micros.size() / 2]
          : (micros[micros.size() / 2 - 1] + micros[micros.size() / 2]) / 2;

  // Floors (docs/architecture.md): measured bf16 GEMM rate and copy
  // bandwidth of the H200, or the H100's.
  bool h100 = deviceName.find("H100") != std::string::npos;
  double peakFlops = h100 ? 798e12 : 723e12;
  double peakBytes = h100 ? 3.0e12 : 4.2e12;
  double flops = 4.0 * kBlockSize * kBlockSize * c.headDim * pairs;
  int64_t validTokens = 0;
  for (int32_t seqLen : c.seqLens)
    validTokens += clampSeqLen(seqLen, c.t);
  double bytes = 3.0 * validTokens * c.heads * c.headDim * 2 +
                 double(c.batch) * c.heads * c.t * (c.headDim * 2 + 4);
  double floorUs = std::max(flops / peakFlops, bytes / peakBytes) * 1e6;
  out["device_us"] = std::round(median * 100) / 100;
  out["min_us"] = std::round(micros.front() * 100) / 100;
  out["tflops"] = std::round(flops / (median * 1e-6) / 1e11) / 10;
  out["floor_us"] = std::round(floorUs * 100) / 100;
  out["ratio_to_floor"] = std::round(median / floorUs * 100) / 100;
  out["floor_basis"] =
      h100 ? "H100: 798 TFLOP/s, 3.0 TB/s" : "H200: 723 TFLOP/s, 4.2 TB/s";
  out["iterations"] = options.iters;
  out["input_sets"] = sets;
}

Json runCase(Context &context, Kernel &kernel, GpuReference &gpu, const Case &c,
             const Options &options, const std::string &deviceName,
             bool timed) {
  Inputs inputs(c, gpu);
  inputs.addSet();
  int64_t pairs = usedPairs(c.csr, c.seqLens, c.t);
  Json out = check(kernel, inputs, pairs, options.reference, describe(c));
  if (timed)
    timeKernel(context, kernel, inputs, pairs, options, deviceName, out);
  out["device"] = deviceName;
  return out;
}

int runFuzz(Context &context, Kernel &kernel, GpuReference &gpu,
            const Options &options, const std::string &deviceName) {
  std::ofstream log;
  if (!options.log.empty()) {
    log.open(options.log);
    if (!log)
      throw Error("cannot write '" + options.log + "'");
  }
  int64_t passed = 0;
  double oMax = 0, lseMax = 0, gapO = 0, gapLse = 0;
  std::map<std::string, int64_t> patterns, references;
  Json failures = Json::array();
  for (int64_t i = 0; i < options.fuzz; ++i) {
    Case c = fuzzCase(kernel.getManifest(), options.seed + i);
    Json result = runCase(context, kernel, gpu, c, options, deviceName, false);
    if (log)
      log << jsonLine(result) << "\n";
    ++patterns[c.pattern];
    ++references[result.at("reference").get<std::string>()];
    oMax = std::max(oMax, result.at("o_max_diff").get<double>());
    lseMax = std::max(lseMax, result.at("lse_max_diff").get<double>());
    if (result.contains("reference_gap_o"))
      gapO = std::max(gapO, result.at("reference_gap_o").get<double>());
    if (result.contains("reference_gap_lse"))
      gapLse = std::max(gapLse, result.at("reference_gap_lse").get<double>());
    if (result.at("pass").get<bool>())
      ++passed;
    else if (failures.size() < 20)
      failures.push_back(std::move(result));
  }
  auto counts = [](const std::map<std::string, int64_t> &map) {
    Json out = Json::object();
    for (const auto &[name, count] : map)
      out[name] = count;
    return out;
  };
  Json summary = Json::object();
  summary["mode"] = "fuzz";
  summary["cases"] = options.fuzz;
  summary["passed"] = passed;
  summary["failed"] = options.fuzz - passed;
  summary["seeds"] = std::to_string(options.seed) + ".." +
                     std::to_string(options.seed + options.fuzz - 1);
  summary["patterns"] = counts(patterns);
  summary["references"] = counts(references);
  summary["o_max_diff"] = oMax;
  summary["lse_max_diff"] = lseMax;
  if (options.reference == "both") {
    summary["reference_gap_o"] = gapO;
    summary["reference_gap_lse"] = gapLse;
  }
  summary["failures"] = std::move(failures);
  summary["device"] = deviceName;
  std::cout << jsonLine(summary) << std::endl;
  return passed == options.fuzz ? 0 : 1;
}

int runTool(const Options &options) {
  // Files first: a bad manifest is reported without touching the GPU.
  Manifest manifest =
      parseManifest(readFile(options.manifest), options.manifest);
  // Its references are causal and have one K/V head per query head.
  if (manifest.kvGroup != 1)
    throw Error("bsattn-run does not run grouped-query kernels (kv_group = " +
                std::to_string(manifest.kvGroup) +
                "); check them with the Python package (bsattn.attention)");
  if (!manifest.causal)
    throw Error("bsattn-run does not run bidirectional kernels (" +
                manifest.sparsity +
                "); check them with the Python package (bsattn.attention)");
  std::string cubin = readFile(options.cubin);
  Context context(options.device);
  std::string deviceName = context.getDeviceName();
  Kernel kernel(cubin, std::move(manifest));
  GpuReference gpu;
  if (options.fuzz)
    return runFuzz(context, kernel, gpu, options, deviceName);
  Case c = caseFromOptions(kernel.getManifest(), options);
  Json result =
      runCase(context, kernel, gpu, c, options, deviceName, options.time);
  std::cout << jsonLine(result) << std::endl;
  return result.at("pass").get<bool>() ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return runTool(parseOptions(argc, argv));
  } catch (const std::exception &error) {
    std::cerr << "bsattn-run: error: " << error.what() << "\n";
    Json out = Json::object();
    out["error"] = error.what();
    std::cout << jsonLine(out) << std::endl;
    return 2;
  }
}
