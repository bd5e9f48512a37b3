// Words for shape arithmetic: error messages and formulas with the numbers substituted.
#include <convplay/shape.h>

#include <string>

namespace convplay {
namespace {
std::string n(int64_t v) { return std::to_string(v); }
} // namespace

std::string describe(const AxisSpec& s, const AxisResult& r) {
  switch (r.error) {
  case ShapeError::None: return {};
  case ShapeError::NonPositiveInput: return "input size " + n(s.input) + " must be at least 1";
  case ShapeError::NonPositiveKernel: return "kernel size " + n(s.kernel) + " must be at least 1";
  case ShapeError::NonPositiveStride: return "stride " + n(s.stride) + " must be at least 1";
  case ShapeError::NonPositiveDilation: return "dilation " + n(s.dilation) + " must be at least 1";
  case ShapeError::NegativePadding:
    return "padding " + n(s.pad_before) + ", " + n(s.pad_after) + " must not be negative";
  case ShapeError::Overflow: return "sizes this large overflow 64-bit arithmetic";
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

} // namespace convplay
