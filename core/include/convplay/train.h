// convplay/train.h — training a network.h stack: forward and backward through the fast kernels on the
// thread pool, softmax cross-entropy, Adam and SGD with momentum as torch.optim computes them, PyTorch's
// default initialisation from a seed, evaluation in chunks, and the weights under the state_dict names
// of the equivalent torch.nn.Sequential (the one pytorch_code() of network.h writes).
//
// Any stack analyze_network() accepts trains (conv with stride and padding, max/avg pool, ReLU, sigmoid,
// tanh, flatten, dense) when it has parameters, ends in kTrainClasses values and fits kTrainMemoryLimit;
// otherwise build() says why, naming the layer.
//
//   chunks     a batch of n images is cut into chunks of train_chunk_images(batch) images (the last one
//              shorter); each chunk's forward and backward pass runs through the whole network on one
//              thread of the pool, in a workspace of that thread's own (activations, gradients, conv
//              plans, kept between steps). Then the dense layers' weight gradients are one GEMM over
//              the batch (tiles on the pool), and the conv layers' chunk gradients are added in chunk
//              order fused with the optimiser's update, over ranges of the parameters on the pool. The
//              chunk size depends on the batch option alone, so the bits do not depend on the threads.
//   forward    conv: Conv2dPlan (its weights re-packed when they change), pool: Pool2dPlan, dense: the
//              GEMM of gemm.h on weights packed once per step
//   backward   conv: conv2d_backward_fast (its reference for strides > 1), dense: GEMMs (per chunk the
//              input gradient on the packed weights, over the batch the weight gradient), pool and activations: loops here (max pool routes to the
//              first maximum, as PyTorch; a ReLU before a max pool is applied in the pool's pass)
//   loss       mean over the batch of −log softmax(logits)[label]
//   Adam       m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g², p −= lr · (m / (1−β1^t)) / (√v / √(1−β2^t) + eps)
//   SGD        b = momentum·b + g (b = g at the first step), p −= lr · b
//   init       weights and biases U(−1/√fan_in, +1/√fan_in) (kaiming_uniform with a = √5), layer by
//              layer in order, weight before bias, from TrainRng(seed): not PyTorch's random numbers.
// Results (weights, losses) have the same bits for any number of threads.
#pragma once
#include <convplay/counts.h> // kWorkingMemoryBudget
#include <convplay/dataset.h>
#include <convplay/network.h>
#include <convplay/tensor.h>
#include <convplay/thread_pool.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace convplay {

inline constexpr int64_t kTrainClasses = 10;                      // the network's output values
inline constexpr int64_t kTrainMemoryLimit = kWorkingMemoryBudget; // bytes: parameters, chunk gradients, workspaces
inline constexpr int64_t kMaxTrainBatch = 4096;
inline constexpr int64_t kTrainChunkImages = 8; // images per chunk of a step (more when a batch has more chunks than:)
inline constexpr int64_t kMaxTrainChunks = 16;  // chunks per step at most
// Images per chunk for TrainOptions::batch `batch`: kTrainChunkImages, or batch / kMaxTrainChunks
// rounded up when that is more.
constexpr int64_t train_chunk_images(int64_t batch) {
  return batch > kTrainChunkImages * kMaxTrainChunks ? (batch + kMaxTrainChunks - 1) / kMaxTrainChunks : kTrainChunkImages;
}
inline constexpr NetShape kFashionInput{false, 1, 28, 28};
// The test-set shifts (dy, dx) of the protocol (train_spec.json), black fill.
inline constexpr std::array<std::array<int64_t, 2>, 8> kProtocolShifts = {
    {{0, 0}, {0, 2}, {2, 0}, {0, 4}, {4, 0}, {3, 3}, {-4, 0}, {0, -4}}};

// The presets of the protocol (train_spec.json) on kFashionInput.
std::vector<NetLayer> lenet5_layers(); // conv6k5p2,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10
std::vector<NetLayer> mlp_layers();    // flatten,dense256,relu,dense128,relu,dense10
// "lenet5", "mlp", or a stack in parse_network()'s text form.
Expected<std::vector<NetLayer>> train_model_layers(std::string_view name_or_stack);

// A small deterministic generator (SplitMix64): the same numbers on every machine and build.
class TrainRng {
public:
  explicit TrainRng(uint64_t seed) : state_(seed) {}
  uint64_t next() noexcept;                 // 64 random bits
  double uniform() noexcept;                // [0, 1), 53 bits
  uint64_t below(uint64_t n) noexcept;      // [0, n), unbiased
private:
  uint64_t state_;
};
// The order of epoch `epoch` (0, 1, …): a permutation of [0, n) from (seed, epoch) alone (Fisher–Yates).
std::vector<int64_t> epoch_order(uint64_t seed, int64_t epoch, int64_t n);

enum class OptimizerKind { Adam, Sgd };
const char* optimizer_name(OptimizerKind k) noexcept; // "adam", "sgd"

struct TrainOptions {
  OptimizerKind optimizer = OptimizerKind::Adam;
  float lr = 1e-3f;
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f; // Adam (torch.optim.Adam's defaults)
  float momentum = 0.9f;                            // SGD (0: plain SGD)
  int64_t batch = 64;          // the largest n train_step() and forward() take at once (sizes the buffers)
  uint64_t seed = 1;           // initial weights
  int64_t memory_limit = kTrainMemoryLimit;
  ThreadPool* pool = nullptr;  // null: the calling thread; can be changed with set_pool()
};

