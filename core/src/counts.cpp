// Layer counts with 64-bit overflow detection (see convplay/counts.h).
#include <convplay/counts.h>

#include <cstdio>

namespace convplay {
namespace {
// How many (output position, tap) pairs along one axis land inside the input (not in the padding):
// Σ over taps k of #{o in [0, OUT) : 0 ≤ o·S − P + k·D ≤ N − 1}.
Count taps_inside(int64_t N, int64_t K, int64_t S, int64_t D, int64_t P, int64_t OUT) {
  Count total;
  for (int64_t k = 0; k < K; ++k) {
    const int64_t off = k * D - P; // input index of output 0 under tap k
    // o ≥ ceil(−off / S) and o ≤ floor((N − 1 − off) / S)
    int64_t lo = off >= 0 ? 0 : (-off + S - 1) / S;
    const int64_t top = N - 1 - off;
    if (top < 0) continue;
    int64_t hi = top / S;
    if (hi > OUT - 1) hi = OUT - 1;
    if (hi >= lo) total = count_add(total, count_of(hi - lo + 1));
  }
  return total;
}

double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }
} // namespace

std::string format_count(Count c) {
  if (c.overflow) return "more than 9.2·10^18 (overflows 64 bits)";
  std::string digits = std::to_string(c.value < 0 ? -c.value : c.value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (c.value < 0 ? "-" : "") + out;
}

std::string check_memory_budget(const std::string& what, Count bytes, int64_t budget) {
  if (!bytes.overflow && bytes.value <= budget) return {};
  return what + " needs " + format_bytes(bytes) + ", more than the working-memory budget of " + format_bytes(budget);
}

std::string format_bytes(Count bytes) {
  if (bytes.overflow) return format_count(bytes) + " bytes";
  if (bytes.value < 1024) return std::to_string(bytes.value) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes.value) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

bool LayerCounts::any_overflow() const noexcept {
  for (const Count* c : {&input_elements, &output_elements, &conv_weights, &conv_biases, &conv_parameters, &conv_macs,
                         &dense_weights, &dense_biases, &dense_parameters, &dense_macs, &conv_weight_bytes,
                         &dense_weight_bytes, &activation_bytes, &toeplitz_rows, &toeplitz_cols, &toeplitz_entries,
                         &toeplitz_nonzeros, &im2col_rows, &im2col_cols, &im2col_entries, &im2col_padding_entries})
    if (c->overflow) return true;
  return false;
}

std::string LayerCounts::overflow_message() const {
  std::string names;
  auto add = [&](const Count& c, const char* name) {
    if (c.overflow) names += (names.empty() ? "" : ", ") + std::string(name);
  };
  add(conv_weights, "conv weights");
  add(conv_macs, "conv multiply-accumulates");
  add(dense_weights, "dense weights");
  add(dense_parameters, "dense parameters");
  add(dense_weight_bytes, "dense weight bytes");
  add(activation_bytes, "activation bytes");
  add(toeplitz_entries, "Toeplitz matrix entries");
  add(im2col_entries, "im2col matrix entries");
  add(input_elements, "input elements");
  add(output_elements, "output elements");
  return names.empty() ? names : "these counts overflow 64-bit integers: " + names;
}

Expected<LayerCounts> count_layer(const ConvLayerSpec& s) {
  auto num = [](int64_t v) { return std::to_string(v); };
  if (s.channels < 1) return Error{"input channels " + num(s.channels) + " must be at least 1"};
  if (s.out_channels < 1) return Error{"output channels " + num(s.out_channels) + " must be at least 1"};
  if (s.groups < 1) return Error{"groups " + num(s.groups) + " must be at least 1"};
  if (s.channels % s.groups != 0)
    return Error{"groups " + num(s.groups) + " does not divide the " + num(s.channels) + " input channels"};
  if (s.out_channels % s.groups != 0)
    return Error{"groups " + num(s.groups) + " does not divide the " + num(s.out_channels) + " output channels (filters)"};
  constexpr int64_t kMaxCountedKernel = int64_t{1} << 24; // the zero count loops over kernel taps
  if (s.kernel_h > kMaxCountedKernel || s.kernel_w > kMaxCountedKernel)
    return Error{"kernel " + num(s.kernel_h) + "×" + num(s.kernel_w) + " is too large to count (at most " +
                 num(kMaxCountedKernel) + " per side)"};
  AxisSpec ah{s.height, s.kernel_h, s.stride_h, s.dilation_h, s.padding, s.pad_top, s.pad_bottom, false};
  AxisSpec aw{s.width, s.kernel_w, s.stride_w, s.dilation_w, s.padding, s.pad_left, s.pad_right, false};
  const AxisResult rh = conv_axis(ah), rw = conv_axis(aw);
  if (rh.error != ShapeError::None) return Error{"height: " + describe(ah, rh)};
  if (rw.error != ShapeError::None) return Error{"width: " + describe(aw, rw)};
  LayerCounts c;
  c.out_h = rh.output;
  c.out_w = rw.output;
  const Count C = count_of(s.channels), M = count_of(s.out_channels), Cg = count_of(s.channels / s.groups);
  const Count KK = count_mul(count_of(s.kernel_h), count_of(s.kernel_w));
  const Count OHW = count_mul(count_of(rh.output), count_of(rw.output));
  const Count four = count_of(4);
  c.input_elements = count_mul(C, count_mul(count_of(s.height), count_of(s.width)));
  c.output_elements = count_mul(M, OHW);
  c.conv_weights = count_mul(M, count_mul(Cg, KK));
  c.conv_biases = s.bias ? M : Count{};
  c.conv_parameters = count_add(c.conv_weights, c.conv_biases);
  c.conv_macs = count_mul(c.output_elements, count_mul(Cg, KK));
  c.dense_weights = count_mul(c.input_elements, c.output_elements);
  c.dense_biases = s.bias ? c.output_elements : Count{};
  c.dense_parameters = count_add(c.dense_weights, c.dense_biases);
  c.dense_macs = c.dense_weights;
  c.conv_weight_bytes = count_mul(c.conv_parameters, four);
  c.dense_weight_bytes = count_mul(c.dense_parameters, four);
  c.activation_bytes = count_mul(count_add(c.input_elements, c.output_elements), four);
  // Ratios from doubles, so that they exist even when an integer count overflows.
  const double in_d = static_cast<double>(s.channels) * static_cast<double>(s.height) * static_cast<double>(s.width);
  const double out_d = static_cast<double>(s.out_channels) * static_cast<double>(rh.output) * static_cast<double>(rw.output);
  const double cw_d = static_cast<double>(s.out_channels) * static_cast<double>(s.channels / s.groups) *
                      static_cast<double>(s.kernel_h) * static_cast<double>(s.kernel_w);
  c.weight_ratio = ratio(in_d * out_d, cw_d);
  c.parameter_ratio = ratio(in_d * out_d + (s.bias ? out_d : 0.0),
                            cw_d + (s.bias ? static_cast<double>(s.out_channels) : 0.0));

  const Count nz_h = taps_inside(s.height, s.kernel_h, s.stride_h, s.dilation_h, rh.pad_before, rh.output);
  const Count nz_w = taps_inside(s.width, s.kernel_w, s.stride_w, s.dilation_w, rw.pad_before, rw.output);
  c.toeplitz_rows = c.output_elements;
  c.toeplitz_cols = c.input_elements;
  c.toeplitz_entries = c.dense_weights;
  c.toeplitz_nonzeros = count_mul(count_mul(M, Cg), count_mul(nz_h, nz_w));
  const double tz_entries = in_d * out_d;
  const double tz_nonzero = static_cast<double>(s.out_channels) * static_cast<double>(s.channels / s.groups) *
                            static_cast<double>(nz_h.value) * static_cast<double>(nz_w.value);
  c.toeplitz_zero_fraction = tz_entries > 0.0 ? 1.0 - tz_nonzero / tz_entries : 0.0;
  c.im2col_rows = count_mul(C, KK);
  c.im2col_cols = OHW;
  c.im2col_entries = count_mul(c.im2col_rows, c.im2col_cols);
  const Count inside = count_mul(C, count_mul(nz_h, nz_w));
  c.im2col_padding_entries = (c.im2col_entries.overflow || inside.overflow)
                                 ? Count{0, true}
                                 : count_of(c.im2col_entries.value - inside.value);
  const double im_entries = static_cast<double>(s.channels) * static_cast<double>(s.kernel_h) *
                            static_cast<double>(s.kernel_w) * static_cast<double>(rh.output) * static_cast<double>(rw.output);
  const double im_inside = static_cast<double>(s.channels) * static_cast<double>(nz_h.value) * static_cast<double>(nz_w.value);
  c.im2col_zero_fraction = im_entries > 0.0 ? 1.0 - im_inside / im_entries : 0.0;
  c.im2col_duplication = in_d > 0.0 ? im_entries / in_d : 0.0;
  return c;
}

} // namespace convplay
