// Training (train.h): whole-network gradients against finite differences and as the sum of their
// chunks', the same weights for 0, 1 and 3 worker threads, the optimisers' formulas, refused stacks,
// state_dict names, the epoch order, evaluation and feature maps (every layer's, a fused ReLU's too),
// the step profile.
// Small sizes only. The data it trains on: dataset_tests.cpp.
#include "test_support.h"

#include <convplay/conv.h>
#include <convplay/dataset.h>
#include <convplay/layers.h>
#include <convplay/pool.h>
#include <convplay/train.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

using namespace convplay;
using namespace convplay::test;

namespace {
std::vector<float> random_inputs(std::mt19937& rng, int64_t count) {
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (auto& x : v) x = d(rng);
  return v;
}

std::vector<uint8_t> random_labels(std::mt19937& rng, int64_t n) {
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<uint8_t>(rng() % kTrainClasses);
  return v;
}

TrainableNetwork build(const NetShape& in, const std::string& stack, TrainOptions o = {}) {
  auto layers = parse_network(stack);
  REQUIRE(layers.ok());
  auto net = TrainableNetwork::build(in, *layers, o);
  INFO(stack << ": " << net.error());
  REQUIRE(net.ok());
  return std::move(net).value();
}
} // namespace

// ---- gradients ------------------------------------------------------------------------------------

TEST_CASE("train: whole-network gradients equal finite differences", "[train][gradient]") {
  // Smooth activations, and ReLU / max pooling on inputs where no kink lies within the step.
  const char* stacks[] = {
      "conv3k3p1,tanh,pool2,conv4k2,sigmoid,flatten,dense10",
      "conv2k3s2p1,relu,avgpool2,flatten,dense6,tanh,dense10",
      "conv3k3same,sigmoid,avgpool3s2,flatten,dense10",
      "conv4k3,tanh,maxpool2s1,flatten,dense8,relu,dense10",
      "flatten,dense7,sigmoid,dense5,tanh,dense10",
  };
  const int which = GENERATE(range(0, 5));
  const std::string stack = stacks[which];
  std::mt19937 rng = seeded_rng(0x7A1, which);
  const NetShape in{false, 2, 7, 7};
  TrainableNetwork net = build(in, stack);
  const int64_t n = 3;
  const auto x = random_inputs(rng, n * net.input_size());
  const auto y = random_labels(rng, n);
  REQUIRE(net.compute_gradients(x.data(), y.data(), n).ok());
  const auto grads = net.gradients();
  auto weights = net.state_dict();
  REQUIRE(grads.size() == weights.size());
  // A ReLU or max-pool kink within the step bends the difference quotient: where the quotients at eps
  // and eps/2 disagree, the element is counted as kinked and not compared (at most 5 % of them).
  constexpr double eps = 1e-3, tol = 2e-3;
  int64_t checked = 0, bad = 0, kinked = 0;
  for (size_t t = 0; t < weights.size(); ++t) {
    REQUIRE(grads[t].tensor.shape == weights[t].tensor.shape);
    for (int64_t i = 0; i < weights[t].tensor.numel(); ++i) {
      const float keep = weights[t].tensor[i];
      auto loss_at = [&](double v) {
        weights[t].tensor[i] = static_cast<float>(v);
        REQUIRE(net.load_state_dict(weights).empty());
        return net.compute_gradients(x.data(), y.data(), n).value();
      };
      const double numeric = (loss_at(keep + eps) - loss_at(keep - eps)) / (2 * eps);
      const double half = (loss_at(keep + eps / 2) - loss_at(keep - eps / 2)) / eps;
      weights[t].tensor[i] = keep;
      const double analytic = grads[t].tensor[i];
      ++checked;
      if (std::fabs(numeric - half) > tol * (1.0 + std::fabs(numeric))) {
        ++kinked;
        continue;
      }
      if (std::fabs(numeric - analytic) > tol * (1.0 + std::fabs(numeric))) {
        ++bad;
        UNSCOPED_INFO(stack << " " << weights[t].name << "[" << i << "]: analytic " << analytic << ", numeric " << numeric);
      }
    }
  }
  INFO(stack << ": " << bad << " of " << checked << " parameters differ, " << kinked << " near a kink");
  CHECK(bad == 0);
  CHECK(kinked <= checked / 20);
}

