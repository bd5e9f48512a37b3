# include()d by the native window tests: runs convplay_app in a real GLFW window on a virtual X server.
find_program(XVFB_RUN xvfb-run REQUIRED)

# app_print_state(VAR what args...): runs ${APP} args... (which must include --frames N --print-state) and
# sets VAR in the caller to the state it printed (JSON); `what` names the run in a failure's message.
function(app_print_state var what)
  execute_process(COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24" ${APP} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: convplay_app exited with ${rc}\n${out}\n${err}")
  endif()
  string(FIND "${out}" "{" at)
  if(at LESS 0)
    message(FATAL_ERROR "${what}: convplay_app --print-state printed no state\n${out}\n${err}")
  endif()
  string(SUBSTRING "${out}" ${at} -1 state)
  set(${var} "${state}" PARENT_SCOPE)
endfunction()
