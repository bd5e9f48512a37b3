# Catch2 for native and WebAssembly test binaries, and one function to register a test executable.
enable_testing()
include(/usr/lib/cmake/Catch2/Catch.cmake) # catch_discover_tests()

# Catch2's imported target adds -isystem /usr/include, which breaks an Emscripten compile
# (glibc headers shadow the sysroot's): copy the header folder into the build tree instead.
set(_catch_dir ${CMAKE_BINARY_DIR}/_deps/catch2/include)
file(COPY /usr/include/catch2/catch.hpp DESTINATION ${_catch_dir}/catch2)
add_library(catch2_header INTERFACE)
target_include_directories(catch2_header SYSTEM INTERFACE ${_catch_dir})
add_library(convplay::catch2 ALIAS catch2_header)

# convplay_add_catch_test(target): test binaries run natively, or under Node for WebAssembly
# (CMAKE_CROSSCOMPILING_EMULATOR from the preset), each TEST_CASE a ctest test; further arguments are
# more test properties (e.g. FIXTURES_REQUIRED name).
function(convplay_add_catch_test target)
  if(EMSCRIPTEN)
    # NODERAWFS: tests read fixture files by absolute path; EXIT_RUNTIME: Node exits when main returns.
    target_link_options(${target} PRIVATE -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sENVIRONMENT=node)
    if(CONVPLAY_THREADS)
      target_link_options(${target} PRIVATE -sPTHREAD_POOL_SIZE=4)
    endif()
  endif()
  # --warn NoTests: a ctest entry whose name matches no test case fails instead of passing empty (a
  # semicolon in a TEST_CASE name splits it into such entries: CMake lists are semicolon-separated).
  catch_discover_tests(${target} DISCOVERY_TIMEOUT 120 EXTRA_ARGS --warn NoTests PROPERTIES TIMEOUT 300 ${ARGN})
endfunction()
