// F.pad's four modes on H×W planes, and the adjoint (gradient) of each.
#include "reference.h"

#include <algorithm>
#include <vector>

namespace convplay::reference {
namespace {
inline size_t at(int64_t i) { return static_cast<size_t>(i); }
// The input index a padded index p copies, or −1 for a zero. Caller guarantees the mode's size limits.
inline int64_t source(int64_t p, int64_t before, int64_t size, PaddingMode mode) {
  const int64_t i = p - before;
  if (i >= 0 && i < size) return i;
  switch (mode) {
  case PaddingMode::Zeros: return -1;
  case PaddingMode::Reflect: return i < 0 ? -i : 2 * (size - 1) - i;     // mirror without repeating the edge
  case PaddingMode::Replicate: return i < 0 ? 0 : size - 1;               // repeat the edge
  case PaddingMode::Circular: return ((i % size) + size) % size;          // wrap around
  }
  return -1;
}
} // namespace

void pad2d_reference(int64_t planes, int64_t H, int64_t W, int64_t top, int64_t bottom, int64_t left, int64_t right,
                     PaddingMode mode, const float* x, float* y) {
  const int64_t HP = H + top + bottom, WP = W + left + right;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t hp = 0; hp < HP; ++hp) {
      const int64_t ih = source(hp, top, H, mode);
      for (int64_t wp = 0; wp < WP; ++wp) {
        const int64_t iw = source(wp, left, W, mode);
        y[at((p * HP + hp) * WP + wp)] = ih < 0 || iw < 0 ? 0.0f : x[at((p * H + ih) * W + iw)];
      }
    }
}

void pad2d_backward_reference(int64_t planes, int64_t H, int64_t W, int64_t top, int64_t bottom, int64_t left,
                              int64_t right, PaddingMode mode, const float* gy, float* gx) {
  const int64_t HP = H + top + bottom, WP = W + left + right;
  std::vector<double> acc(at(H * W));
  for (int64_t p = 0; p < planes; ++p) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t hp = 0; hp < HP; ++hp) {
      const int64_t ih = source(hp, top, H, mode);
      if (ih < 0) continue;
      for (int64_t wp = 0; wp < WP; ++wp) {
        const int64_t iw = source(wp, left, W, mode);
        if (iw >= 0) acc[at(ih * W + iw)] += static_cast<double>(gy[at((p * HP + hp) * WP + wp)]);
      }
    }
    for (int64_t i = 0; i < H * W; ++i) gx[at(p * H * W + i)] = static_cast<float>(acc[at(i)]);
  }
}

} // namespace convplay::reference
