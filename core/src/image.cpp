#include <convplay/image.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace convplay {
namespace {


std::string size_text(int64_t h, int64_t w) { return std::to_string(h) + "×" + std::to_string(w); }

// Area-average weights of one axis: output i covers input [i·n/m, (i+1)·n/m).
struct Tap {
  int64_t index;
  double weight;
};
std::vector<std::vector<Tap>> area_taps(int64_t n, int64_t m) {
  std::vector<std::vector<Tap>> taps(static_cast<size_t>(m));
  const double scale = static_cast<double>(n) / static_cast<double>(m);
  for (int64_t i = 0; i < m; ++i) {
    const double a = static_cast<double>(i) * scale, b = static_cast<double>(i + 1) * scale;
    auto& t = taps[static_cast<size_t>(i)];
    for (int64_t j = static_cast<int64_t>(std::floor(a)); j < n && static_cast<double>(j) < b; ++j) {
      const double overlap = std::min(b, static_cast<double>(j + 1)) - std::max(a, static_cast<double>(j));
      if (overlap > 1e-12) t.push_back({j, overlap / scale});
    }
  }
  return taps;
}

std::string check_out_size(int64_t out_h, int64_t out_w) {
  if (out_h < 1 || out_w < 1 || out_h > kMaxImageSide || out_w > kMaxImageSide)
    return "output size " + size_text(out_h, out_w) + " must be between 1 and " + std::to_string(kMaxImageSide) + " per side";
  return {};
}

// Separable resize of `channels` planes read through get(c, y, x) into (channels, out_h, out_w).
template <class Get>
Tensor resize_planes(int64_t channels, int64_t h, int64_t w, int64_t out_h, int64_t out_w, Get get) {
  const auto tx = area_taps(w, out_w), ty = area_taps(h, out_h);
  Tensor out = zeros({channels, out_h, out_w});
  std::vector<double> rows(static_cast<size_t>(h * out_w)); // one channel resized along x
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < out_w; ++x) {
        double s = 0.0;
        for (const Tap& t : tx[static_cast<size_t>(x)]) s += t.weight * get(c, y, t.index);
        rows[static_cast<size_t>(y * out_w + x)] = s;
      }
    for (int64_t y = 0; y < out_h; ++y)
      for (int64_t x = 0; x < out_w; ++x) {
        double s = 0.0;
        for (const Tap& t : ty[static_cast<size_t>(y)]) s += t.weight * rows[static_cast<size_t>(t.index * out_w + x)];
        out[(c * out_h + y) * out_w + x] = static_cast<float>(s);
      }
  }
  return out;
}

Tensor square(int64_t k) { return zeros({k, k}); }

// A 3×3 pattern in the middle of a K×K kernel.
Tensor centred3(int64_t k, const std::array<float, 9>& p) {
  Tensor t = square(k);
  const int64_t o = (k - 3) / 2;
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < 3; ++c) t[(o + r) * k + o + c] = p[static_cast<size_t>(r * 3 + c)];
  return t;
}

} // namespace

ImageSize fit_within(int64_t height, int64_t width, int64_t max_side) noexcept {
  if (height < 1 || width < 1 || max_side < 1) return {};
  const int64_t longer = std::max(height, width);
  if (longer <= max_side) return {height, width};
  const double s = static_cast<double>(max_side) / static_cast<double>(longer);
  auto side = [&](int64_t v) { return std::max<int64_t>(1, std::llround(static_cast<double>(v) * s)); };
  return {height >= width ? max_side : side(height), width >= height ? max_side : side(width)};
}

Expected<Tensor> image_from_pixels(const uint8_t* pixels, int64_t height, int64_t width, int64_t channels,
                                   int64_t out_h, int64_t out_w) {
  if (!pixels) return Error{"no pixels"};
  if (channels < 1 || channels > 4) return Error{"an image has 1 to 4 channels, not " + std::to_string(channels)};
  if (height < 1 || width < 1 || height > kMaxImageSide || width > kMaxImageSide)
    return Error{"image size " + size_text(height, width) + " must be between 1 and " + std::to_string(kMaxImageSide) + " per side"};
  if (auto e = check_out_size(out_h, out_w); !e.empty()) return Error{e};
  const bool grey = channels <= 2; // grey or grey + alpha
  return resize_planes(3, height, width, out_h, out_w, [&](int64_t c, int64_t y, int64_t x) {
    const int64_t source = grey ? 0 : c;
    return static_cast<double>(pixels[(y * width + x) * channels + source]) / 255.0;
  });
}

