// Compiled with -mavx512f (core/CMakeLists.txt); called only when the CPU reports AVX-512F. 8×3 tile
// (24 accumulators + 3 B vectors + an A splat of the 32 ZMM registers): 8 rows are a training
// chunk's images, so the dense layers' products have no ragged block. Fused multiply-adds as in
// avx2fma: each element of C is the same chain of operations, so both give the same bits.
#include "gemm_f32.inl"
#if defined(__AVX512F__)
CONVPLAY_DEFINE_GEMM(avx512f, SimdAvx512, 8, 3)
#endif