TEST_CASE("train: a ReLU and 2x2 max pool pass the references' gradient at every row width", "[train][gradient]") {
  // The pool's backward pass (fused with the ReLU's) runs four windows per vector and, where a row's
  // windows do not fill the last vector, the row's last four again: widths of 1 to 13 windows cover
  // every remainder. Reference: conv2d, ReLU, max_pool2d, dense and their backward passes (double).
  const int64_t ow = GENERATE(range(1, 14));
  const int64_t H = 6, W = 2 * ow + ow % 2, n = 3; // an odd width leaves a column no window covers
  std::mt19937 rng = seeded_rng(0x7A9, ow);
  TrainableNetwork net = build(NetShape{false, 2, H, W}, "conv3k1,relu,maxpool2,flatten,dense10");
  const auto x = random_inputs(rng, n * net.input_size());
  const auto y = random_labels(rng, n);
  REQUIRE(net.compute_gradients(x.data(), y.data(), n).ok());
  const auto weights = net.state_dict(); // 0.weight, 0.bias, 4.weight, 4.bias
  const auto grads = net.gradients();
  REQUIRE(weights.size() == 4);

  Tensor xt = zeros({n, 2, H, W});
  xt.data.assign(x.begin(), x.end());
  IndexTensor labels;
  labels.shape = {n};
  for (int64_t k = 0; k < n; ++k) labels.data.push_back(y[static_cast<size_t>(k)]);
  Conv2dParams cp;
  const Tensor conv = conv2d(xt, weights[0].tensor, &weights[1].tensor, cp).value();
  const Tensor relu = activation(conv, Activation::ReLU);
  Pool2dParams pp;
  pp.kernel_h = pp.kernel_w = 2;
  const MaxPool2dResult pooled = max_pool2d(relu, pp).value();
  Tensor flat = pooled.output;
  flat.shape = {n, pooled.output.numel() / n};
  const Tensor logits = dense(flat, weights[2].tensor, &weights[3].tensor).value();
  const Tensor g_logits = softmax_cross_entropy_backward(logits, labels).value();
  const DenseGradients gd = dense_backward(flat, weights[2].tensor, true, g_logits).value();
  Tensor g_pooled = gd.input;
  g_pooled.shape = pooled.output.shape;
  const Tensor g_relu = max_pool2d_backward(relu, pooled.indices, g_pooled, pp).value();
  const Tensor g_conv = activation_backward(conv, g_relu, Activation::ReLU).value();
  const ConvGradients gc = conv2d_backward(xt, weights[0].tensor, true, g_conv, cp).value();
  INFO("width " << W << " (" << ow << " windows per row)");
  CHECK_CLOSE(grads[0].tensor, gc.weight, 1e-4, 1e-6);
  CHECK_CLOSE(grads[1].tensor, gc.bias, 1e-4, 1e-6);
  CHECK_CLOSE(grads[2].tensor, gd.weight, 1e-4, 1e-6);
}

