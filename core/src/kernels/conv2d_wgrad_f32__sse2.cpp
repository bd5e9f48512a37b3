// x86-64 baseline (multiply, then add: a temporary): 4×2 (8 accumulators + 2 inputs + gradient +
// product) and 3×3 (9 + 3 + 2) fit the 16 XMM registers.
#include "conv2d_wgrad_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_WGRAD_SET(sse2, SimdSse2, 4, 2, 3, 3)
#endif
