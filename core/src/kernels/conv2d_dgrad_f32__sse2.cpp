// x86-64 baseline: the 8 images of a group in two vectors of 4; up to 6 channels (12 accumulators).
#include "conv2d_dgrad_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_CONV2D_DGRAD(sse2, SimdSse2, 6, 1)
#endif
