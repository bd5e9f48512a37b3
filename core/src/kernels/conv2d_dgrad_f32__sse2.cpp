// x86-64 baseline: vectors of 4 input columns.
#include "conv2d_dgrad_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_DGRAD(sse2, SimdSse2)
#endif
