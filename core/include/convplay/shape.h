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

// The error in words, naming the parameter and the numbers; "" when there is no error.
std::string describe(const AxisSpec& spec, const AxisResult& result);
// The output length's formula with the numbers substituted, e.g. "valid: N − K + 1 = 5 − 3 + 1 = 3".
std::string formula(const AxisSpec& spec, const AxisResult& result);

} // namespace convplay
