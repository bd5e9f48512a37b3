// x86-64 baseline: 4 outputs per vector (_mm_shuffle_ps deinterleaves stride-2 windows).
#include "pool2d_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_POOL2D(sse2, SimdSse2)
#endif
