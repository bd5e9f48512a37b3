// Shape arithmetic (convplay/shape.h): the lecture's modes, PyTorch's and SciPy's 'same' for even
// kernels, stride and dilation, every error with its message, receptive fields, and the pooling and
// transposed-convolution axes. Checked at compile time where it can be.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <convplay/shape.h>

using namespace convplay;

namespace {
constexpr AxisSpec spec(int64_t n, int64_t k, Padding p, int64_t s = 1, int64_t d = 1, bool flip = false) {
  AxisSpec a;
  a.input = n; a.kernel = k; a.padding = p; a.stride = s; a.dilation = d; a.flip = flip;
  return a;
}
} // namespace

TEST_CASE("valid, same and full for the lecture's 5x5 input and 3x3 filter", "[shape]") {
  STATIC_REQUIRE(conv_axis(spec(5, 3, Padding::Valid)).output == 3);
  STATIC_REQUIRE(conv_axis(spec(5, 3, Padding::Same)).output == 5);
  STATIC_REQUIRE(conv_axis(spec(5, 3, Padding::Full)).output == 7);
  STATIC_REQUIRE(conv_axis(spec(32, 5, Padding::Valid)).output == 28);
  CHECK(formula(spec(5, 3, Padding::Valid), conv_axis(spec(5, 3, Padding::Valid))) == "valid: N − K + 1 = 5 − 3 + 1 = 3");
  CHECK(formula(spec(5, 3, Padding::Full), conv_axis(spec(5, 3, Padding::Full))) == "full: N + K − 1 = 5 + 3 − 1 = 7");
}

TEST_CASE("'same' with an even kernel: PyTorch pads after, SciPy (flip) before", "[shape]") {
  constexpr auto torch = conv_axis(spec(6, 4, Padding::Same));
  STATIC_REQUIRE(torch.pad_before == 1);
  STATIC_REQUIRE(torch.pad_after == 2);
  STATIC_REQUIRE(torch.output == 6);
  constexpr auto scipy = conv_axis(spec(6, 4, Padding::Same, 1, 1, true));
  STATIC_REQUIRE(scipy.pad_before == 2);
  STATIC_REQUIRE(scipy.pad_after == 1);
  STATIC_REQUIRE(conv_axis(spec(7, 3, Padding::Same, 2)).output == 4); // ceil(7/2) at stride 2
}

TEST_CASE("stride and dilation follow PyTorch's formula", "[shape]") {
  // floor((N + P0 + P1 − D(K−1) − 1)/S) + 1
  AxisSpec a = spec(7, 3, Padding::Explicit, 2, 2);
  a.pad_before = a.pad_after = 2;
  const auto r = conv_axis(a);
  CHECK(r.effective_kernel == 5);
  CHECK(r.output == 4);
  CHECK(formula(a, r) == "explicit: ⌊(N + P0 + P1 − D(K − 1) − 1) / S⌋ + 1 = ⌊(7 + 2 + 2 − 2·(3 − 1) − 1) / 2⌋ + 1 = 4");
}

TEST_CASE("impossible axes are errors with messages", "[shape]") {
  auto msg = [](AxisSpec a) { return describe(a, conv_axis(a)); };
  CHECK(msg(spec(5, 7, Padding::Valid, 1, 2)) == "kernel 7 (13 with dilation 2) is larger than the padded input 5 in 'valid' mode");
  CHECK(msg(spec(0, 3, Padding::Valid)) == "input size 0 must be at least 1");
  CHECK(msg(spec(5, 0, Padding::Valid)) == "kernel size 0 must be at least 1");
  CHECK(msg(spec(5, 3, Padding::Valid, 0)) == "stride 0 must be at least 1");
  CHECK(msg(spec(5, 3, Padding::Valid, 1, 0)) == "dilation 0 must be at least 1");
  AxisSpec neg = spec(5, 3, Padding::Explicit);
  neg.pad_before = -1;
  CHECK(msg(neg) == "padding -1, 0 must not be negative");
  CHECK(msg(spec(INT64_MAX, 3, Padding::Valid)) == "sizes this large overflow 64-bit arithmetic");
  CHECK(msg(spec(5, 3, Padding::Valid)).empty());
}

