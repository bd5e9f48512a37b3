// convplay/shape.h — shape arithmetic of convolution along one axis, as pure constexpr functions.
//
// Output length (PyTorch's formula):  floor((N + P0 + P1 − D·(K − 1) − 1) / S) + 1
// where the padding P0 (before) and P1 (after) follow from the mode:
//   valid     P0 = P1 = 0                                  (N − K + 1 at S = D = 1)
//   full      P0 = P1 = D·(K − 1)                          (N + K − 1)
//   same      P0 + P1 = D·(K − 1); output N at stride 1. An odd total cannot split evenly:
//             cross-correlation (flip = false) follows PyTorch, the extra row/column goes after
//             (bottom/right); true convolution (flip = true) follows scipy.signal.convolve2d(mode='same'),
//             which centres the full result, so the extra goes before. At stride S > 1 'same' gives
//             ceil(N / S) outputs with the least padding that does it (TensorFlow's rule).
//   explicit  P0, P1 as given
// Errors are values: an impossible configuration returns a ShapeError and describe() words it.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace convplay {

enum class Padding { Valid, Same, Full, Explicit };

struct AxisSpec {
  int64_t input = 1;       // N: input length
  int64_t kernel = 1;      // K: kernel length
  int64_t stride = 1;      // S
  int64_t dilation = 1;    // D: distance between kernel taps
  Padding padding = Padding::Valid;
  int64_t pad_before = 0;  // used when padding == Explicit
  int64_t pad_after = 0;   // used when padding == Explicit
  bool flip = false;       // true convolution: 'same' then follows SciPy, otherwise PyTorch
};

enum class ShapeError {
  None,
  NonPositiveInput,
  NonPositiveKernel,
  NonPositiveStride,
  NonPositiveDilation,
  NegativePadding,
  KernelLargerThanPaddedInput,
  Overflow,
  PoolPaddingTooLarge,      // pooling: padding more than half the kernel (PyTorch's rule)
  OutputPaddingTooLarge,    // transposed conv: output_padding must be smaller than stride or dilation
  NonPositiveOutput,        // pooling / transposed conv: the output would have no element
  NegativeOutputPadding,    // transposed conv: output_padding < 0
};

struct AxisResult {
  ShapeError error = ShapeError::None;
  int64_t pad_before = 0, pad_after = 0;
  int64_t effective_kernel = 0; // D·(K − 1) + 1
  int64_t padded_input = 0;     // N + P0 + P1
  int64_t output = 0;
};

constexpr const char* padding_name(Padding p) noexcept {
  switch (p) {
  case Padding::Valid: return "valid";
  case Padding::Same: return "same";
  case Padding::Full: return "full";
  case Padding::Explicit: return "explicit";
  }
  return "?";
}

constexpr AxisResult conv_axis(const AxisSpec& s) noexcept {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4; // headroom for sums below
  AxisResult r;
  if (s.input < 1) { r.error = ShapeError::NonPositiveInput; return r; }
  if (s.kernel < 1) { r.error = ShapeError::NonPositiveKernel; return r; }
  if (s.stride < 1) { r.error = ShapeError::NonPositiveStride; return r; }
  if (s.dilation < 1) { r.error = ShapeError::NonPositiveDilation; return r; }
  if (s.input > kMax || s.stride > kMax || s.kernel - 1 > kMax / s.dilation) { r.error = ShapeError::Overflow; return r; }
  r.effective_kernel = s.dilation * (s.kernel - 1) + 1;
  const int64_t span = r.effective_kernel - 1;
  switch (s.padding) {
  case Padding::Valid: break;
  case Padding::Full: r.pad_before = r.pad_after = span; break;
  case Padding::Same: {
    int64_t total = span;
    if (s.stride > 1) { // ceil(N/S) outputs with the least padding
      const int64_t out = (s.input + s.stride - 1) / s.stride;
      total = (out - 1) * s.stride + r.effective_kernel - s.input;
      if (total < 0) total = 0;
    }
    r.pad_before = s.flip ? total - total / 2 : total / 2;
    r.pad_after = total - r.pad_before;
    break;
  }
  case Padding::Explicit:
    if (s.pad_before < 0 || s.pad_after < 0) { r.error = ShapeError::NegativePadding; return r; }
    if (s.pad_before > kMax || s.pad_after > kMax) { r.error = ShapeError::Overflow; return r; }
    r.pad_before = s.pad_before;
    r.pad_after = s.pad_after;
    break;
  }
  r.padded_input = s.input + r.pad_before + r.pad_after;
  if (r.padded_input < r.effective_kernel) { r.error = ShapeError::KernelLargerThanPaddedInput; return r; }
  r.output = (r.padded_input - r.effective_kernel) / s.stride + 1;
  return r;
}

// Pooling along one axis (PyTorch's max_pool2d / avg_pool2d): symmetric padding P ≤ K/2, and
//   out = floor((N + 2P − D(K − 1) − 1 + (ceil_mode ? S − 1 : 0)) / S) + 1,
// with ceil_mode dropping a last window that would start in the right padding.
struct PoolAxisSpec {
  int64_t input = 1;      // N
  int64_t kernel = 1;     // K
  int64_t stride = 0;     // S; 0 means S = K (PyTorch's default)
  int64_t padding = 0;    // P, on both sides
  int64_t dilation = 1;   // D (max pooling only)
  bool ceil_mode = false; // round the output length up instead of down
};

