# The AVX-512 direct convolution tiles keep their accumulators in registers: no ZMM register goes to
# the stack (%rsp/%rbp) in a row tile (but a few in the 8 × 3 tile and the k0 ones, below), and the 10-pixel × 1-vector tile (LeNet conv2 and the
# training step's forward) moves at most a few, at its remainder. A compiler that changes the
# register allocation of conv2d_direct_f32.inl fails here instead of only in the benchmark.
# The row kernels also keep their output prefetch (below). The AVX2 row kernels of a fixed kernel width
# (6x2, 4x2, 3x3, 1x4; their tiles are inlined) move at most 4 YMM registers to or from the stack: with a
# channel loop around the row loop GCC 12 kept all 12 of the 6x2 tile's accumulators there (conv2d_direct_f32.inl).
# The AVX2 channel-vectorised functions of a fixed kernel width (6px2v, 8px1v: the pixel ranges and the
# tiles GCC keeps out of line) move at most 20: a tile of fewer pixels than P stores its accumulators to a
# buffer (12 in the 6x2 tile) and the window pointers pass through YMM registers. When every tile stored
# through that buffer and a K5 row's taps were unrolled (accumulators on the stack, SimdAvx2Fma::kRollPixelTaps),
# the 6x2 functions had 42 to 58 moves, the 8x1 ones 24 to 26.
# Object code, not timing: cmake -DLIB=<libconvplay_core.a> -DOBJDUMP=<objdump> -DWORK=<dir> -P kernel_spills.cmake
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn -C ${LIB} OUTPUT_FILE ${WORK}/core.s RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objdump failed on ${LIB}")
endif()
# Function headers of the kernel templates, every line moving a ZMM or YMM register to or from the
# stack, and the prefetches.
file(STRINGS ${WORK}/core.s lines
     REGEX "(>:$)|([yz]mm[0-9]+,-?(0x[0-9a-f]+)?\\(%r[sb]p)|(\\(%r[sb]p[^)]*\\),%[yz]mm)|(prefetch)")
set(fn "")
set(checked 0)
set(checked_avx2 0)
set(checked_avx2_pixels 0)
set(failures "")
# The AVX-512 row kernels prefetch the output of the tile ahead (prefetch_output): GCC 12 once dropped
# every such prefetch without a trace in the results (conv2d_direct_f32.inl).
set(row_fn FALSE)
set(row_prefetches 0)
foreach(line IN LISTS lines)
  if(line MATCHES "prefetch")
    if(row_fn)
      math(EXPR row_prefetches "${row_prefetches} + 1")
    endif()
    continue()
  endif()
  if(line MATCHES ">:$")
    set(fn "")
    set(row_fn FALSE)
    if(line MATCHES "(v_row_(s_)?k[0-9]__avx512f\\()|(conv2d_direct_(row_kw|tiles)<[^>]*SimdAvx512)")
      set(row_fn TRUE)
    endif()
    if(line MATCHES "(conv2d_direct_f32_[0-9]+x[0-9]+v_row_(s_)?k[1-9]__avx2fma\\()|(conv2d_direct_row_kw<[^>]*SimdAvx2Fma, [0-9]+, [0-9]+, [1-9], (true|false)>)")
      set(fn "AVX2 ${CMAKE_MATCH_0}")
      set(limit 4)
      math(EXPR checked_avx2 "${checked_avx2} + 1")
    elseif(line MATCHES "(conv2d_direct_f32_[0-9]+px[0-9]+v_pixels_(s_)?k[1-9]__avx2fma\\()|(conv2d_pixel_(range|tile)<[^>]*SimdAvx2Fma, [0-9]+, [0-9]+, [1-9], (true|false)>)")
      set(fn "AVX2 pixels ${CMAKE_MATCH_0}")
      set(limit 20)
      math(EXPR checked_avx2_pixels "${checked_avx2_pixels} + 1")
    elseif(line MATCHES "conv2d_direct_tile<[^>]*SimdAvx512, ([0-9]+), ([0-9]+), ([0-9]+), (true|false)>")
      set(fn "row tile ${CMAKE_MATCH_1}x${CMAKE_MATCH_2} k${CMAKE_MATCH_3} unit=${CMAKE_MATCH_4}")
      set(limit 0)
      # The 8 × 3 tile (24 accumulators, 3 inputs, a splat: 28 of 32 registers) keeps 2 vectors in
      # memory when the 5 taps of a row are unrolled, and the tiles of any kernel width (k0) that
      # also run the 8 × 3 tile's row ends copy 4 to 6 accumulators to the stack after the tap loops.
      if(CMAKE_MATCH_2 EQUAL 3 OR CMAKE_MATCH_3 EQUAL 0)
        set(limit 6)
      endif()
    elseif(line MATCHES "conv2d_pixel_range<[^>]*SimdAvx512, 10, 1, ([0-9]+), (true|false)>")
      set(fn "pixel range 10x1 k${CMAKE_MATCH_1} unit=${CMAKE_MATCH_2}")
      set(limit 8)
    endif()
    if(fn)
      math(EXPR checked "${checked} + 1")
      set(count_${checked} 0)
      set(name_${checked} "${fn}")
      set(limit_${checked} ${limit})
    endif()
  elseif(fn AND (line MATCHES "zmm" OR fn MATCHES "^AVX2"))
    math(EXPR count_${checked} "${count_${checked}} + 1")
  endif()
endforeach()
if(checked_avx2 LESS 32)
  message(FATAL_ERROR "found only ${checked_avx2} AVX2 row functions in ${LIB} (expected 4 tiles x 4 widths x 2 strides)")
endif()
if(checked_avx2_pixels LESS 16)
  message(FATAL_ERROR "found only ${checked_avx2_pixels} AVX2 pixel functions in ${LIB} (expected 2 tiles x 4 widths x 2 strides)")
endif()
math(EXPR checked_avx512 "${checked} - ${checked_avx2} - ${checked_avx2_pixels}")
if(checked_avx512 LESS 20)
  message(FATAL_ERROR "found only ${checked_avx512} AVX-512 tile functions in ${LIB} (expected the 8x2, 6x2, 4x2 and 10x1 tiles)")
endif()
foreach(i RANGE 1 ${checked})
  if(count_${i} GREATER limit_${i})
    string(APPEND failures "\n  ${name_${i}}: ${count_${i}} vector stack moves (at most ${limit_${i}})")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "direct tiles spill their accumulators:${failures}")
endif()
if(row_prefetches EQUAL 0)
  message(FATAL_ERROR "the AVX-512 row kernels have no prefetch instruction: the output prefetch was compiled away")
endif()
message(STATUS "${checked_avx512} AVX-512 tile, ${checked_avx2} AVX2 row and ${checked_avx2_pixels} AVX2 pixel functions, none spilling past its limit; ${row_prefetches} prefetches in the row kernels")
