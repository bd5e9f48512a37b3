// Words for shape arithmetic: error messages and formulas with the numbers substituted.
#include <convplay/shape.h>

#include <string>

namespace convplay {
namespace {
std::string n(int64_t v) { return std::to_string(v); }
std::string at_least_one(const char* what, int64_t v) { return std::string(what) + " " + n(v) + " must be at least 1"; }

// The wording every axis kind shares (prefix "pooling " for pooling); "" for the errors it does not cover.
std::string common_error(ShapeError e, const char* prefix, int64_t input, int64_t kernel, int64_t stride, int64_t dilation) {
  const std::string p = prefix;
  switch (e) {
  case ShapeError::NonPositiveInput: return at_least_one("input size", input);
  case ShapeError::NonPositiveKernel: return at_least_one((p + "kernel size").c_str(), kernel);
  case ShapeError::NonPositiveStride: return at_least_one((p + "stride").c_str(), stride);
  case ShapeError::NonPositiveDilation: return at_least_one((p + "dilation").c_str(), dilation);
  case ShapeError::Overflow: return "sizes this large overflow 64-bit arithmetic";
  default: return {};
  }
}
} // namespace

std::vector<WindowReader> window_readers(const WindowAxis& a, int64_t in) {
  std::vector<WindowReader> out;
  if (a.stride < 1 || a.dilation < 1 || a.kernel < 1) return out;
  // in = o·S − P0 + i·D  ⇔  o·S = in + P0 − i·D; o from the lowest to the highest, i.e. i from K − 1 down.
  for (int64_t i = a.kernel - 1; i >= 0; --i) {
    const int64_t at = in + a.pad_before - i * a.dilation;
    if (at < 0 || at % a.stride != 0) continue;
    const int64_t o = at / a.stride;
    if (o < a.outputs) out.push_back({o, i});
  }
  return out;
}

int64_t centred_reader(const WindowAxis& a, int64_t in) {
  int64_t best = -1, best_dist = -1;
  for (const WindowReader& w : window_readers(a, in)) {
    const int64_t d = w.tap > (a.kernel - 1) / 2 ? w.tap - (a.kernel - 1) / 2 : (a.kernel - 1) / 2 - w.tap;
    if (best_dist < 0 || d < best_dist) {
      best = w.output;
      best_dist = d;
    }
  }
  return best;
}

std::string describe(const AxisSpec& s, const AxisResult& r) {
  if (auto m = common_error(r.error, "", s.input, s.kernel, s.stride, s.dilation); !m.empty()) return m;
  switch (r.error) {
  case ShapeError::None: return {};
  case ShapeError::NegativePadding:
    return "padding " + n(s.pad_before) + ", " + n(s.pad_after) + " must not be negative";
  case ShapeError::NonPositiveInput:
  case ShapeError::NonPositiveKernel:
  case ShapeError::NonPositiveStride:
  case ShapeError::NonPositiveDilation:
  case ShapeError::Overflow: // worded by common_error()
  case ShapeError::PoolPaddingTooLarge:
  case ShapeError::OutputPaddingTooLarge:
  case ShapeError::NonPositiveOutput:
  case ShapeError::NegativeOutputPadding: return "unexpected error for a convolution axis";
  case ShapeError::KernelLargerThanPaddedInput: {
    std::string k = "kernel " + n(s.kernel);
    if (s.dilation > 1) k += " (" + n(r.effective_kernel) + " with dilation " + n(s.dilation) + ")";
    std::string in = "the padded input " + n(r.padded_input);
    if (r.pad_before + r.pad_after > 0) in += " (" + n(s.input) + " + " + n(r.pad_before) + " + " + n(r.pad_after) + ")";
    return k + " is larger than " + in + " in '" + padding_name(s.padding) + "' mode";
  }
  }
  return "unknown error";
}

std::string formula(const AxisSpec& s, const AxisResult& r) {
  if (r.error != ShapeError::None) return describe(s, r);
  const std::string mode = std::string(padding_name(s.padding)) + ": ";
  const bool plain = s.stride == 1 && s.dilation == 1;
  if (plain && s.padding == Padding::Valid)
    return mode + "N − K + 1 = " + n(s.input) + " − " + n(s.kernel) + " + 1 = " + n(r.output);
  if (plain && s.padding == Padding::Full)
    return mode + "N + K − 1 = " + n(s.input) + " + " + n(s.kernel) + " − 1 = " + n(r.output);
  if (plain && s.padding == Padding::Same)
    return mode + "N = " + n(r.output) + " (padding " + n(r.pad_before) + " before, " + n(r.pad_after) + " after)";
  // General form: ⌊(N + P0 + P1 − D(K − 1) − 1) / S⌋ + 1
  std::string dk = s.dilation == 1 ? "(" + n(s.kernel) + " − 1)" : n(s.dilation) + "·(" + n(s.kernel) + " − 1)";
  return mode + "⌊(N + P0 + P1 − D(K − 1) − 1) / S⌋ + 1 = ⌊(" + n(s.input) + " + " + n(r.pad_before) + " + " +
         n(r.pad_after) + " − " + dk + " − 1) / " + n(s.stride) + "⌋ + 1 = " + n(r.output);
}

std::string describe(const PoolAxisSpec& s, const AxisResult& r) {
  if (auto m = common_error(r.error, "pooling ", s.input, s.kernel, s.stride, s.dilation); !m.empty()) return m;
  switch (r.error) {
  case ShapeError::None: return {};
  case ShapeError::NegativePadding: return "pooling padding " + n(s.padding) + " must not be negative";
  case ShapeError::PoolPaddingTooLarge:
    return "pooling padding " + n(s.padding) + " is more than half the kernel " + n(s.kernel) + " (at most " +
           n(s.kernel / 2) + ", as in PyTorch)";
  case ShapeError::NonPositiveOutput:
  case ShapeError::KernelLargerThanPaddedInput: {
    std::string k = "pooling kernel " + n(s.kernel);
    if (s.dilation > 1) k += " (" + n(r.effective_kernel) + " with dilation " + n(s.dilation) + ")";
    return k + " is larger than the padded input " + n(s.input + 2 * s.padding) +
           (s.padding > 0 ? " (" + n(s.input) + " + 2·" + n(s.padding) + ")" : std::string());
  }
  case ShapeError::NonPositiveInput:
  case ShapeError::NonPositiveKernel:
  case ShapeError::NonPositiveStride:
  case ShapeError::NonPositiveDilation:
  case ShapeError::Overflow: // worded by common_error()
  case ShapeError::OutputPaddingTooLarge:
  case ShapeError::NegativeOutputPadding: return "unexpected error for a pooling axis";
  }
  return "unknown error";
}

std::string describe(const TransposedAxisSpec& s, const AxisResult& r) {
  if (auto m = common_error(r.error, "", s.input, s.kernel, s.stride, s.dilation); !m.empty()) return m;
  switch (r.error) {
  case ShapeError::None: return {};
  case ShapeError::NegativePadding: return "padding " + n(s.padding) + " must not be negative";
  case ShapeError::NegativeOutputPadding: return "output padding " + n(s.output_padding) + " must not be negative";
  case ShapeError::OutputPaddingTooLarge:
    return "output padding " + n(s.output_padding) + " must be smaller than the stride " + n(s.stride) +
           " or the dilation " + n(s.dilation);
  case ShapeError::NonPositiveOutput:
  case ShapeError::KernelLargerThanPaddedInput:
    return "padding " + n(s.padding) + " on both sides removes the whole transposed output of length " +
           n(r.padded_input) + " (output would be " + n(r.padded_input - 2 * s.padding + s.output_padding) + ")";
  case ShapeError::NonPositiveInput:
  case ShapeError::NonPositiveKernel:
  case ShapeError::NonPositiveStride:
  case ShapeError::NonPositiveDilation:
  case ShapeError::Overflow: // worded by common_error()
  case ShapeError::PoolPaddingTooLarge: return "unexpected error for a transposed convolution axis";
  }
  return "unknown error";
}

std::string formula(const PoolAxisSpec& s, const AxisResult& r) {
  if (r.error != ShapeError::None) return describe(s, r);
  const int64_t stride = s.stride == 0 ? s.kernel : s.stride;
  const std::string round = s.ceil_mode ? "⌈" : "⌊", close = s.ceil_mode ? "⌉" : "⌋";
  std::string dk = s.dilation == 1 ? "(" + n(s.kernel) + " − 1)" : n(s.dilation) + "·(" + n(s.kernel) + " − 1)";
  return "pool: " + round + "(N + 2P − D(K − 1) − 1) / S" + close + " + 1 = " + round + "(" + n(s.input) + " + 2·" +
         n(s.padding) + " − " + dk + " − 1) / " + n(stride) + close + " + 1 = " + n(r.output);
}

std::string formula(const TransposedAxisSpec& s, const AxisResult& r) {
  if (r.error != ShapeError::None) return describe(s, r);
  return "transposed: (N − 1)·S − 2P + D(K − 1) + output_padding + 1 = (" + n(s.input) + " − 1)·" + n(s.stride) +
         " − 2·" + n(s.padding) + " + " + n(s.dilation) + "·(" + n(s.kernel) + " − 1) + " + n(s.output_padding) +
         " + 1 = " + n(r.output);
}

} // namespace convplay