Expected<Tensor> resize_area(const Tensor& chw, int64_t out_h, int64_t out_w) {
  if (chw.rank() != 3) return Error{"resize_area expects a (C, H, W) tensor, got " + shape_string(chw.shape)};
  const int64_t c = chw.dim(0), h = chw.dim(1), w = chw.dim(2);
  if (c < 1 || h < 1 || w < 1) return Error{"resize_area: empty image " + shape_string(chw.shape)};
  if (static_cast<int64_t>(chw.data.size()) != c * h * w) return Error{"resize_area: data does not match the shape"};
  if (auto e = check_out_size(out_h, out_w); !e.empty()) return Error{e};
  if (out_h == h && out_w == w) return chw;
  return resize_planes(c, h, w, out_h, out_w,
                       [&](int64_t ch, int64_t y, int64_t x) { return static_cast<double>(chw[(ch * h + y) * w + x]); });
}

Expected<Tensor> to_grey(const Tensor& chw) {
  if (chw.rank() != 3 || (chw.dim(0) != 1 && chw.dim(0) != 3))
    return Error{"to_grey expects a (1, H, W) or (3, H, W) tensor, got " + shape_string(chw.shape)};
  if (chw.dim(0) == 1) return chw;
  const int64_t n = chw.dim(1) * chw.dim(2);
  Tensor out = zeros({1, chw.dim(1), chw.dim(2)});
  for (int64_t i = 0; i < n; ++i)
    out[i] = kLumaWeights[0] * chw[i] + kLumaWeights[1] * chw[n + i] + kLumaWeights[2] * chw[2 * n + i];
  return out;
}

Expected<std::vector<float>> image_plane(const Tensor& chw, int64_t channel) {
  if (chw.rank() != 3) return Error{"image_plane expects a (C, H, W) tensor, got " + shape_string(chw.shape)};
  if (channel < 0 || channel >= chw.dim(0))
    return Error{"channel " + std::to_string(channel) + " is outside 0–" + std::to_string(chw.dim(0) - 1)};
  const int64_t n = chw.dim(1) * chw.dim(2);
  const auto first = chw.data.begin() + static_cast<std::ptrdiff_t>(channel * n);
  return std::vector<float>(first, first + static_cast<std::ptrdiff_t>(n));
}

Expected<DiscPicture> red_green_discs(int64_t height, int64_t width) {
  if (height < 3 || width < 6 || height > kMaxImageSide || width > kMaxImageSide)
    return Error{"the disc picture needs at least 3×6 pixels and at most " + std::to_string(kMaxImageSide) + " per side, not " +
                 size_text(height, width)};
  DiscPicture p;
  p.image = zeros({3, height, width});
  std::fill(p.image.data.begin(), p.image.data.end(), 1.0f); // white
  p.radius = 0.35 * static_cast<double>(std::min(height, width / 2));
  const double cy = 0.5 * static_cast<double>(height);
  const double cx[2] = {0.25 * static_cast<double>(width), 0.75 * static_cast<double>(width)};
  const int64_t n = height * width;
  for (int d = 0; d < 2; ++d)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x) {
        const double dy = static_cast<double>(y) + 0.5 - cy, dx = static_cast<double>(x) + 0.5 - cx[d];
        if (dy * dy + dx * dx > p.radius * p.radius) continue;
        const int64_t i = y * width + x;
        p.image[i] = d == 0 ? 1.0f : 0.0f;         // R
        p.image[n + i] = d == 0 ? 0.0f : 1.0f;     // G
        p.image[2 * n + i] = 0.0f;                 // B
      }
  p.red_row = p.green_row = static_cast<int64_t>(cy);
  p.red_col = static_cast<int64_t>(cx[0]);
  p.green_col = static_cast<int64_t>(cx[1]);
  return p;
}

const std::vector<std::string_view>& filter_names() {
  static const std::vector<std::string_view> names = {"identity", "box",     "gaussian",  "sharpen",
                                                      "sobel_x",  "sobel_y", "laplacian", "gabor"};
  return names;
}

