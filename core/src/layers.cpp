// Activations, the dense layer and softmax cross-entropy (see convplay/layers.h).
#include <convplay/layers.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace convplay {
namespace {
std::string num(int64_t v) { return std::to_string(v); }
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
} // namespace

const char* activation_name(Activation a) noexcept {
  switch (a) {
  case Activation::ReLU: return "relu";
  case Activation::LeakyReLU: return "leaky_relu";
  case Activation::Sigmoid: return "sigmoid";
  case Activation::Tanh: return "tanh";
  }
  return "?";
}

Tensor activation(const Tensor& x, Activation a, float slope) {
  Tensor y = x;
  for (float& v : y.data) {
    switch (a) {
    case Activation::ReLU: v = v > 0.0f ? v : 0.0f; break;
    case Activation::LeakyReLU: v = v > 0.0f ? v : v * slope; break;
    case Activation::Sigmoid: v = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(v)))); break;
    case Activation::Tanh: v = std::tanh(v); break;
    }
  }
  return y;
}

Expected<Tensor> activation_backward(const Tensor& x, const Tensor& gy, Activation a, float slope) {
  if (gy.shape != x.shape || gy.numel() != x.numel())
    return Error{"grad_output has shape " + shape_string(gy.shape) + " but the input has shape " + shape_string(x.shape)};
  Tensor gx = x;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double v = x[i], g = gy[i];
    double d = 0.0;
    switch (a) {
    case Activation::ReLU: d = v > 0.0 ? 1.0 : 0.0; break;
    case Activation::LeakyReLU: d = v > 0.0 ? 1.0 : slope; break;
    case Activation::Sigmoid: { const double s = 1.0 / (1.0 + std::exp(-v)); d = s * (1.0 - s); break; }
    case Activation::Tanh: { const double t = std::tanh(v); d = 1.0 - t * t; break; }
    }
    gx[i] = static_cast<float>(d * g);
  }
  return gx;
}

namespace {
struct DenseDims { int64_t N, IN, OUT; };
Expected<DenseDims> dense_dims(const Tensor& x, const Tensor& w) {
  if (x.rank() != 1 && x.rank() != 2) return Error{"dense input must be (N, IN) or (IN), got shape " + shape_string(x.shape)};
  if (w.rank() != 2) return Error{"dense weight must be (OUT, IN), got shape " + shape_string(w.shape)};
  const int64_t N = x.rank() == 2 ? x.shape[0] : 1, IN = x.shape.back();
  if (N < 1 || IN < 1 || w.shape[0] < 1) return Error{"dense layer sizes must be at least 1"};
  if (w.shape[1] != IN)
    return Error{"dense weight " + shape_string(w.shape) + " expects " + num(w.shape[1]) + " inputs, but the input has " + num(IN)};
  int64_t n = 0;
  if (!checked_numel(x.shape, n) || n != x.numel() || !checked_numel(w.shape, n) || n != w.numel())
    return Error{"dense operands' data do not match their shapes"};
  if (!checked_numel({N, w.shape[0]}, n) || n > kMaxTensorElements) return Error{"dense output too large"};
  return DenseDims{N, IN, w.shape[0]};
}
} // namespace

Expected<Tensor> dense(const Tensor& x, const Tensor& w, const Tensor* bias) {
  auto d = dense_dims(x, w);
  if (!d) return Error{d.error()};
  if (bias && (bias->rank() != 1 || bias->shape[0] != d->OUT || bias->numel() != d->OUT))
    return Error{"bias must have shape (" + num(d->OUT) + ",), got " + shape_string(bias->shape)};
  Tensor y = zeros(x.rank() == 2 ? std::vector<int64_t>{d->N, d->OUT} : std::vector<int64_t>{d->OUT});
  for (int64_t n = 0; n < d->N; ++n)
    for (int64_t o = 0; o < d->OUT; ++o) {
      double acc = 0.0;
      for (int64_t i = 0; i < d->IN; ++i) acc += static_cast<double>(x[n * d->IN + i]) * w[o * d->IN + i];
      if (bias) acc += (*bias)[o];
      y[n * d->OUT + o] = static_cast<float>(acc);
    }
  return y;
}