TEST_CASE("receptive fields: an output cell's window, and the output cells that read an input cell", "[shape][window]") {
  // The lecture's 5×5, 3×3 'same': output 0 reads −1, 0, 1 (−1 is padding); input 0 is read by outputs 0 and 1.
  const AxisSpec same = spec(5, 3, Padding::Same);
  const WindowAxis a = window_axis(same, conv_axis(same));
  STATIC_REQUIRE(window_tap(window_axis(spec(5, 3, Padding::Same), conv_axis(spec(5, 3, Padding::Same))), 0, 0) == -1);
  CHECK(window_tap(a, 0, 2) == 1);
  const auto readers = window_readers(a, 0);
  REQUIRE(readers.size() == 2);
  CHECK(readers[0].output == 0);
  CHECK(readers[0].tap == 1);
  CHECK(readers[1].output == 1);
  CHECK(readers[1].tap == 0);
  // Against every (output, tap) pair, for strides, dilations and paddings across the cases.
  for (int64_t n : {1, 5, 8})
    for (int64_t k : {1, 2, 3})
      for (int64_t s : {1, 2, 3})
        for (int64_t d : {1, 2})
          for (Padding p : {Padding::Valid, Padding::Full}) {
            const AxisSpec as = spec(n, k, p, s, d);
            const AxisResult r = conv_axis(as);
            if (r.error != ShapeError::None) continue;
            const WindowAxis w = window_axis(as, r);
            for (int64_t in = -3; in < n + 3; ++in) {
              INFO("n " << n << " k " << k << " s " << s << " d " << d << " " << padding_name(p) << " input " << in);
              std::vector<std::pair<int64_t, int64_t>> expected;
              for (int64_t o = 0; o < r.output; ++o)
                for (int64_t i = 0; i < k; ++i)
                  if (window_tap(w, o, i) == in) expected.emplace_back(o, i);
              std::vector<std::pair<int64_t, int64_t>> got;
              for (const WindowReader& rd : window_readers(w, in)) got.emplace_back(rd.output, rd.tap);
              CHECK(got == expected);
            }
          }
  // Pooling: stride 0 means the window's size.
  const PoolAxisSpec pool{6, 2, 0, 0, 1, false};
  const WindowAxis pw = window_axis(pool, pool_axis(pool));
  CHECK(pw.stride == 2);
  CHECK(window_readers(pw, 3).size() == 1);
  CHECK(window_readers(pw, 3)[0].output == 1);
}

TEST_CASE("receptive fields: the output cell a point shows up in reads it at the tap nearest the centre", "[shape][window]") {
  // 5 wide, K 3 'same': input 2 is read at the centre tap by output 2; input 0 by output 0 (tap 1).
  const AxisSpec same = spec(5, 3, Padding::Same);
  const WindowAxis a = window_axis(same, conv_axis(same));
  CHECK(centred_reader(a, 2) == 2);
  CHECK(centred_reader(a, 0) == 0);
  // 'valid': input 0 only by output 0 at tap 0; input 2 at the centre by output 1; nothing reads 5 or -1.
  const AxisSpec valid = spec(5, 3, Padding::Valid);
  const WindowAxis v = window_axis(valid, conv_axis(valid));
  CHECK(centred_reader(v, 0) == 0);
  CHECK(centred_reader(v, 2) == 1);
  CHECK(centred_reader(v, 5) == -1);
  CHECK(centred_reader(v, -1) == -1);
  // Against the readers themselves: the chosen one is a reader, and no reader's tap is nearer the centre.
  for (int64_t k : {1, 2, 3, 5})
    for (Padding p : {Padding::Valid, Padding::Same, Padding::Full}) {
      const AxisSpec as = spec(9, k, p);
      const AxisResult r = conv_axis(as);
      if (r.error != ShapeError::None) continue;
      const WindowAxis w = window_axis(as, r);
      for (int64_t in = -2; in < 11; ++in) {
        INFO("k " << k << " " << padding_name(p) << " input " << in);
        const auto readers = window_readers(w, in);
        const int64_t got = centred_reader(w, in);
        if (readers.empty()) {
          CHECK(got == -1);
          continue;
        }
        int64_t best = -1, dist = -1;
        for (const WindowReader& rd : readers)
          if (const int64_t d = std::abs(rd.tap - (k - 1) / 2); dist < 0 || d < dist) best = rd.output, dist = d;
        CHECK(got == best);
      }
    }
}

TEST_CASE("pooling and transposed-convolution shapes follow PyTorch", "[shape][pool2d][conv_transpose2d]") {
  STATIC_REQUIRE(pool_axis({28, 2, 0, 0, 1, false}).output == 14);
  STATIC_REQUIRE(pool_axis({7, 3, 2, 1, 1, false}).output == 4);
  STATIC_REQUIRE(pool_axis({5, 2, 2, 0, 1, true}).output == 3);  // ceil_mode keeps the last partial window
  STATIC_REQUIRE(pool_axis({5, 2, 2, 1, 1, true}).output == 3);  // ... unless it starts in the right padding
  STATIC_REQUIRE(pool_axis({5, 3, 2, 2, 1, false}).error == ShapeError::PoolPaddingTooLarge);
  STATIC_REQUIRE(conv_transpose_axis({4, 3, 2, 1, 1, 1}).output == 8);
  STATIC_REQUIRE(conv_transpose_axis({3, 3, 1, 0, 1, 1}).error == ShapeError::OutputPaddingTooLarge);
  const PoolAxisSpec bad{5, 3, 2, 2, 1, false};
  CHECK(describe(bad, pool_axis(bad)) == "pooling padding 2 is more than half the kernel 3 (at most 1, as in PyTorch)");
  const TransposedAxisSpec t{3, 3, 2, 0, 2, 1};
  CHECK(describe(t, conv_transpose_axis(t)) == "output padding 2 must be smaller than the stride 2 or the dilation 1");
  const TransposedAxisSpec ok{4, 3, 2, 1, 1, 1};
  CHECK(formula(ok, conv_transpose_axis(ok)) ==
        "transposed: (N − 1)·S − 2P + D(K − 1) + output_padding + 1 = (4 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 8");
}
