// The reference Winograd transforms (no SIMD), and the weight transform (done once, at planning).
#include "winograd_f32.inl"
CONVPLAY_DEFINE_WINOGRAD(scalar, SimdScalar)

namespace convplay::kernels {
void winograd_f23_weights(const float* g, float* u) {
  float t[4][3]; // G g
  for (int j = 0; j < 3; ++j) {
    t[0][j] = g[j];
    t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
    t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
    t[3][j] = g[6 + j];
  }
  for (int i = 0; i < 4; ++i) { // (G g) Gᵀ
    u[4 * i + 0] = t[i][0];
    u[4 * i + 1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
    u[4 * i + 2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
    u[4 * i + 3] = t[i][2];
  }
}
} // namespace convplay::kernels
