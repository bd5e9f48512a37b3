// x86-64 baseline: 4 outputs per vector, two vectors per step of one row or of two rows
// (_mm_shuffle_ps deinterleaves stride 2).
#include "dwconv2d_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_DWCONV2D(sse2, SimdSse2, 2, 2)
#endif
