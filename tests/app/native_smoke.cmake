# cmake -DAPP=convplay_app -DCHECK=png_check -DSCENE=id -DOUT=file.png -P native_smoke.cmake
# Draws 5 frames of a scene in a real GLFW window on a virtual X server, then checks the PNG is not blank.
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
file(REMOVE ${OUT})
find_program(XVFB_RUN xvfb-run REQUIRED)
execute_process(
  COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24" ${APP} --scene ${SCENE} --frames 5 --screenshot ${OUT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "convplay_app exited with ${rc}\n${out}\n${err}")
endif()
execute_process(COMMAND ${CHECK} ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "screenshot check failed for ${OUT}")
endif()
