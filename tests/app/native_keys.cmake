# cmake -DAPP=convplay_app -P native_keys.cmake
# The native app operated with the keyboard alone: convplay_app --keys presses keys one by one over the
# frames of a scripted run (in a real GLFW window on a virtual X server, handed to ImGui's GLFW backend
# as GLFW reports them), and the printed state must show what the keys did. In modes at an embed's
# 800×520 (the picture first, its animation's speed slider the first Tab stop, then the controls): Tab
# moves from slider to slider (ImGui 1.86 turns a slider reached by Tab into a number field), digits and
# Enter type into it; '.' steps the window animation; the arrows reach the stride slider below the fold
# (the scene scrolls to it), Space grabs it, → moves it by one, Space lets it go.
include(${CMAKE_CURRENT_LIST_DIR}/app_window.cmake)

# Runs the app (with --keys `keys` unless empty) and sets `state` in the caller to the printed state.
function(run_keys keys)
  set(args --url "#scene=modes&nav=0" --size 800x520 --frames 40 --print-state)
  if(NOT keys STREQUAL "")
    list(APPEND args --keys "${keys}")
  endif()
  app_print_state(json "--keys '${keys}'" ${args})
  set(state "${json}" PARENT_SCOPE)
endfunction()

# Fails unless the state's `key` (a path: "layout;focus;label") is `want` (after --keys `keys`).
function(expect keys key want)
  string(JSON got ERROR_VARIABLE error GET "${state}" ${key})
  if(error OR NOT got STREQUAL want)
    string(JSON focus ERROR_VARIABLE ignored GET "${state}" layout focus label)
    message(FATAL_ERROR "--keys '${keys}': ${key} is '${got}', expected '${want}' (the focus is on '${focus}')")
  endif()
  message("ok --keys '${keys}': ${key} = ${got}")
endfunction()

run_keys("") # without keys: the lecture's 5×5 input, the window at its first position
expect("" h 5)
expect("" w 5)
expect("" step 0)

run_keys("Tab,Tab,7,Enter")
expect("Tab,Tab,7,Enter" h 7)
expect("Tab,Tab,7,Enter" w 5)
expect("Tab,Tab,7,Enter" out_h 5)
expect("Tab,Tab,7,Enter" "layout;focus;label" "input height H")

run_keys("Tab,Tab,Tab,9,Enter")
expect("Tab,Tab,Tab,9,Enter" h 5)
expect("Tab,Tab,Tab,9,Enter" w 9)

run_keys("Period,Period")
expect("Period,Period" step 2)

run_keys("Tab,Tab,Tab,Shift+Tab,8,Enter") # Shift+Tab goes back to the first size slider
expect("Tab,Tab,Tab,Shift+Tab,8,Enter" h 8)
expect("Tab,Tab,Tab,Shift+Tab,8,Enter" w 5)

set(down9 "Down,Down,Down,Down,Down,Down,Down,Down,Down")
run_keys("${down9},Space,Right,Right,Space")
expect("${down9},Space,Right,Right,Space" "layout;focus;label" "stride S")
expect("${down9},Space,Right,Right,Space" stride 3)
string(JSON scrolled GET "${state}" scroll_y)
if(NOT scrolled GREATER 0)
  message(FATAL_ERROR "the arrows reached the stride slider, but the scene did not scroll to it (scroll_y ${scrolled})")
endif()
