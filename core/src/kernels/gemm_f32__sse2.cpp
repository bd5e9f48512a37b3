// x86-64 baseline: 6×2 tile (12 accumulators + 2 B vectors + an A splat = 15 of the 16 XMM registers).
#include "gemm_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_GEMM(sse2, SimdSse2, 6, 2)
#endif
