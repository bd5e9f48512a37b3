# Third-party code comes from Debian's packages, fetched by tools/setup.sh; nothing is vendored.
#   Dear ImGui 1.86: the Debian *source* package, unpacked into build/deps/imgui (libimgui-dev lacks imgui.cpp)
#   GLFW 3.3: libglfw3-dev natively, Emscripten's built-in -sUSE_GLFW=3 on the web
#   Catch2 2.13: header-only (/usr/include/catch2)
#   stb: libstb-dev (/usr/include/stb)
#   nlohmann/json 3.11: header-only (nlohmann-json3-dev), the core's JSON reader and string quoting
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

# Natively through its CMake package. Under Emscripten find_package only searches the sysroot, and the
# package's -isystem /usr/include would shadow the sysroot's libc headers: copy the header folder into the
# build tree instead (as Testing.cmake does for Catch2).
if(EMSCRIPTEN)
  find_path(CONVPLAY_NLOHMANN_JSON_DIR nlohmann/json.hpp PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT CONVPLAY_NLOHMANN_JSON_DIR)
    message(FATAL_ERROR "nlohmann/json.hpp not found: run tools/setup.sh (nlohmann-json3-dev)")
  endif()
  set(_nlohmann_dir ${CMAKE_BINARY_DIR}/_deps/nlohmann_json/include)
  file(COPY ${CONVPLAY_NLOHMANN_JSON_DIR}/nlohmann DESTINATION ${_nlohmann_dir})
  add_library(nlohmann_json_header INTERFACE)
  target_include_directories(nlohmann_json_header SYSTEM INTERFACE ${_nlohmann_dir})
  add_library(convplay::nlohmann_json ALIAS nlohmann_json_header)
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  add_library(convplay::nlohmann_json ALIAS nlohmann_json::nlohmann_json)
endif()
