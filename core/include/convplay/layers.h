// convplay/layers.h — element-wise activations, the dense (fully connected) layer, and softmax with
// cross-entropy loss, forward and backward, as torch.nn.functional computes them.
#pragma once
#include <convplay/tensor.h>

namespace convplay {

enum class Activation { ReLU, LeakyReLU, Sigmoid, Tanh };
const char* activation_name(Activation a) noexcept; // "relu", "leaky_relu", "sigmoid", "tanh"

// y = f(x), any shape. negative_slope is leaky ReLU's slope for x < 0 (PyTorch's default 0.01).
Tensor activation(const Tensor& x, Activation a, float negative_slope = 0.01f);
// dL/dx = f'(x) · dL/dy; ReLU's derivative at 0 is 0 (PyTorch's choice).
Expected<Tensor> activation_backward(const Tensor& x, const Tensor& grad_output, Activation a,
                                     float negative_slope = 0.01f);

// y = x · wᵀ + b (F.linear): x (N, IN) or (IN), w (OUT, IN), bias (OUT) or null.
Expected<Tensor> dense(const Tensor& x, const Tensor& w, const Tensor* bias);
struct DenseGradients {
  Tensor input, weight, bias; // bias empty when there is none
};
Expected<DenseGradients> dense_backward(const Tensor& x, const Tensor& w, bool with_bias, const Tensor& grad_output);

// Mean cross-entropy of softmax(logits) against class labels (F.cross_entropy, reduction 'mean').
// logits (N, K) or (K); labels (N) or (1) with values in [0, K).
struct SoftmaxCrossEntropy {
  double loss = 0.0;   // mean over the batch
  Tensor probabilities; // softmax(logits), shape of logits
};
Expected<SoftmaxCrossEntropy> softmax_cross_entropy(const Tensor& logits, const IndexTensor& labels);
// dL/dlogits = (softmax − onehot(label)) / N, times grad_loss.
Expected<Tensor> softmax_cross_entropy_backward(const Tensor& logits, const IndexTensor& labels, double grad_loss = 1.0);
// softmax along the last axis.
Tensor softmax(const Tensor& logits);

} // namespace convplay
