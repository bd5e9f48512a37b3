# Third-party code comes from Debian's packages, fetched by tools/setup.sh; nothing is vendored.
#   Dear ImGui 1.86: the Debian *source* package, unpacked into build/deps/imgui (libimgui-dev lacks imgui.cpp)
#   GLFW 3.3: libglfw3-dev natively, Emscripten's built-in -sUSE_GLFW=3 on the web
#   Catch2 2.13: header-only (/usr/include/catch2)
#   stb: libstb-dev (/usr/include/stb)
#   nlohmann/json 3.11: header-only (nlohmann-json3-dev), the core's JSON reader and string quoting
#   CLI11 2.1: header-only (libcli11-dev), the programs' command lines (cli/command_line.h)
set(CONVPLAY_IMGUI_DIR "${CMAKE_SOURCE_DIR}/build/deps/imgui" CACHE PATH "Dear ImGui source tree (tools/setup.sh unpacks it)")
set(CONVPLAY_STB_DIR "/usr/include/stb" CACHE PATH "stb headers (libstb-dev)")

if(CONVPLAY_BUILD_APP)
  if(NOT EXISTS "${CONVPLAY_IMGUI_DIR}/imgui.cpp")
    message(FATAL_ERROR "Dear ImGui sources not found in ${CONVPLAY_IMGUI_DIR}: run tools/setup.sh first")
  endif()
  # Compiled once per build into a static library, so app edits relink instead of recompiling ImGui.
  add_library(imgui STATIC
    ${CONVPLAY_IMGUI_DIR}/imgui.cpp ${CONVPLAY_IMGUI_DIR}/imgui_draw.cpp
    ${CONVPLAY_IMGUI_DIR}/imgui_tables.cpp ${CONVPLAY_IMGUI_DIR}/imgui_widgets.cpp
    ${CONVPLAY_IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp # InputText on a std::string (the scenes' text fields)
    ${CONVPLAY_IMGUI_DIR}/backends/imgui_impl_glfw.cpp ${CONVPLAY_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
  target_include_directories(imgui SYSTEM PUBLIC ${CONVPLAY_IMGUI_DIR} ${CONVPLAY_IMGUI_DIR}/backends)
  # IMGUI_ENABLE_TEST_ENGINE: ImGui calls the app's item hooks (app/scene_ui.cpp), so the app can report
  # a control cut off at the window's edge (the layout tests).
  target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_ENABLE_TEST_ENGINE)
  if(EMSCRIPTEN)
    target_link_options(imgui PUBLIC -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
  else()
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(GLFW3 REQUIRED IMPORTED_TARGET glfw3)
    find_package(OpenGL REQUIRED)
    target_link_libraries(imgui PUBLIC PkgConfig::GLFW3 OpenGL::GL ${CMAKE_DL_LIBS})
  endif()
  add_library(convplay::imgui ALIAS imgui)
endif()

add_library(stb INTERFACE)
target_include_directories(stb SYSTEM INTERFACE ${CONVPLAY_STB_DIR})
add_library(convplay::stb ALIAS stb)

# A header-only Debian package as an INTERFACE target `name` on a copy of its folder /usr/include/<folder>
# in the build tree: under Emscripten find_package only searches the sysroot, and an -isystem /usr/include
# would shadow the sysroot's libc headers (Testing.cmake does the same for Catch2).
function(convplay_header_package name folder header package)
  find_path(CONVPLAY_${name}_DIR ${folder}/${header} PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT CONVPLAY_${name}_DIR)
    message(FATAL_ERROR "${folder}/${header} not found: run tools/setup.sh (${package})")
  endif()
  set(dir ${CMAKE_BINARY_DIR}/_deps/${name}/include)
  file(COPY ${CONVPLAY_${name}_DIR}/${folder} DESTINATION ${dir})
  add_library(${name} INTERFACE)
  target_include_directories(${name} SYSTEM INTERFACE ${dir})
endfunction()

# nlohmann/json natively through its CMake package, under Emscripten as a copied folder.
if(EMSCRIPTEN)
  convplay_header_package(nlohmann_json_header nlohmann json.hpp nlohmann-json3-dev)
  add_library(convplay::nlohmann_json ALIAS nlohmann_json_header)
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  add_library(convplay::nlohmann_json ALIAS nlohmann_json::nlohmann_json)
endif()

# CLI11 as a copied folder in both builds.
convplay_header_package(cli11_header CLI CLI.hpp libcli11-dev)
if(EMSCRIPTEN)
  # CLI11 reports errors as exceptions, which Emscripten does not catch by default: the programs using it
  # are compiled and linked with JavaScript-based exception handling (the core is compiled without it).
  target_compile_options(cli11_header INTERFACE -fexceptions)
  target_link_options(cli11_header INTERFACE -fexceptions)
endif()
add_library(convplay::cli11 ALIAS cli11_header)
