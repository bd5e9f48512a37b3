# Build options and the flags they imply. Set by CMakePresets.json; every target of a build shares them.
option(CONVPLAY_THREADS "Use threads (WebAssembly: -pthread, needs a cross-origin isolated page)" ON)
option(CONVPLAY_SIMD "Use WebAssembly SIMD128 (-msimd128); native builds always use SSE2 at least" ON)
option(CONVPLAY_BUILD_APP "Build the ImGui application" ON)
option(CONVPLAY_BUILD_TESTS "Build the tests (off: e.g. a benchmark-only build)" ON)
set(CONVPLAY_SANITIZE "" CACHE STRING "Sanitizers for native builds, e.g. address,undefined or thread")

if(EMSCRIPTEN)
  if(CONVPLAY_SIMD)
    add_compile_options(-msimd128)
  endif()
  if(CONVPLAY_THREADS)
    # Every object of a threaded WebAssembly build must be compiled with -pthread (shared memory + atomics).
    add_compile_options(-pthread)
    add_link_options(-pthread)
  endif()
  add_link_options(-sALLOW_MEMORY_GROWTH=1)
  if(CONVPLAY_THREADS)
    # Growth + threads slows JS access to memory, not wasm code; our hot loops are wasm.
    add_link_options(-Wno-pthreads-mem-growth)
  endif()
else()
  find_package(Threads REQUIRED)
  link_libraries(Threads::Threads)
  if(CONVPLAY_SANITIZE)
    add_compile_options(-fsanitize=${CONVPLAY_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${CONVPLAY_SANITIZE})
  endif()
endif()

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set(CONVPLAY_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND CONVPLAY_WARNINGS -Wno-restrict) # GCC 12 false positives in std::string concatenation
  endif()
  if(EMSCRIPTEN)
    list(APPEND CONVPLAY_WARNINGS -Wno-dollar-in-identifier-extension) # EM_ASM's $0 arguments
  endif()
endif()
