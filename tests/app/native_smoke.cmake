# cmake -DAPP=convplay_app -DCHECK=png_check -DSCENE=id -DOUT=file.png -P native_smoke.cmake
# Draws 5 frames of a scene in a real GLFW window on a virtual X server and prints its state. The state
# must be that scene's, with its description (built from the scene's own numbers), and the rectangle its
# picture was drawn in (state().layout.picture, in screenshot pixels) must not be blank: an app that drew
# only the scene list and the controls, or the wrong scene, fails.
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
file(REMOVE ${OUT})
include(${CMAKE_CURRENT_LIST_DIR}/app_window.cmake)
app_print_state(state "scene ${SCENE}" --scene ${SCENE} --frames 5 --screenshot ${OUT} --print-state)
string(JSON scene ERROR_VARIABLE json_error GET "${state}" scene)
if(json_error)
  message(FATAL_ERROR "the printed state is not JSON with a scene: ${json_error}\n${state}")
endif()
if(NOT scene STREQUAL SCENE)
  message(FATAL_ERROR "asked for scene ${SCENE}, the state says ${scene}")
endif()
string(JSON description GET "${state}" description)
string(LENGTH "${description}" description_length)
if(description_length LESS 40)
  message(FATAL_ERROR "scene ${SCENE} describes itself in ${description_length} characters: '${description}'")
endif()
foreach(i 0 1 2 3)
  string(JSON p${i} GET "${state}" layout picture ${i})
endforeach()
message("${SCENE}: picture at ${p0} ${p1} ${p2} ${p3}; ${description}")
execute_process(COMMAND ${CHECK} ${OUT} ${p0} ${p1} ${p2} ${p3} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the picture of ${SCENE} is blank in ${OUT}")
endif()
# At the app's own size and the Share menu's embed sizes, nothing is cut by its own container: a combo's
# choice, a table column's content, a plot's legend, a word or number split across lines
# (state().layout.clipped, what the browser layout test checks in the page); and nothing needs scrolling
# sideways (state().layout.scroll_x: the windows drawn with a horizontal scrollbar).
foreach(size 1280x800 800x520 600x400)
  string(REPLACE ".png" "-${size}.png" shot "${OUT}")
  app_print_state(sized "scene ${SCENE} at ${size}" --url "#scene=${SCENE}&nav=0" --size ${size} --frames 8
                  --screenshot ${shot} --print-state)
  string(JSON clipped GET "${sized}" layout clipped)
  if(NOT clipped EQUAL 0)
    string(JSON items GET "${sized}" layout clipped_items)
    message(FATAL_ERROR "scene ${SCENE} at ${size}: ${clipped} item(s) cut by their own width: ${items} (see ${shot})")
  endif()
  string(JSON scrolling LENGTH "${sized}" layout scroll_x)
  if(NOT scrolling EQUAL 0)
    string(JSON items GET "${sized}" layout scroll_x)
    message(FATAL_ERROR "scene ${SCENE} at ${size}: ${scrolling} window(s) scroll sideways: ${items} (see ${shot})")
  endif()
endforeach()
# An idle scene draws its textures once: more frames of the same maps upload nothing more
# (state().texture_uploads counts TensorView textures drawn from values).
string(JSON uploads_5 GET "${state}" texture_uploads)
app_print_state(later "scene ${SCENE}, 30 frames" --scene ${SCENE} --frames 30 --print-state)
string(JSON uploads_30 GET "${later}" texture_uploads)
if(SCENE STREQUAL "features" AND NOT uploads_30 EQUAL uploads_5)
  message(FATAL_ERROR "scene ${SCENE}: ${uploads_5} texture uploads after 5 frames, ${uploads_30} after 30 (idle: no more)")
endif()
message("${SCENE}: ${uploads_5} texture uploads after 5 frames, ${uploads_30} after 30")
# The UI renderer (app/ui_renderer.cpp) draws every frame in fewer GL draw calls than ImGui has commands,
# or as many, never none: a run of commands with one texture and clip rectangle is one call.
string(JSON draw_calls GET "${state}" draw_calls)
string(JSON draw_commands GET "${state}" draw_commands)
if(draw_calls LESS 1 OR draw_calls GREATER draw_commands)
  message(FATAL_ERROR "scene ${SCENE}: ${draw_calls} draw calls for ${draw_commands} ImGui draw commands")
endif()
message("${SCENE}: ${draw_calls} draw calls for ${draw_commands} ImGui draw commands")