TEST_CASE("train: feature maps are every layer's output, the ReLU before a max pool included", "[train]") {
  // The max pool after a ReLU pools the ReLU's input and applies the ReLU to its output (the same
  // values); the ReLU's own output, which then no layer reads, is still a feature map.
  std::mt19937 rng = seeded_rng(0x7AB, 0);
  TrainableNetwork net = build(NetShape{false, 1, 14, 14}, "conv3k3,relu,maxpool2,conv4k3,relu,maxpool2,flatten,dense10");
  const int64_t n = 11; // more than one chunk: the maps are the first image's
  const auto x = random_inputs(rng, n * net.input_size());
  const Tensor logits = net.forward(x.data(), n).value();
  const auto maps = net.feature_maps();
  REQUIRE(maps.size() == 8);
  Pool2dParams pp;
  pp.kernel_h = pp.kernel_w = 2;
  for (size_t conv : {size_t{0}, size_t{3}}) {
    INFO("conv layer " << conv + 1);
    const Tensor relu = activation(maps[conv], Activation::ReLU);
    CHECK(maps[conv + 1].data == relu.data);
    const Tensor pooled = max_pool2d(relu, pp).value().output;
    CHECK(maps[conv + 2].shape == pooled.shape);
    CHECK(maps[conv + 2].data == pooled.data);
  }
  for (int64_t j = 0; j < kTrainClasses; ++j) CHECK(maps[7][j] == logits[j]);
  // Each layer's output from the previous map by the references (conv in double: close, not equal).
  const auto w = net.state_dict();
  Tensor image = zeros({1, 1, 14, 14});
  std::copy(x.begin(), x.begin() + 196, image.data.begin());
  Tensor conv1 = conv2d(image, w[0].tensor, &w[1].tensor, Conv2dParams{}).value();
  conv1.shape = maps[0].shape;
  CHECK_CLOSE(maps[0], conv1, 1e-5, 1e-6);
  Tensor pooled1 = maps[2];
  pooled1.shape = {1, 3, 6, 6};
  Tensor conv2 = conv2d(pooled1, w[2].tensor, &w[3].tensor, Conv2dParams{}).value();
  conv2.shape = maps[3].shape;
  CHECK_CLOSE(maps[3], conv2, 1e-5, 1e-6);
}

// ---- threads --------------------------------------------------------------------------------------

TEST_CASE("train: a batch's gradient is its chunks' gradients added", "[train][gradient]") {
  // 20 images at batch 64 are three chunks (8, 8, 4): each chunk alone gives its images' mean gradient.
  STATIC_REQUIRE(train_chunk_images(64) == 8);
  std::mt19937 rng = seeded_rng(0x7A5, 0);
  TrainableNetwork net = build(kFashionInput, "conv4k5p2,relu,maxpool2,conv6k3,tanh,avgpool2,flatten,dense16,relu,dense10");
  const int64_t n = 20;
  const auto x = random_inputs(rng, n * net.input_size());
  const auto y = random_labels(rng, n);
  REQUIRE(net.compute_gradients(x.data(), y.data(), n).ok());
  const auto whole = net.gradients();
  std::vector<std::vector<double>> sum(whole.size());
  for (size_t t = 0; t < whole.size(); ++t) sum[t].assign(whole[t].tensor.data.size(), 0.0);
  for (int64_t begin = 0; begin < n; begin += 8) {
    const int64_t count = std::min<int64_t>(8, n - begin);
    REQUIRE(net.compute_gradients(x.data() + begin * net.input_size(), y.data() + begin, count).ok());
    const auto part = net.gradients();
    for (size_t t = 0; t < part.size(); ++t)
      for (size_t i = 0; i < part[t].tensor.data.size(); ++i) sum[t][i] += part[t].tensor.data[i] * static_cast<double>(count) / static_cast<double>(n);
  }
  for (size_t t = 0; t < whole.size(); ++t) {
    double err = 0, norm = 0;
    for (size_t i = 0; i < sum[t].size(); ++i) {
      err = std::max(err, std::fabs(whole[t].tensor.data[i] - sum[t][i]));
      norm = std::max(norm, std::fabs(sum[t][i]));
    }
    INFO(whole[t].name << ": largest difference " << err << " of " << norm);
    CHECK(err <= 1e-5 * norm + 1e-9);
  }
}

