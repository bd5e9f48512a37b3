// convplay/image.h — pictures as tensors: 8-bit pixels (interleaved H×W×C, as image files store them)
// to C×H×W floats in [0, 1]; area-average resizing; grey from colour; a synthetic picture with a red
// and a green circle; and the classic filter bank (identity, box, Gaussian, sharpen, Sobel, Laplacian,
// Gabor) plus colour-opponent kernels ("red detector"). No file formats here: decoding is the app's job.
#pragma once
#include <convplay/tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace convplay {

// Luminance weights of ITU-R BT.601 (R, G, B): grey = 0.299 R + 0.587 G + 0.114 B.
inline constexpr std::array<float, 3> kLumaWeights = {0.299f, 0.587f, 0.114f};

struct ImageSize {
  int64_t height = 0, width = 0;
};
// The size with the same aspect ratio whose longer side is max_side (never larger than the input;
// each side at least 1). Non-positive sizes give {0, 0}.
ImageSize fit_within(int64_t height, int64_t width, int64_t max_side) noexcept;

inline constexpr int64_t kMaxImageSide = 1 << 16; // the longest side the functions below accept (pixels)

// 8-bit interleaved pixels (height × width × channels, channels 1–4) → (3, out_h, out_w) floats in [0, 1]
// (grey is repeated into R, G and B; alpha is dropped), resized by area averaging on the way (so a huge
// photograph never becomes a huge float tensor).
Expected<Tensor> image_from_pixels(const uint8_t* pixels, int64_t height, int64_t width, int64_t channels,
                                   int64_t out_h, int64_t out_w);

// (C, H, W) → (C, out_h, out_w). Each output pixel is the average of the input area it covers (pixels
// partly covered count by the covered fraction); enlarging therefore repeats pixels.
Expected<Tensor> resize_area(const Tensor& chw, int64_t out_h, int64_t out_w);

// (3, H, W) → (1, H, W) with kLumaWeights; (1, H, W) is returned as it is. Other shapes: an error.
Expected<Tensor> to_grey(const Tensor& chw);

// One channel of a (C, H, W) tensor as an H×W row-major plane.
Expected<std::vector<float>> image_plane(const Tensor& chw, int64_t channel);

// A (3, H, W) picture: white background, a pure red disc (1, 0, 0) in the left half and a pure green
// disc (0, 1, 0) in the right half, of equal radius. Centres are pixel indices (row, col) inside each disc.
struct DiscPicture {
  Tensor image;
  int64_t red_row = 0, red_col = 0, green_row = 0, green_col = 0;
  double radius = 0.0;
};
Expected<DiscPicture> red_green_discs(int64_t height, int64_t width);

// The filter bank: K×K kernels (K odd, 3–15). Identity, box (mean), Gaussian (binomial, sums to 1) and
// Gabor (vertical stripes, zero mean, largest weight 1) are made at any K; sharpen, sobel_x, sobel_y and
// laplacian are the classic 3×3 kernels, in the middle of a larger K surrounded by zeros.
// Layout (K, K), row-major, for cross-correlation (as conv2d computes it).
const std::vector<std::string_view>& filter_names(); // "identity", "box", "gaussian", "sharpen", "sobel_x", ...
Expected<Tensor> make_filter(std::string_view name, int64_t k);

// A colour-opponent kernel (3, K, K): every tap of channel c weighs mix[c] / K², so the response is
// mix · (the window's mean colour). Red detector: mix = (1, −½, −½): a red area gives 1, a green or
// blue one −½, any grey (black, white) 0.
Tensor colour_kernel(int64_t k, std::array<float, 3> mix);
inline constexpr std::array<float, 3> kRedDetector = {1.0f, -0.5f, -0.5f};
inline constexpr std::array<float, 3> kGreenDetector = {-0.5f, 1.0f, -0.5f};
inline constexpr std::array<float, 3> kBlueDetector = {-0.5f, -0.5f, 1.0f};

// A (K, K) pattern applied to colour: (3, K, K) with channel c = pattern × weights[c] (e.g. kLumaWeights:
// the filter sees brightness, so its response equals the pattern applied to to_grey()).
Expected<Tensor> spread_over_channels(const Tensor& pattern, std::array<float, 3> weights);

// A (C, K, K) kernel moved into (C, k, k) with the centres (index K/2) aligned: taps that fall outside
// are dropped, new ones are 0. (Used when the student changes K after editing weights.)
Expected<Tensor> recentre_kernel(const Tensor& w, int64_t k);

} // namespace convplay