Expected<Tensor> make_filter(std::string_view name, int64_t k) {
  if (k < 3 || k > 15 || k % 2 == 0) return Error{"filter size K must be odd, 3 to 15, not " + std::to_string(k)};
  const int64_t mid = k / 2;
  if (name == "identity") {
    Tensor t = square(k);
    t[mid * k + mid] = 1.0f;
    return t;
  }
  if (name == "box") {
    Tensor t = square(k);
    std::fill(t.data.begin(), t.data.end(), 1.0f / static_cast<float>(k * k));
    return t;
  }
  if (name == "gaussian") { // binomial coefficients: row k-1 of Pascal's triangle, outer product, sum 1
    std::vector<double> b(static_cast<size_t>(k), 0.0);
    b[0] = 1.0;
    for (int64_t i = 1; i < k; ++i)
      for (int64_t j = i; j > 0; --j) b[static_cast<size_t>(j)] += b[static_cast<size_t>(j - 1)];
    const double total = std::pow(2.0, static_cast<double>(k - 1));
    Tensor t = square(k);
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < k; ++c)
        t[r * k + c] = static_cast<float>(b[static_cast<size_t>(r)] * b[static_cast<size_t>(c)] / (total * total));
    return t;
  }
  if (name == "sharpen") return centred3(k, {0, -1, 0, -1, 5, -1, 0, -1, 0});
  if (name == "sobel_x") return centred3(k, {-1, 0, 1, -2, 0, 2, -1, 0, 1});
  if (name == "sobel_y") return centred3(k, {-1, -2, -1, 0, 0, 0, 1, 2, 1});
  if (name == "laplacian") return centred3(k, {0, 1, 0, 1, -4, 1, 0, 1, 0});
  if (name == "gabor") { // θ = 0 (responds to vertical stripes), wavelength K, σ = K/3, then zero mean and max |w| = 1
    const double sigma = static_cast<double>(k) / 3.0, lambda = static_cast<double>(k);
    const double pi = 3.14159265358979323846;
    std::vector<double> g(static_cast<size_t>(k * k));
    double mean = 0.0;
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < k; ++c) {
        const double x = static_cast<double>(c - mid), y = static_cast<double>(r - mid);
        const double v = std::exp(-(x * x + y * y) / (2.0 * sigma * sigma)) * std::cos(2.0 * pi * x / lambda);
        g[static_cast<size_t>(r * k + c)] = v;
        mean += v;
      }
    mean /= static_cast<double>(k * k);
    double top = 0.0;
    for (double& v : g) {
      v -= mean;
      top = std::max(top, std::fabs(v));
    }
    Tensor t = square(k);
    for (size_t i = 0; i < g.size(); ++i) t.data[i] = static_cast<float>(top > 0 ? g[i] / top : 0.0);
    return t;
  }
  std::string list;
  for (auto n : filter_names()) list += (list.empty() ? "" : ", ") + std::string(n);
  return Error{"unknown filter '" + std::string(name) + "' (one of: " + list + ")"};
}

Tensor colour_kernel(int64_t k, std::array<float, 3> mix) {
  k = std::clamp<int64_t>(k, 1, 64);
  Tensor t = zeros({3, k, k});
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < k * k; ++i) t[c * k * k + i] = mix[static_cast<size_t>(c)] / static_cast<float>(k * k);
  return t;
}

Expected<Tensor> spread_over_channels(const Tensor& pattern, std::array<float, 3> weights) {
  if (pattern.rank() != 2) return Error{"spread_over_channels expects a (K, K) pattern, got " + shape_string(pattern.shape)};
  const int64_t kh = pattern.dim(0), kw = pattern.dim(1);
  Tensor t = zeros({3, kh, kw});
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < kh * kw; ++i) t[c * kh * kw + i] = pattern[i] * weights[static_cast<size_t>(c)];
  return t;
}

Expected<Tensor> recentre_kernel(const Tensor& w, int64_t k) {
  if (w.rank() != 3 || w.dim(1) != w.dim(2)) return Error{"recentre_kernel expects a (C, K, K) kernel, got " + shape_string(w.shape)};
  if (k < 1 || k > 64) return Error{"kernel size " + std::to_string(k) + " must be between 1 and 64"};
  const int64_t c = w.dim(0), from = w.dim(1), offset = k / 2 - from / 2;
  Tensor t = zeros({c, k, k});
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t r = 0; r < from; ++r)
      for (int64_t q = 0; q < from; ++q) {
        const int64_t rr = r + offset, qq = q + offset;
        if (rr >= 0 && rr < k && qq >= 0 && qq < k) t[(ch * k + rr) * k + qq] = w[(ch * from + r) * from + q];
      }
  return t;
}

} // namespace convplay
