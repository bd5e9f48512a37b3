// The multiply-add peak of this build's 4-wide vectors (WebAssembly SIMD128, or SSE2 natively):
// what the "60 % of the measured SIMD128 peak" is measured against, on this machine, in the
// same run as the kernels. Each thread runs 12 independent chains of acc = acc·m + a (a multiply and
// an add, as the kernels do; SIMD128 has no fused multiply-add).
#pragma once
#include <convplay/thread_pool.h>

// GFLOP/s of all threads together (the pool's workers and the caller), best of 40 short runs.
double simd128_peak_gflops(convplay::ThreadPool& pool);