TEST_CASE("train: same weights with 0, 1 and 3 worker threads", "[train][thread]") {
  std::mt19937 rng = seeded_rng(0x7A2, 0);
  const int64_t n = 64;
  // Eight chunks per full batch (more than the threads), and batches whose last chunk is short.
  STATIC_REQUIRE(n / train_chunk_images(n) == 8);
  const int64_t sizes[] = {64, 61, 64, 9, 64};
  const auto x = random_inputs(rng, 5 * n * 784);
  const auto y = random_labels(rng, 5 * n);
  for (const char* model : {"lenet5", "conv8k3s2p1,relu,avgpool2,flatten,dense32,tanh,dense10"}) {
    std::vector<std::vector<NamedTensor>> results;
    std::vector<std::vector<double>> losses;
    for (size_t workers : {0, 1, 3}) {
      ThreadPool pool(workers);
      TrainOptions o;
      o.pool = &pool;
      TrainableNetwork net = build(kFashionInput, std::string(model) == "lenet5" ? network_text(lenet5_layers()) : model, o);
      losses.emplace_back();
      for (int s = 0; s < 5; ++s)
        losses.back().push_back(net.train_step(x.data() + s * n * 784, y.data() + s * n, sizes[s]).value());
      // Evaluation runs the same chunks: the same logits.
      losses.back().push_back(net.forward(x.data(), 37).value().data[36 * 10 + 3]);
      results.push_back(net.state_dict());
    }
    for (size_t r = 1; r < results.size(); ++r) {
      INFO(model << ": run " << r);
      CHECK(losses[r] == losses[0]);
      REQUIRE(results[r].size() == results[0].size());
      for (size_t t = 0; t < results[0].size(); ++t) {
        INFO(results[0][t].name);
        CHECK(std::memcmp(results[r][t].tensor.data.data(), results[0][t].tensor.data.data(),
                          results[0][t].tensor.data.size() * sizeof(float)) == 0);
      }
    }
  }
}

TEST_CASE("train: the profile counts the steps and their chunks and changes no result", "[train][thread]") {
  std::mt19937 rng = seeded_rng(0x7AC, 0);
  const int64_t sizes[] = {64, 9, 64}; // 8, 2 and 8 chunks
  const auto x = random_inputs(rng, 3 * 64 * 784);
  const auto y = random_labels(rng, 3 * 64);
  ThreadPool pool(1);
  TrainOptions o;
  o.pool = &pool;
  std::vector<std::vector<NamedTensor>> results;
  for (bool on : {false, true}) {
    TrainableNetwork net = build(kFashionInput, network_text(lenet5_layers()), o);
    net.set_profiling(on);
    for (int s = 0; s < 3; ++s) REQUIRE(net.train_step(x.data() + s * 64 * 784, y.data() + s * 64, sizes[s]).ok());
    REQUIRE(net.forward(x.data(), 5).ok()); // not a step
    results.push_back(net.state_dict());
    const TrainProfile p = net.profile();
    if (!on) {
      CHECK(p.steps == 0);
      CHECK(p.threads.empty());
      continue;
    }
    CHECK(p.steps == 3);
    int64_t chunks = 0;
    for (const TrainChunkThread& t : p.threads) {
      chunks += t.chunks;
      CHECK(t.busy_s >= 0.0);
      CHECK(t.wait_s >= -1e-6);
    }
    CHECK(p.threads.size() == pool.workers() + 1); // the caller and the worker (none without threads)
    CHECK(chunks == 18);
    const double phases = p.pack.wall_s + p.chunks.wall_s + p.dense_grad.wall_s + p.reduce.wall_s;
    CHECK(p.chunks.wall_s > 0.0);
    CHECK(phases <= p.step.wall_s);
    net.set_profiling(false);
    CHECK(net.profile().steps == 0);
  }
  for (size_t t = 0; t < results[0].size(); ++t) {
    INFO(results[0][t].name);
    CHECK(results[1][t].tensor.data == results[0][t].tensor.data);
  }
}

// ---- optimisers and initialisation --------------------------------------------------------------

TEST_CASE("train: Adam and SGD steps follow torch.optim's formulas", "[train]") {
  std::mt19937 rng = seeded_rng(0x7A3, 0);
  const NetShape in{true, 5, 1, 1};
  const auto x = random_inputs(rng, 4 * 5);
  const auto y = random_labels(rng, 4);
  for (OptimizerKind kind : {OptimizerKind::Adam, OptimizerKind::Sgd}) {
    TrainOptions o;
    o.optimizer = kind;
    o.lr = 0.01f;
    TrainableNetwork net = build(in, "dense10", o);
    std::vector<double> w(50), m(50, 0.0), v(50, 0.0);
    for (int s = 1; s <= 3; ++s) {
      const auto before = net.state_dict()[0].tensor;
      REQUIRE(net.compute_gradients(x.data(), y.data(), 4).ok());
      const auto g = net.gradients()[0].tensor;
      REQUIRE(net.train_step(x.data(), y.data(), 4).ok());
      const auto after = net.state_dict()[0].tensor;
      for (int i = 0; i < 50; ++i) {
        double expect;
        if (kind == OptimizerKind::Adam) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * double(g[i]) * g[i];
          const double mh = m[i] / (1 - std::pow(0.9, s)), vh = v[i] / (1 - std::pow(0.999, s));
          expect = before[i] - 0.01 * mh / (std::sqrt(vh) + 1e-8);
        } else {
          m[i] = s == 1 ? g[i] : 0.9 * m[i] + g[i];
          expect = before[i] - 0.01 * m[i];
        }
        INFO(optimizer_name(kind) << " step " << s << " weight " << i);
        CHECK(after[i] == Approx(expect).epsilon(1e-5).margin(1e-7));
      }
    }
  }
}

