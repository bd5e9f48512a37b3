// x86-64 with AVX2: eight tiles per vector (compiled with -mavx2 -mfma; called only when the CPU
// reports both). With AVX products the 4-wide transforms were half of s5's time.
#include "winograd_f32.inl"
#if defined(__AVX2__) && defined(__FMA__)
CONVPLAY_DEFINE_WINOGRAD(avx2fma, SimdAvx2Fma)
#endif
