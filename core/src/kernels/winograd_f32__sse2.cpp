// x86-64: the transforms in 4-wide SSE2 (they are a small part of the time; the products run on the
// best direct kernel, AVX-512 or AVX2 where the CPU has them).
#include "winograd_f32.inl"
#if defined(__SSE2__)
CONVPLAY_DEFINE_WINOGRAD(sse2, SimdSse2)
#endif