TEST_CASE("train: initial weights are U(±1/√fan_in), the same for the same seed", "[train]") {
  TrainOptions o;
  o.seed = 7;
  TrainableNetwork a = build(kFashionInput, network_text(lenet5_layers()), o);
  TrainableNetwork b = build(kFashionInput, network_text(lenet5_layers()), o);
  o.seed = 8;
  TrainableNetwork c = build(kFashionInput, network_text(lenet5_layers()), o);
  const int64_t fan_in[] = {25, 25, 150, 150, 400, 400, 120, 120, 84, 84};
  const auto sa = a.state_dict(), sb = b.state_dict(), sc = c.state_dict();
  REQUIRE(sa.size() == 10);
  for (size_t t = 0; t < sa.size(); ++t) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in[t]));
    float lo = 1, hi = -1;
    for (float f : sa[t].tensor.data) lo = std::min(lo, f), hi = std::max(hi, f);
    INFO(sa[t].name);
    CHECK(lo >= -bound);
    CHECK(hi <= bound);
    CHECK(hi - lo > bound); // spread over the range
    CHECK(sa[t].tensor.data == sb[t].tensor.data);
    CHECK(sa[t].tensor.data != sc[t].tensor.data);
  }
}

// ---- stacks, names, state_dict --------------------------------------------------------------------

TEST_CASE("train: the presets have the protocol's parameters and PyTorch's state_dict names", "[train]") {
  TrainableNetwork lenet = build(kFashionInput, network_text(lenet5_layers()));
  TrainableNetwork mlp = build(kFashionInput, network_text(mlp_layers()));
  CHECK(lenet.parameter_count() == 61706);
  CHECK(mlp.parameter_count() == 235146);
  std::vector<std::string> names;
  std::vector<std::string> shapes;
  for (const auto& t : lenet.state_dict()) names.push_back(t.name), shapes.push_back(shape_string(t.tensor.shape));
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight",
                                           "9.bias", "11.weight", "11.bias"});
  CHECK(shapes == std::vector<std::string>{"(6, 1, 5, 5)", "(6,)", "(16, 6, 5, 5)", "(16,)", "(120, 400)", "(120,)",
                                            "(84, 120)", "(84,)", "(10, 84)", "(10,)"});
  names.clear();
  for (const auto& t : mlp.state_dict()) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"});
  CHECK(lenet.first_conv_weights().shape == std::vector<int64_t>{6, 1, 5, 5});
  CHECK(mlp.first_conv_weights().numel() == 0);
  // 'same' at stride 2 on 28 pads unevenly: pytorch_code() puts an nn.ZeroPad2d (index 0) first.
  TrainableNetwork padded = build(kFashionInput, "conv4k3s2same,relu,flatten,dense10");
  CHECK(padded.state_dict()[0].name == "1.weight");
  CHECK(pytorch_code(kFashionInput, padded.layers())->find("nn.ZeroPad2d") != std::string::npos);
  CHECK(train_model_layers("lenet5").value() == lenet5_layers());
  CHECK(!train_model_layers("resnet").ok());
}

