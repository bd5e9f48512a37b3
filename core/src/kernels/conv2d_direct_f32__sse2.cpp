#include "conv2d_direct_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_DIRECT(sse2, SimdSse2, 2, 4)
#endif