struct NamedTensor {
  std::string name; // state_dict key: "0.weight", "0.bias", …
  Tensor tensor;    // PyTorch's shape: conv (M, C, K, K), dense (out, in), bias (M)
};

// Accuracy counts of evaluate(), accumulated over chunks.
struct Evaluation {
  int64_t correct = 0, total = 0;
  std::vector<int64_t> confusion;  // classes × classes, [true][predicted]
  std::vector<uint8_t> predicted;  // the predicted class of each image evaluated, in order
  double accuracy() const noexcept { return total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0; }
};

// Where the training steps' time goes (TrainableNetwork::set_profiling), summed over the steps
// (train_step, compute_gradients) since profiling was turned on. Wall times are the calling thread's;
// CPU times are -1 where the platform has no such clock.
struct TrainPhase {
  double wall_s = 0.0;        // seconds on the calling thread's clock
  double cpu_s = 0.0;         // the calling thread's CPU time
  double process_cpu_s = 0.0; // every thread's CPU time (a waiting worker's polls included)
};
struct TrainChunkThread {     // one item of the chunks' parallel loop (one per thread of the pool)
  double start_s = 0.0;       // from the phase's start to the item's start (the pool's hand-over)
  double busy_s = 0.0;        // running its chunks (wall)
  double cpu_s = 0.0;         // running its chunks (its thread's CPU time)
  double wait_s = 0.0;        // from its last chunk's end to the phase's end (waiting for the others)
  int64_t chunks = 0;         // chunks it ran
};
struct TrainProfile {
  int64_t steps = 0;
  TrainPhase step;            // the whole steps
  TrainPhase pack;            // the dense weights packed as GEMM operands (when they changed)
  TrainPhase chunks;          // the chunks' forward and backward passes, on the pool
  TrainPhase dense_grad;      // the dense layers' weight-gradient GEMMs and bias sums, over the batch
  TrainPhase reduce;          // the conv layers' chunk gradients added, and the optimiser's update
  std::vector<TrainChunkThread> threads; // the chunk phase per item of its loop
};

// One network and its optimiser state. Not thread-safe: call it from one thread at a time (its work
// runs on options().pool); a default-constructed one is empty, use build().
class TrainableNetwork {
public:
  // Checks the stack (analyze_network, parameters, kTrainClasses outputs, memory) and initialises the
  // weights from options.seed. Errors name the layer: "layer 12 (dense5): the network ends in 5 values; …".
  static Expected<TrainableNetwork> build(const NetShape& input, const std::vector<NetLayer>& layers,
                                          const TrainOptions& options = {});
  TrainableNetwork();
  ~TrainableNetwork();
  TrainableNetwork(TrainableNetwork&&) noexcept;
  TrainableNetwork& operator=(TrainableNetwork&&) noexcept;

  const NetShape& input_shape() const noexcept;
  const std::vector<NetLayer>& layers() const noexcept;
  const TrainOptions& options() const noexcept;
  int64_t parameter_count() const noexcept;
  int64_t input_size() const noexcept;        // floats per image (C·H·W)
  int64_t memory_bytes() const noexcept;      // the estimate build() checked against the limit (a workspace per chunk)
  int64_t steps() const noexcept;             // optimiser steps taken
  void set_pool(ThreadPool* pool) noexcept;
  void set_learning_rate(float lr) noexcept;  // from the next step on
  // Time the steps' phases from now on (the figures start at zero), or stop (the default: nothing is
  // timed). profile(): the figures so far.
  void set_profiling(bool on);
  TrainProfile profile() const;

  // One optimiser step on n images (n · input_size() normalised floats) with labels in [0, 10);
  // 1 ≤ n ≤ options().batch. The mean loss of the batch before the step.
  Expected<double> train_step(const float* images, const uint8_t* labels, int64_t n);
  // The mean loss of n images and its gradient with respect to every weight (gradients()), no step.
  Expected<double> compute_gradients(const float* images, const uint8_t* labels, int64_t n);
  // The gradients of the latest train_step() or compute_gradients(), named and shaped as state_dict().
  std::vector<NamedTensor> gradients() const;
  // Logits (n, 10) for n images, 1 ≤ n ≤ options().batch; keeps the first image's feature maps.
  Expected<Tensor> forward(const float* images, int64_t n);
  // softmax(forward()): class probabilities (n, 10).
  Expected<Tensor> predict(const float* images, int64_t n);
  // Accumulates into `into` the predictions of images [begin, end) of data (clamped to data.size()),
  // shifted by (dy, dx) with black fill, in forward passes of options().batch images. Call it on
  // consecutive ranges to time-slice an evaluation.
  std::string evaluate(const Dataset& data, int64_t begin, int64_t end, Evaluation& into, int64_t dy = 0,
                       int64_t dx = 0);

  // The output of every layer for the first image of the latest forward() or predict() (not
  // train_step() or evaluate()): layer i's output as (C, H, W) or (values). Empty before any.
  std::vector<Tensor> feature_maps() const;
  // The first conv layer's weights (M, C, K, K); empty when there is no conv layer.
  Tensor first_conv_weights() const;
  // The weights under the names and in the shapes of the equivalent nn.Sequential's state_dict(),
  // in its order (LeNet-5: 0.weight, 0.bias, 3.*, 7.*, 9.*, 11.*; the mlp: 1.*, 3.*, 5.*).
  std::vector<NamedTensor> state_dict() const;
  // Replaces every weight; "" or an error (a missing, unknown or misshapen tensor); nothing changes on
  // an error. Resets the optimiser state.
  std::string load_state_dict(const std::vector<NamedTensor>& tensors);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace convplay