TEST_CASE("train: stacks that cannot train are refused, naming the layer", "[train]") {
  auto refuse = [](const std::string& stack, const std::string& part, TrainOptions o = {}) {
    auto layers = parse_network(stack);
    REQUIRE(layers.ok());
    auto net = TrainableNetwork::build(kFashionInput, *layers, o);
    INFO(stack << ": " << net.error());
    CHECK(!net.ok());
    CHECK(net.error().find(part) != std::string::npos);
  };
  refuse("flatten", "no parameters");
  refuse("conv6k5,relu,flatten,dense5", "layer 4 (dense5)");
  refuse("conv10k28", "layer 1 (conv10k28)"); // 10×1×1 is not flat
  refuse("flatten,conv6k5", "layer 2 (conv6k5)");
  refuse("conv512k3same,relu,conv512k3same,flatten,dense10", "more than the limit of 256 MiB");
  TrainOptions big;
  big.batch = 0;
  refuse("flatten,dense10", "batch", big);
}

TEST_CASE("train: load_state_dict checks names and shapes and changes nothing on an error", "[train]") {
  TrainableNetwork net = build(kFashionInput, network_text(mlp_layers()));
  const auto keep = net.state_dict();
  auto bad = keep;
  bad[2].tensor.shape = {128, 128};
  CHECK(net.load_state_dict(bad).find("3.weight has shape (128, 128)") != std::string::npos);
  bad = keep;
  bad.pop_back();
  CHECK(net.load_state_dict(bad).find("5.bias is missing") != std::string::npos);
  bad = keep;
  bad.push_back({"7.weight", zeros({1})});
  CHECK(net.load_state_dict(bad).find("7.weight is not in this network") != std::string::npos);
  CHECK(net.state_dict()[2].tensor.data == keep[2].tensor.data);
  auto changed = keep;
  changed[0].tensor.data[0] = 0.5f;
  CHECK(net.load_state_dict(changed).empty());
  CHECK(net.state_dict()[0].tensor.data[0] == 0.5f);
}

TEST_CASE("train: epoch orders are permutations fixed by (seed, epoch)", "[train]") {
  const auto a = epoch_order(1, 0, 1000), b = epoch_order(1, 0, 1000), c = epoch_order(1, 1, 1000),
             d = epoch_order(2, 0, 1000);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> iota(1000);
  std::iota(iota.begin(), iota.end(), 0);
  CHECK(sorted == iota);
}

TEST_CASE("train: evaluate counts, confuses and shifts, and feature maps of the last image", "[train]") {
  std::mt19937 rng = seeded_rng(0x7A4, 0);
  std::vector<uint8_t> pixels(50 * 784), labels(50);
  for (auto& p : pixels) p = static_cast<uint8_t>(rng() % 256);
  for (auto& l : labels) l = static_cast<uint8_t>(rng() % 10);
  const Dataset data = Dataset::from_arrays(pixels, labels, 28, 28).value();
  TrainOptions o;
  o.batch = 16;
  TrainableNetwork net = build(kFashionInput, network_text(lenet5_layers()), o);
  Evaluation whole, parts;
  REQUIRE(net.evaluate(data, 0, 50, whole).empty());
  REQUIRE(net.evaluate(data, 0, 7, parts).empty());
  REQUIRE(net.evaluate(data, 7, 100, parts).empty()); // clamped to the 50 images
  CHECK(whole.total == 50);
  CHECK(parts.total == 50);
  CHECK(parts.correct == whole.correct);
  CHECK(parts.predicted == whole.predicted);
  CHECK(std::accumulate(whole.confusion.begin(), whole.confusion.end(), int64_t{0}) == 50);
  // The prediction of image 3 equals the argmax of predict() on it, shifted or not.
  std::vector<float> x(784);
  for (int64_t shift : {0, 3}) {
    Evaluation e;
    REQUIRE(net.evaluate(data, 3, 4, e, shift, -shift).empty());
    data.inputs_range(3, 1, x.data(), shift, -shift);
    const Tensor p = net.predict(x.data(), 1).value();
    CHECK(std::max_element(p.data.begin(), p.data.end()) - p.data.begin() == e.predicted[0]);
  }
  const auto maps = net.feature_maps();
  REQUIRE(maps.size() == 12);
  CHECK(maps[0].shape == std::vector<int64_t>{6, 28, 28});
  CHECK(maps[6].shape == std::vector<int64_t>{400});
  CHECK(maps[11].shape == std::vector<int64_t>{10});
}