constexpr AxisResult pool_axis(const PoolAxisSpec& s) noexcept {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
  AxisResult r;
  if (s.input < 1) { r.error = ShapeError::NonPositiveInput; return r; }
  if (s.kernel < 1) { r.error = ShapeError::NonPositiveKernel; return r; }
  if (s.stride < 0) { r.error = ShapeError::NonPositiveStride; return r; }
  if (s.dilation < 1) { r.error = ShapeError::NonPositiveDilation; return r; }
  if (s.padding < 0) { r.error = ShapeError::NegativePadding; return r; }
  const int64_t stride = s.stride == 0 ? s.kernel : s.stride;
  if (s.input > kMax || stride > kMax || s.padding > kMax || s.kernel - 1 > kMax / s.dilation) {
    r.error = ShapeError::Overflow;
    return r;
  }
  if (s.padding > s.kernel / 2) { r.error = ShapeError::PoolPaddingTooLarge; return r; }
  r.pad_before = r.pad_after = s.padding;
  r.effective_kernel = s.dilation * (s.kernel - 1) + 1;
  r.padded_input = s.input + 2 * s.padding;
  const int64_t num = r.padded_input - r.effective_kernel + (s.ceil_mode ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1; // floor division
  if (s.ceil_mode && out >= 1 && (out - 1) * stride >= s.input + s.padding) --out;
  if (out < 1) { r.error = ShapeError::NonPositiveOutput; return r; }
  r.output = out;
  return r;
}

// Transposed convolution along one axis (PyTorch's conv_transpose2d):
//   out = (N − 1)·S − 2P + D(K − 1) + output_padding + 1,   output_padding < max(S, D).
struct TransposedAxisSpec {
  int64_t input = 1;          // N
  int64_t kernel = 1;         // K
  int64_t stride = 1;         // S
  int64_t padding = 0;        // P, removed from both ends of the full output
  int64_t output_padding = 0; // extra length at the end
  int64_t dilation = 1;       // D
};

constexpr AxisResult conv_transpose_axis(const TransposedAxisSpec& s) noexcept {
  constexpr int64_t kMax = int64_t{1} << 40; // keeps every product below far from overflow
  AxisResult r;
  if (s.input < 1) { r.error = ShapeError::NonPositiveInput; return r; }
  if (s.kernel < 1) { r.error = ShapeError::NonPositiveKernel; return r; }
  if (s.stride < 1) { r.error = ShapeError::NonPositiveStride; return r; }
  if (s.dilation < 1) { r.error = ShapeError::NonPositiveDilation; return r; }
  if (s.padding < 0) { r.error = ShapeError::NegativePadding; return r; }
  if (s.output_padding < 0) { r.error = ShapeError::NegativeOutputPadding; return r; }
  if (s.input > kMax || s.kernel > kMax || s.stride > kMax || s.dilation > kMax || s.padding > kMax ||
      s.output_padding > kMax) {
    r.error = ShapeError::Overflow;
    return r;
  }
  if (s.output_padding >= s.stride && s.output_padding >= s.dilation) { r.error = ShapeError::OutputPaddingTooLarge; return r; }
  r.pad_before = r.pad_after = s.padding;
  r.effective_kernel = s.dilation * (s.kernel - 1) + 1;
  r.padded_input = (s.input - 1) * s.stride + r.effective_kernel; // the full (unpadded) output length
  r.output = r.padded_input - 2 * s.padding + s.output_padding;
  if (r.output < 1) { r.error = ShapeError::NonPositiveOutput; return r; }
  return r;
}

// Receptive fields along one axis of a sliding window (convolution or pooling). Output cell o reads the
// input positions o·S − P0 + i·D for the taps i = 0 … K − 1, in input coordinates (below 0 or from N on:
// padding). The transposed convolution runs it the other way: input cell o writes those output positions
// (P0 = P, cropped). Which input cells an output cell reads, which output cells read an input cell:
struct WindowAxis {
  int64_t stride = 1, dilation = 1, kernel = 1;
  int64_t pad_before = 0; // P0
  int64_t outputs = 0;    // number of window positions
};
constexpr WindowAxis window_axis(const AxisSpec& s, const AxisResult& r) noexcept {
  return {s.stride, s.dilation, s.kernel, r.pad_before, r.output};
}
constexpr WindowAxis window_axis(const PoolAxisSpec& s, const AxisResult& r) noexcept {
  return {s.stride == 0 ? s.kernel : s.stride, s.dilation, s.kernel, r.pad_before, r.output};
}
// Input position of tap i of output cell `out`.
constexpr int64_t window_tap(const WindowAxis& a, int64_t out, int64_t tap) noexcept {
  return out * a.stride - a.pad_before + tap * a.dilation;
}
struct WindowReader {
  int64_t output = 0; // the output cell
  int64_t tap = 0;    // the kernel tap that meets the input cell
};
// Every output cell whose window reads input position `in`, in increasing order (one tap each).
std::vector<WindowReader> window_readers(const WindowAxis& a, int64_t in);
// The output cell whose window reads input position `in` at the tap nearest the window's centre (the
// lower output on a tie), or -1 when no window reads it: the cell a picture's point shows up in.
int64_t centred_reader(const WindowAxis& a, int64_t in);

// The error in words, naming the parameter and the numbers; "" when there is no error.
std::string describe(const AxisSpec& spec, const AxisResult& result);
std::string describe(const PoolAxisSpec& spec, const AxisResult& result);
std::string describe(const TransposedAxisSpec& spec, const AxisResult& result);
std::string formula(const PoolAxisSpec& spec, const AxisResult& result);
std::string formula(const TransposedAxisSpec& spec, const AxisResult& result);
// The output length's formula with the numbers substituted, e.g. "valid: N − K + 1 = 5 − 3 + 1 = 3".
std::string formula(const AxisSpec& spec, const AxisResult& result);

} // namespace convplay