Expected<DenseGradients> dense_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& gy) {
  auto d = dense_dims(x, w);
  if (!d) return Error{d.error()};
  const std::vector<int64_t> ys = x.rank() == 2 ? std::vector<int64_t>{d->N, d->OUT} : std::vector<int64_t>{d->OUT};
  if (gy.shape != ys || gy.numel() != d->N * d->OUT)
    return Error{"grad_output has shape " + shape_string(gy.shape) + " but the output has shape " + shape_string(ys)};
  DenseGradients g;
  g.input = zeros(x.shape);
  g.weight = zeros(w.shape);
  for (int64_t n = 0; n < d->N; ++n)
    for (int64_t i = 0; i < d->IN; ++i) {
      double acc = 0.0;
      for (int64_t o = 0; o < d->OUT; ++o) acc += static_cast<double>(gy[n * d->OUT + o]) * w[o * d->IN + i];
      g.input[n * d->IN + i] = static_cast<float>(acc);
    }
  for (int64_t o = 0; o < d->OUT; ++o)
    for (int64_t i = 0; i < d->IN; ++i) {
      double acc = 0.0;
      for (int64_t n = 0; n < d->N; ++n) acc += static_cast<double>(gy[n * d->OUT + o]) * x[n * d->IN + i];
      g.weight[o * d->IN + i] = static_cast<float>(acc);
    }
  if (with_bias) {
    g.bias = zeros({d->OUT});
    for (int64_t o = 0; o < d->OUT; ++o) {
      double acc = 0.0;
      for (int64_t n = 0; n < d->N; ++n) acc += gy[n * d->OUT + o];
      g.bias[o] = static_cast<float>(acc);
    }
  }
  return g;
}

Tensor softmax(const Tensor& logits) {
  Tensor p = logits;
  const int64_t K = logits.rank() >= 1 ? logits.shape.back() : 0;
  if (K < 1) return p;
  for (int64_t r = 0; r < logits.numel() / K; ++r) {
    double mx = -std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < K; ++k) mx = std::max(mx, static_cast<double>(logits[r * K + k]));
    double sum = 0.0;
    for (int64_t k = 0; k < K; ++k) sum += std::exp(static_cast<double>(logits[r * K + k]) - mx);
    for (int64_t k = 0; k < K; ++k) p[r * K + k] = static_cast<float>(std::exp(static_cast<double>(logits[r * K + k]) - mx) / sum);
  }
  return p;
}

namespace {
Expected<int64_t> check_labels(const Tensor& logits, const IndexTensor& labels) {
  if (logits.rank() != 1 && logits.rank() != 2)
    return Error{"logits must be (N, K) or (K), got shape " + shape_string(logits.shape)};
  const int64_t N = logits.rank() == 2 ? logits.shape[0] : 1, K = logits.shape.back();
  if (N < 1 || K < 1 || logits.numel() != N * K) return Error{"logits have shape " + shape_string(logits.shape)};
  if (labels.numel() != N) return Error{"there are " + num(labels.numel()) + " labels for " + num(N) + " rows of logits"};
  for (int64_t l : labels.data)
    if (l < 0 || l >= K) return Error{"label " + num(l) + " is not a class in [0, " + num(K) + ")"};
  return N;
}
} // namespace

Expected<SoftmaxCrossEntropy> softmax_cross_entropy(const Tensor& logits, const IndexTensor& labels) {
  auto N = check_labels(logits, labels);
  if (!N) return Error{N.error()};
  const int64_t K = logits.shape.back();
  SoftmaxCrossEntropy r;
  r.probabilities = softmax(logits);
  double total = 0.0;
  for (int64_t n = 0; n < *N; ++n) {
    // −log softmax = logsumexp − logit, computed stably
    double mx = -std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < K; ++k) mx = std::max(mx, static_cast<double>(logits[n * K + k]));
    double sum = 0.0;
    for (int64_t k = 0; k < K; ++k) sum += std::exp(static_cast<double>(logits[n * K + k]) - mx);
    total += mx + std::log(sum) - logits[n * K + labels.data[at(n)]];
  }
  r.loss = total / static_cast<double>(*N);
  return r;
}

Expected<Tensor> softmax_cross_entropy_backward(const Tensor& logits, const IndexTensor& labels, double grad_loss) {
  auto N = check_labels(logits, labels);
  if (!N) return Error{N.error()};
  const int64_t K = logits.shape.back();
  Tensor g = softmax(logits);
  for (int64_t n = 0; n < *N; ++n) {
    for (int64_t k = 0; k < K; ++k) {
      const double onehot = k == labels.data[at(n)] ? 1.0 : 0.0;
      g[n * K + k] = static_cast<float>((g[n * K + k] - onehot) * grad_loss / static_cast<double>(*N));
    }
  }
  return g;
}

} // namespace convplay
