// The reference Winograd transforms (no SIMD), and the weight transform (done once, at planning).
#include "winograd_f32.inl"
CONVPLAY_DEFINE_WINOGRAD(scalar, SimdScalar)

namespace convplay::kernels {
void winograd_weights(int r, const float* g, float* u) {
  static constexpr double g23[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  static constexpr double g43[6][3] = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                       {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  const int alpha = r + 2;
  auto G = [&](int i, int j) { return r == 2 ? g23[i][j] : g43[i][j]; };
  double t[6][3]; // G g
  for (int i = 0; i < alpha; ++i)
    for (int j = 0; j < 3; ++j) t[i][j] = G(i, 0) * g[j] + G(i, 1) * g[3 + j] + G(i, 2) * g[6 + j];
  for (int i = 0; i < alpha; ++i) // (G g) Gᵀ
    for (int j = 0; j < alpha; ++j)
      u[alpha * i + j] = static_cast<float>(t[i][0] * G(j, 0) + t[i][1] * G(j, 1) + t[i][2] * G(j, 2));
}
} // namespace convplay::kernels
